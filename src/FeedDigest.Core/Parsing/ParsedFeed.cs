namespace FeedDigest.Core.Parsing;

/// <summary>
/// The result of parsing one document. A broken document still yields what could be read:
/// <see cref="Bozo"/> is then true and <see cref="Errors"/> says where and why.
/// </summary>
public sealed record ParsedFeed(
    FeedFormat Format,
    string? Title,
    string? Link,
    IReadOnlyList<ParsedItem> Items,
    bool Bozo,
    IReadOnlyList<string> Errors)
{
    public static ParsedFeed Unreadable(FeedFormat format, string error) =>
        new(format, null, null, [], true, [error]);
}
