using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;

namespace FeedDigest.Core.Feeds;

/// <summary>
/// The catalog in force, with the store's feeds made to match it (<see cref="IFeedStore.SyncFeedsAsync"/>:
/// renames applied, new feeds added, removed ones stopped) before anything acts on it. The poller and
/// the digest run both take their catalog here, so whichever runs first after an edit applies it: a
/// digest run before the poll's sync would otherwise read a renamed feed's stories under its old id,
/// match none of them to topics limited to the new one, and move the subscriber's cut-off past them.
/// </summary>
public sealed class FeedCatalogSync(ICatalogSource catalogSource, IFeedStore feedStore, TimeProvider timeProvider, ILogger<FeedCatalogSync> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private Catalog? synced;

    /// <summary>The catalog in force, its feeds synced to the store. Syncs once per catalog instance.</summary>
    public async Task<Catalog> GetSyncedAsync(CancellationToken cancellationToken)
    {
        var catalog = catalogSource.Current;
        if (ReferenceEquals(catalog, Volatile.Read(ref synced)))
        {
            return catalog;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read again under the lock: the other caller may have synced it, or a newer one, meanwhile.
            catalog = catalogSource.Current;
            if (!ReferenceEquals(catalog, synced))
            {
                LogRenames(await feedStore.SyncFeedsAsync(catalog.Feeds, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false));
                Volatile.Write(ref synced, catalog);
            }

            return catalog;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    /// <summary>
    /// A renamed feed is said once, when the store takes the new Id; so is a new feed that shares a
    /// stored feed's Url without being taken as its rename, since its items may then be sent again.
    /// </summary>
    private void LogRenames(FeedRenames renames)
    {
        foreach (var rename in renames.Renamed)
        {
            logger.LogInformation(
                "Feed {OldFeedId} renamed to {FeedId} ({FeedUrl}): same Url, so it keeps its stories, their keys and its polling state, and nothing it sent is sent again",
                rename.OldId, rename.NewId, rename.Source);
        }

        foreach (var archive in renames.Archived)
        {
            logger.LogInformation(
                "Feed {OldFeedId} ({FeedUrl}), no longer configured, had a stored row under the Id a renamed feed takes: that row is kept as {ArchivedFeedId}, with its stories and their keys, and configuring its Url again takes it back",
                archive.OldId, archive.Source, archive.NewId);
        }

        const string Consequence = "added as a new feed, with none of the stored history, so its undated items and those within Stories:NewFeedWindow may be sent again";
        foreach (var unclear in renames.Ambiguous)
        {
            var stored = string.Join(", ", unclear.RemovedIds.Concat(unclear.ConfiguredIds));
            if (unclear.NewIds.Count > 1)
            {
                logger.LogWarning(
                    "Feeds {FeedIds} ({FeedUrl}) all have the Url of {StoredFeedIds}, so none of them is taken as a rename: each was " + Consequence,
                    string.Join(", ", unclear.NewIds), unclear.Source, stored);
            }
            else if (unclear.RemovedIds.Count > 1)
            {
                logger.LogWarning(
                    "Feed {FeedId} ({FeedUrl}) has the Url of the removed feeds {StoredFeedIds}, so it is not taken as the rename of either: it was " + Consequence,
                    unclear.NewIds[0], unclear.Source, stored);
            }
            else if (unclear.ConfiguredIds.Count == 0)
            {
                // The stored feed's web page and the feed it advertises are both configured, under other Ids.
                logger.LogWarning(
                    "Feed {FeedId} ({FeedUrl}) has a Url of the removed feed {StoredFeedIds}, and another configured feed has its other Url (its web page's or its feed's), so neither is taken as its rename: it was " + Consequence,
                    unclear.NewIds[0], unclear.Source, stored);
            }
            else
            {
                logger.LogWarning(
                    "Feed {FeedId} ({FeedUrl}) has the Url of feed {StoredFeedIds}, which is still configured, so it is not taken as its rename: it was " + Consequence + ". To rename a feed, change its Id rather than adding a second entry",
                    unclear.NewIds[0], unclear.Source, stored);
            }
        }
    }
}
