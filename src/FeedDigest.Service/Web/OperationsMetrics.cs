using FeedDigest.Core.Ports;
using Prometheus;

namespace FeedDigest.Service.Web;

/// <summary>
/// The service's figures in the Prometheus text format (prometheus-net), read from the database at
/// each scrape, so they survive restarts and count the work of every process on the database.
/// A registry of its own, not the library's static default: two hosts in one process (the tests) keep apart.
/// </summary>
internal sealed class OperationsMetrics
{
    public OperationsMetrics(IOperationsStore operations)
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        var feedsPolled = factory.CreateGauge("feeddigest_feeds_polled", "Feeds checked at least once.");
        var failing = factory.CreateGauge("feeddigest_fetch_errors", "Feeds whose last fetch failed, by kind of failure.", "kind");
        var stories = factory.CreateGauge("feeddigest_stories_stored", "Stories in the database.");
        var clusters = factory.CreateGauge("feeddigest_clusters", "Story clusters (stories about one event from several outlets).");
        var sent = factory.CreateGauge("feeddigest_digests_sent", "Digests sent.");
        var failures = factory.CreateGauge("feeddigest_send_failures", "Digests whose last send failed (retrying or refused for good).");
        var outbox = factory.CreateGauge("feeddigest_outbox_depth", "Digests claimed and not yet sent.");
        var lastPoll = factory.CreateGauge("feeddigest_last_poll_timestamp_seconds", "When a feed was last checked (Unix time).");
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var snapshot = await operations.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
            feedsPolled.Set(snapshot.FeedsPolled);
            foreach (var kind in failing.GetAllLabelValues().Select(labels => labels[0]).Except(snapshot.FailingFeedsByKind.Keys).ToList())
            {
                failing.WithLabels(kind).Set(0);
            }

            foreach (var (kind, count) in snapshot.FailingFeedsByKind)
            {
                failing.WithLabels(kind).Set(count);
            }

            stories.Set(snapshot.StoriesStored);
            clusters.Set(snapshot.Clusters);
            sent.Set(snapshot.DigestsSent);
            failures.Set(snapshot.SendFailures);
            outbox.Set(snapshot.OutboxDepth);
            lastPoll.Set(snapshot.LastPollAt?.ToUnixTimeSeconds() ?? 0);
        });
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
}
