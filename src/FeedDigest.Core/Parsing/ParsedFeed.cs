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
    /// <summary>
    /// How long the feed says it may be cached before it is fetched again: RSS &lt;ttl&gt;, else the syndication
    /// module's sy:updatePeriod / sy:updateFrequency. Null when the feed states none or an unreadable one;
    /// otherwise between one minute and seven days (longer values are clamped; see <see cref="TimeToLiveReader"/>).
    /// </summary>
    public TimeSpan? TimeToLive { get; init; }

    public static ParsedFeed Unreadable(FeedFormat format, string error) =>
        new(format, null, null, [], true, [error]);
}
