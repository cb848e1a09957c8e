namespace FeedDigest.Core.Stories;

/// <summary>A story read from a feed, ready to store; text fields are plain text.</summary>
public sealed record NewStory(
    string FeedId,
    string Key,
    string Title,
    string? Link,
    string Summary,
    string? Author,
    IReadOnlyList<string> Categories,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset FirstSeenAt);
