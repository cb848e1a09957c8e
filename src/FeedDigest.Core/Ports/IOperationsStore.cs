namespace FeedDigest.Core.Ports;

/// <summary>Read-only figures for the admin pages, /healthz and /metrics.</summary>
public interface IOperationsStore
{
    /// <summary>Throws when the database cannot be reached: the health check's question.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    Task<OperationsSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>The newest digests in the outbox and sent, newest first.</summary>
    Task<IReadOnlyList<DeliveryRecord>> GetRecentDeliveriesAsync(int limit, CancellationToken cancellationToken);
}

/// <param name="FeedsPolled">Feeds checked at least once.</param>
/// <param name="FailingFeedsByKind">Feeds whose last fetch failed, by the kind of failure (Timeout, NotFound …).</param>
/// <param name="OutboxDepth">Digests claimed and not yet sent (waiting or retrying).</param>
/// <param name="LastPollAt">When a feed was last checked; null before the first poll.</param>
public sealed record OperationsSnapshot(
    int FeedsPolled,
    IReadOnlyDictionary<string, int> FailingFeedsByKind,
    long StoriesStored,
    long Clusters,
    long DigestsSent,
    long SendFailures,
    long OutboxDepth,
    DateTimeOffset? LastPollAt);

public sealed record DeliveryRecord(string DigestId, string SubscriberKey, DateTimeOffset CreatedAt, string Status, int Attempts, DateTimeOffset? SentAt, string? LastError);
