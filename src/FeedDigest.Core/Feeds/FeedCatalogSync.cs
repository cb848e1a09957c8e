using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;
using Nito.AsyncEx;

namespace FeedDigest.Core.Feeds;

/// <summary>
/// The catalog in force, with the store's feeds made to match it (<see cref="IFeedStore.SyncFeedsAsync"/>:
/// renames applied, new feeds added, removed ones stopped) before anything acts on it. The poller and
/// the digest run both take their catalog here, so whichever runs first after an edit applies it: a
/// digest run before the poll's sync would otherwise read a renamed feed's stories under its old id,
/// match none of them to topics limited to the new one, and move the subscriber's cut-off past them.
/// </summary>
/// <remarks>
/// Each takes a <see cref="CatalogLease"/> for the whole of its work, and a sync waits until no lease
/// is held (a reader/writer lock, writers first): a sync in the middle of a poll would let the poll
/// save a fetched feed under an id that now names another feed (two feeds that swapped ids), and
/// one in the middle of a digest run would let it match stories under ids its catalog does not know.
/// A sync that fails (the database locked for long, a disk full) leaves the last catalog synced in
/// force, so polls go on and digests already claimed still go out; it is tried again at each lease.
/// </remarks>
public sealed class FeedCatalogSync(ICatalogSource catalogSource, IFeedStore feedStore, TimeProvider timeProvider, ILogger<FeedCatalogSync> logger)
{
    private readonly AsyncReaderWriterLock gate = new();
    private Catalog? synced;
    private Catalog? failed;

    /// <summary>
    /// The catalog in force, its feeds synced to the store, held until the lease is disposed: no sync
    /// runs meanwhile. Syncs once per catalog instance; when that fails, the last catalog synced.
    /// </summary>
    public async Task<CatalogLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await gate.ReaderLockAsync(cancellationToken).ConfigureAwait(false);
            var current = catalogSource.Current;
            var held = ReferenceEquals(current, synced) || (ReferenceEquals(current, failed) && synced is not null) ? synced : null;
            if (held is not null)
            {
                return new CatalogLease(held, read);
            }

            read.Dispose();
            using (await gate.WriterLockAsync(cancellationToken).ConfigureAwait(false))
            {
                // Read again under the lock: another caller may have synced it, or a newer one, meanwhile.
                current = catalogSource.Current;
                if (!ReferenceEquals(current, synced))
                {
                    await SyncAsync(current, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task SyncAsync(Catalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            LogRenames(await feedStore.SyncFeedsAsync(catalog.Feeds, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false));
            synced = catalog;
            failed = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Said once a configuration; tried again at each lease, quietly.
            if (!ReferenceEquals(catalog, failed))
            {
                logger.LogError(
                    exception,
                    "The feeds could not be brought in line with the configuration ({Error}); {Meanwhile}; it is tried again at each poll and digest run",
                    exception.Message,
                    synced is null
                        ? "no poll runs and no digest is claimed until they are (digests claimed before still go out)"
                        : "polls and digests go on with the configuration applied before");
            }

            failed = catalog;
            if (synced is null)
            {
                throw new CatalogNotSyncedException(exception);
            }
        }
    }

    /// <summary>
    /// The catalog as configured, synced or not: for work that names no feed, such as sending
    /// digests already built, when no catalog could be synced (<see cref="CatalogNotSyncedException"/>).
    /// </summary>
    public Catalog Configured => catalogSource.Current;

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
