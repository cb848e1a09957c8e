namespace FeedDigest.Core.Feeds;

/// <summary>A feed the store holds, configured or not (a removed feed's row and stories stay).</summary>
/// <param name="Source">Its configured URL as last stored.</param>
public sealed record StoredFeed(string Id, Uri Source);
