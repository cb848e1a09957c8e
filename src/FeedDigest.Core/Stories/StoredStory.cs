namespace FeedDigest.Core.Stories;

/// <summary>
/// A story as stored. <see cref="Sequence"/> grows with every story first seen (and with every edit
/// sent again), so "new since the last digest" is a comparison with a cut-off, never a judgement of
/// the feed's own dates. <see cref="Id"/> never changes.
/// </summary>
public sealed record StoredStory(
    long Id,
    long Sequence,
    string FeedId,
    string Title,
    string? Link,
    string Summary,
    string? Author,
    IReadOnlyList<string> Categories,
    DateTimeOffset? PublishedAt,
    DateTimeOffset FirstSeenAt)
{
    /// <summary>How many times an edit sent the story out again (<see cref="EditedStoryPolicy.IncludeOnce"/>); above 0 it is shown as updated.</summary>
    public int Revision { get; init; }

    /// <summary>The cross-outlet story it belongs to; null until clustered (or when clustering is off).</summary>
    public long? ClusterId { get; init; }

    /// <summary>
    /// When it happened, as digests rank it and clustering dates it: published, but never later than
    /// first seen (a feed that dates its items in the future does not put them on top, nor outside
    /// every cluster's window), and first seen for a date before 1971 (a placeholder: 1 January 1970,
    /// the Unix epoch, or year 1 or 1900, which would list the story last, dated without its year).
    /// </summary>
    public DateTimeOffset DatedAt => DateOf(PublishedAt, FirstSeenAt);

    private static readonly DateTimeOffset EarliestRealDate = new(1971, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The rule of <see cref="DatedAt"/>, for a story read in another shape (clustering's).</summary>
    public static DateTimeOffset DateOf(DateTimeOffset? publishedAt, DateTimeOffset firstSeenAt) =>
        publishedAt is { } published && published < firstSeenAt && published >= EarliestRealDate ? published : firstSeenAt;
}
