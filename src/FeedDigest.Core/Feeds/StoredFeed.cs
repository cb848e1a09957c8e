namespace FeedDigest.Core.Feeds;

/// <summary>A feed the store holds, configured or not (a removed feed's row and stories stay).</summary>
/// <param name="Source">Its configured URL as last stored.</param>
/// <param name="FetchUri">
/// Where it is fetched from when that is not <paramref name="Source"/>: the feed a web page advertises,
/// or where the feed moved permanently. <c>feeds add PAGE_URL</c> writes the advertised feed's URL into
/// the configuration, so a feed removed and added back that way is known by this one.
/// </param>
public sealed record StoredFeed(string Id, Uri Source, Uri? FetchUri = null);
