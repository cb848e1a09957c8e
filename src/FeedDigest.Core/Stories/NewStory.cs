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
    /// Fingerprints of the text as the feed gave it (<see cref="StoryIdentity.AsGivenPart"/>) that
    /// earlier versions stored this story with, when this version makes another: an item whose
    /// description has no text beside its text in content:encoded (or Atom's content) was
    /// fingerprinted by the description, and before 2026-11-28 (b91438c) also stored from it; an
    /// item without text (a headline alone) was fingerprinted by its text unmarked. Empty for other items.
    /// </summary>
    public IReadOnlyList<string> EarlierTextHashes { get; init; } = [];

    /// <summary>
    /// Fingerprints of the text as a reader saw it (<see cref="StoryIdentity.VisiblePart"/>) that
    /// versions before b91438c stored this story with: its description's, without the page furniture.
    /// </summary>
    public IReadOnlyList<string> EarlierVisibleHashes { get; init; } = [];

    /// <summary>
    /// Whether a stored story fingerprinted <paramref name="storedHash"/> was stored by an earlier
    /// version from this story's item: the text as the feed gave it is an earlier one, and what a
    /// reader saw is either an earlier one (stored from the description) or this story's (stored with
    /// the content's text, b91438c on). Such a story gets the text and the current fingerprint, and
    /// that is no edit.
    /// </summary>
    public bool StoredEarlierAs(string? storedHash)
    {
        if (storedHash is null || !EarlierTextHashes.Contains(StoryIdentity.AsGivenPart(storedHash), StringComparer.Ordinal))
        {
            return false;
        }

        var visible = StoryIdentity.VisiblePart(storedHash);
        return visible is null || visible == StoryIdentity.VisiblePart(ContentHash) || EarlierVisibleHashes.Contains(visible, StringComparer.Ordinal);
    }

    /// <summary>Whether a stored story fingerprinted <paramref name="storedHash"/> has this story's text: as it is now, or as an earlier version stored it.</summary>
    public bool HasTextOf(string? storedHash) => StoryIdentity.SameContent(storedHash, ContentHash) || StoredEarlierAs(storedHash);

    /// <summary>
    /// The item has no text of its own: neither its description nor its content says anything (a
    /// headline alone, or an item whose content:encoded the feed left out this time).
    /// </summary>
    public bool IsWithoutText { get; init; }

    /// <summary>The item has a title of its own; without one, <see cref="Title"/> is made from its text, or is "(untitled)".</summary>
    public bool HasOwnTitle { get; init; } = true;

    /// <summary>Stored as already seen, never delivered: an old item on a newly added feed.</summary>
    public bool HeldBack { get; init; }

    /// <summary>
    /// The item's keys under the feed's previous identity policy (<see cref="Feeds.FeedState.PreviousIdentity"/>):
    /// looked up, never stored, so that a changed policy does not make known items new.
    /// </summary>
    public IReadOnlyList<string> PreviousKeys { get; init; } = [];
}
