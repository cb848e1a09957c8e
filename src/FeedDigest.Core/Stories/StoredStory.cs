namespace FeedDigest.Core.Stories;

/// <summary>
/// A story as stored. <see cref="Sequence"/> grows with every story first seen, so "new since the
/// last digest" is a comparison with a cut-off, never a judgement of the feed's own dates.
/// </summary>
public sealed record StoredStory(
    long Sequence,
    string FeedId,
    string Title,
    string? Link,
    string Summary,
    string? Author,
    IReadOnlyList<string> Categories,
    DateTimeOffset? PublishedAt,
    DateTimeOffset FirstSeenAt);
