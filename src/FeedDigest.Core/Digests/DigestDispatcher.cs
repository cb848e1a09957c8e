using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Digests;

/// <summary>
/// One digest run. First it claims a digest for every subscriber whose slot has come: the stories
/// first seen since their previous cut-off that match their topics, stored with a Message-ID in the
/// same transaction that moves the cut-off. Then it sends every claimed digest still in the outbox.
/// Claiming before sending means a crash can delay a digest but never lose or duplicate its stories.
/// </summary>
public sealed class DigestDispatcher(
    ICatalogSource catalogSource,
    IFeedStore feedStore,
    IDigestStore digestStore,
    IMailSender sender,
    DigestRenderer renderer,
    ClusteringCatchUp clustering,
    IStoryClusterIndex clusterIndex,
    IOptions<ClusteringOptions> clusteringOptions,
    IOptionsMonitor<DigestOptions> optionsMonitor,
    TimeProvider timeProvider,
    ILogger<DigestDispatcher> logger)
{
    private const int CandidatePageSize = 1000;
    private const int OutboxBatchSize = 100;

    public async Task<DigestRunReport> RunAsync(CancellationToken cancellationToken)
    {
        var catalog = catalogSource.Current;
        var options = optionsMonitor.CurrentValue;
        var claimed = 0;
        // Every stored story is placed in its cluster first, so the digests list each story once.
        await clustering.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        foreach (var subscriber in catalog.Subscribers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await TryClaimDueDigestAsync(subscriber, catalog, options, cancellationToken).ConfigureAwait(false))
            {
                claimed++;
            }
        }

        var (sent, failures) = await SendUnsentAsync(catalog, options, cancellationToken).ConfigureAwait(false);
        return new DigestRunReport(claimed, sent, failures);
    }

    /// <summary>Claims a digest for the subscriber if their next slot has come; returns whether one was stored.</summary>
    public async Task<bool> TryClaimDueDigestAsync(Subscriber subscriber, Catalog catalog, DigestOptions options, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var state = await digestStore.GetOrCreateStateAsync(subscriber.Key, now, now - options.NewSubscriberLookback, cancellationToken).ConfigureAwait(false);
        var slot = subscriber.Schedule.NextAfter(state.LastSlotAt ?? state.CreatedAt);
        if (slot is null || slot > now)
        {
            return false;
        }

        var candidates = await GetNewStoriesAsync(state, cancellationToken).ConfigureAwait(false);
        var newCutoff = candidates.Count > 0 ? candidates[^1].Sequence : state.StoryCutoff;
        if (subscriber.Paused)
        {
            // The slot passes and its stories with it: resuming brings new stories, not a backlog.
            candidates.Clear();
        }

        var (clustered, delivered) = await WithClustersAsync(subscriber, candidates, now, cancellationToken).ConfigureAwait(false);
        var (entries, omitted) = DigestComposer.Compose(subscriber, catalog, clustered, subscriber.MaxStories ?? options.MaxStoriesPerDigest, delivered);
        var digest = entries.Count == 0
            ? null
            : new ClaimedDigest(Guid.NewGuid().ToString("N"), subscriber.Key, NewMessageId(), now, entries, omitted);

        // The slot recorded is "now", not the missed slot: after downtime one digest covers the gap.
        if (!await digestStore.TryClaimAsync(state, now, newCutoff, digest, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("Digest for subscriber {SubscriberId} was claimed by another run; skipped", subscriber.Key);
            return false;
        }

        if (digest is null)
        {
            logger.LogDebug("No new stories for subscriber {SubscriberId}; no digest (empty digests are never sent)", subscriber.Key);
            return false;
        }

        logger.LogInformation("Claimed digest {DigestId} with {StoryCount} stories for subscriber {SubscriberId}", digest.Id, entries.Count, subscriber.Key);
        return true;
    }

    /// <summary>
    /// What the subscriber's digest would hold if it went out now, rendered, without claiming anything;
    /// null when no new story matches their topics.
    /// </summary>
    public async Task<OutgoingMessage?> PreviewAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var catalog = catalogSource.Current;
        var options = optionsMonitor.CurrentValue;
        var now = timeProvider.GetUtcNow();
        await clustering.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        var state = await digestStore.GetOrCreateStateAsync(subscriber.Key, now, now - options.NewSubscriberLookback, cancellationToken).ConfigureAwait(false);
        var candidates = await GetNewStoriesAsync(state, cancellationToken).ConfigureAwait(false);
        var (clustered, delivered) = await WithClustersAsync(subscriber, candidates, now, cancellationToken).ConfigureAwait(false);
        var (entries, omitted) = DigestComposer.Compose(subscriber, catalog, clustered, subscriber.MaxStories ?? options.MaxStoriesPerDigest, delivered);
        if (entries.Count == 0)
        {
            return null;
        }

        var chosen = entries.Select(e => e.StoryId).ToHashSet();
        var preview = new ClaimedDigest("preview", subscriber.Key, NewMessageId(), now, entries, omitted);
        return renderer.Render(new UnsentDigest(preview, clustered.Where(s => chosen.Contains(s.Id)).ToList(), 0), subscriber, catalog, options.SummaryLength);
    }

    /// <summary>
    /// The candidates with their current clusters (clusters merge, so they are read now), and the
    /// clusters the subscriber already got within the clustering window.
    /// </summary>
    private async Task<(List<StoredStory> Stories, IReadOnlySet<long> Delivered)> WithClustersAsync(
        Subscriber subscriber, List<StoredStory> candidates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var clusters = await clusterIndex.GetClustersAsync(candidates.Select(s => s.Id).ToList(), cancellationToken).ConfigureAwait(false);
        var stories = candidates.Select(s => clusters.TryGetValue(s.Id, out var cluster) ? s with { ClusterId = cluster } : s).ToList();
        var sent = await digestStore.GetDeliveredStoryIdsAsync(subscriber.Key, now - clusteringOptions.Value.Window, cancellationToken).ConfigureAwait(false);
        var delivered = sent.Count == 0
            ? new HashSet<long>()
            : (await clusterIndex.GetClustersAsync(sent, cancellationToken).ConfigureAwait(false)).Values.ToHashSet();
        return (stories, delivered);
    }

    private async Task<List<StoredStory>> GetNewStoriesAsync(SubscriberDigestState state, CancellationToken cancellationToken)
    {
        var candidates = new List<StoredStory>();
        var cutoff = state.StoryCutoff;
        while (true)
        {
            var page = await feedStore.GetStoriesAfterAsync(cutoff, CandidatePageSize, cancellationToken).ConfigureAwait(false);
            candidates.AddRange(page);
            if (page.Count < CandidatePageSize)
            {
                return candidates;
            }

            cutoff = page[^1].Sequence;
        }
    }

    private async Task<(int Sent, int Failures)> SendUnsentAsync(Catalog catalog, DigestOptions options, CancellationToken cancellationToken)
    {
        var subscribers = catalog.Subscribers.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var unsent = await digestStore.GetUnsentDigestsAsync(timeProvider.GetUtcNow(), OutboxBatchSize, cancellationToken).ConfigureAwait(false);
        var sent = 0;
        var failures = 0;
        foreach (var item in unsent)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!subscribers.TryGetValue(item.Digest.SubscriberKey, out var subscriber))
            {
                // The subscriber left the configuration after the digest was claimed: it stays unsent.
                continue;
            }

            var message = renderer.Render(item, subscriber, catalog, options.SummaryLength);
            var result = await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var now = timeProvider.GetUtcNow();
            switch (result)
            {
                case DeliveryResult.Delivered:
                    await digestStore.MarkSentAsync(item.Digest.Id, now, CancellationToken.None).ConfigureAwait(false);
                    logger.LogInformation("Sent digest {DigestId} to subscriber {SubscriberId}: {Subject}", item.Digest.Id, subscriber.Key, message.Subject);
                    sent++;
                    break;
                case DeliveryResult.TransientFailure transient:
                    var retryAt = now + options.RetryInterval * Math.Pow(2, Math.Min(item.Attempts, 10));
                    await digestStore.MarkFailedAsync(item.Digest.Id, transient.Message, retryAt, CancellationToken.None).ConfigureAwait(false);
                    logger.LogWarning("Digest {DigestId} for subscriber {SubscriberId} not sent ({Error}); it stays in the outbox and is retried at {RetryAt:u}", item.Digest.Id, subscriber.Key, transient.Message, retryAt);
                    failures++;
                    break;
                case DeliveryResult.PermanentFailure permanent:
                    await digestStore.MarkFailedAsync(item.Digest.Id, permanent.Message, null, CancellationToken.None).ConfigureAwait(false);
                    logger.LogError("Digest {DigestId} for subscriber {SubscriberId} was refused for good: {Error}; check the address", item.Digest.Id, subscriber.Key, permanent.Message);
                    failures++;
                    break;
            }
        }

        return (sent, failures);
    }

    private static string NewMessageId() => $"digest.{Guid.NewGuid():N}@feeddigest";
}
