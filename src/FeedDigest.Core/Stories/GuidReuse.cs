namespace FeedDigest.Core.Stories;

/// <summary>An item that came under a stored story's GUID at a new link with another title.</summary>
/// <param name="StoredTitle">The stored story's title before the item replaced it.</param>
/// <param name="Title">The item's title.</param>
public sealed record GuidReuse(string StoredTitle, string Title);
