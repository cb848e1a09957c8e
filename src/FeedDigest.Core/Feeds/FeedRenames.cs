namespace FeedDigest.Core.Feeds;

/// <summary>
/// The configured feeds that are stored feeds under another Id. An admin who renames a feed (in the
/// file, or with <c>feeds remove</c> and <c>feeds add</c>) and keeps its Url means the same feed: its
/// stories, their keys and its polling state (validators, next check, failures, 410 Gone) are that
/// feed's, and taking it for a new feed would send its undated and recent items again.
/// </summary>
/// <remarks>
/// A configured feed whose Id has no stored row is the rename of a stored feed when exactly one stored
/// feed that is no longer configured has its Url, and no other new feed has it too. Urls compare as
/// <see cref="Uri.AbsoluteUri"/> writes them (scheme and host lower-cased, default port dropped), the
/// form the store keeps and compares when it notices a changed Url. Where more than one stored feed
/// could be meant, or the one with that Url is still configured, nothing is renamed: see <see cref="Ambiguous"/>.
/// </remarks>
/// <param name="Renamed">The stored feeds to rename, each to its configured Id.</param>
/// <param name="Ambiguous">The new feeds that share a stored feed's Url but are not taken as its rename.</param>
public sealed record FeedRenames(IReadOnlyList<FeedRename> Renamed, IReadOnlyList<AmbiguousRename> Ambiguous)
{
    public static FeedRenames None { get; } = new([], []);

    public static FeedRenames Find(IReadOnlyList<Feed> configured, IReadOnlyList<StoredFeed> stored)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(stored);
        var storedIds = stored.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var newFeeds = configured.Where(f => !storedIds.Contains(f.Id)).ToList();
        if (newFeeds.Count == 0)
        {
            return None;
        }

        var configuredIds = configured.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var storedByUrl = stored.ToLookup(f => f.Source.AbsoluteUri, StringComparer.Ordinal);
        var renamed = new List<FeedRename>();
        var ambiguous = new List<AmbiguousRename>();
        foreach (var sameUrl in newFeeds.GroupBy(f => f.Source.AbsoluteUri, StringComparer.Ordinal))
        {
            var newIds = sameUrl.Select(f => f.Id).ToList();
            var removed = storedByUrl[sameUrl.Key].Where(f => !configuredIds.Contains(f.Id)).Select(f => f.Id).Order(StringComparer.Ordinal).ToList();
            var kept = storedByUrl[sameUrl.Key].Where(f => configuredIds.Contains(f.Id)).Select(f => f.Id).Order(StringComparer.Ordinal).ToList();
            var source = sameUrl.First().Source;
            if (removed.Count == 1 && newIds.Count == 1)
            {
                renamed.Add(new FeedRename(removed[0], newIds[0], source));
            }
            else if (removed.Count > 0 || kept.Count > 0)
            {
                ambiguous.Add(new AmbiguousRename(newIds, source, removed, kept));
            }
        }

        return renamed.Count == 0 && ambiguous.Count == 0 ? None : new FeedRenames(renamed, ambiguous);
    }
}
