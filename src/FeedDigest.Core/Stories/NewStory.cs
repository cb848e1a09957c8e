namespace FeedDigest.Core.Stories;

/// <summary>A story read from a feed, ready to store; text fields are plain text.</summary>
/// <param name="Keys">What the item is known by within its feed, the main key first (<see cref="StoryIdentity"/>).</param>
public sealed record NewStory(
    string FeedId,
    IReadOnlyList<string> Keys,
    string Title,
    string? Link,
    string Summary,
    string? Author,
    IReadOnlyList<string> Categories,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset FirstSeenAt)
{
    /// <summary>Changes when the title or text changes: how an edit is noticed.</summary>
    public string ContentHash { get; init; } = StoryIdentity.ContentHash(Title, Summary);

    /// <summary>
    /// The fingerprint a version before 2026-11-28 stored this story with, when it differs: an item
    /// whose description is empty beside its text in content:encoded (or Atom's content) was stored
    /// without that text then. A stored story that has it gets the text and the current fingerprint,
    /// and that is no edit: it is not sent again.
    /// </summary>
    public string? EarlierContentHash { get; init; }

    /// <summary>
    /// Whether a stored story fingerprinted <paramref name="storedHash"/> has this story's text: as
    /// it is now (<see cref="StoryIdentity.SameContent"/>), or as a version before 2026-11-28 stored
    /// it (<see cref="EarlierContentHash"/>).
    /// </summary>
    public bool HasTextOf(string? storedHash) =>
        StoryIdentity.SameContent(storedHash, ContentHash) || (storedHash is not null && storedHash == EarlierContentHash);

    /// <summary>Stored as already seen, never delivered: an old item on a newly added feed.</summary>
    public bool HeldBack { get; init; }

    /// <summary>
    /// The item's keys under the feed's previous identity policy (<see cref="Feeds.FeedState.PreviousIdentity"/>):
    /// looked up, never stored, so that a changed policy does not make known items new.
    /// </summary>
    public IReadOnlyList<string> PreviousKeys { get; init; } = [];
}
