namespace FeedDigest.Core.Stories;

/// <summary>What storing one fetch's items did.</summary>
/// <param name="New">Stories stored for the first time and to be delivered.</param>
/// <param name="Updated">Stored stories whose title or text changed.</param>
/// <param name="GuidChanges">Items recognised by their link whose GUID was new, when enough of the fetch's items were to show that the feed regenerates GUIDs, which are no longer used for it.</param>
public sealed record StoriesSaved(int New, int Updated, int GuidChanges)
{
    public static readonly StoriesSaved None = new(0, 0, 0);

    /// <summary>
    /// The first of the fetch's items that came under a stored story's GUID at a link new to the
    /// feed and with another title (<see cref="StoryIdentity.IsAnotherTitle"/>), stored over that
    /// story as an edit of it; null when none did.
    /// </summary>
    public GuidReuse? GuidReused { get; init; }
}
