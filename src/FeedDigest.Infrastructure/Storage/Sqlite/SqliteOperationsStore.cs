using Dapper;
using FeedDigest.Core.Ports;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteOperationsStore(SqliteConnectionFactory connections) : IOperationsStore
{
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A table of the schema, not SELECT 1: a reachable file without the schema is not healthy.
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM feeds WHERE 0", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<OperationsSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var counts = await connection.QuerySingleAsync<CountsRow>(new CommandDefinition(
            """
            SELECT
                (SELECT COUNT(*) FROM feeds WHERE last_checked_at IS NOT NULL) AS FeedsPolled,
                (SELECT MAX(last_checked_at) FROM feeds) AS LastPollAt,
                (SELECT COUNT(*) FROM stories) AS StoriesStored,
                (SELECT COUNT(*) FROM clusters WHERE merged_into IS NULL) AS Clusters,
                (SELECT COUNT(*) FROM digests WHERE status = 'sent') AS DigestsSent,
                (SELECT COUNT(*) FROM digests WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL)) AS SendFailures,
                (SELECT COUNT(*) FROM digests WHERE status = 'pending') AS OutboxDepth
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // The poller writes a failure as "Kind: message" (FetchErrorKind's names).
        var failing = await connection.QueryAsync<(string Kind, long Count)>(new CommandDefinition(
            """
            SELECT CASE WHEN instr(last_error, ':') > 0 THEN substr(last_error, 1, instr(last_error, ':') - 1) ELSE 'Other' END, COUNT(*)
            FROM feeds WHERE active = 1 AND consecutive_errors > 0 AND last_error IS NOT NULL GROUP BY 1
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new OperationsSnapshot(
            (int)counts.FeedsPolled,
            failing.ToDictionary(row => row.Kind, row => (int)row.Count, StringComparer.Ordinal),
            counts.StoriesStored,
            counts.Clusters,
            counts.DigestsSent,
            counts.SendFailures,
            counts.OutboxDepth,
            SqliteTime.FromNullableText(counts.LastPollAt));
    }

    public async Task<IReadOnlyList<DeliveryRecord>> GetRecentDeliveriesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Id, string SubscriberKey, string CreatedAt, string Status, long Attempts, string? SentAt, string? LastError)>(new CommandDefinition(
            "SELECT id, subscriber_key, created_at, status, attempts, sent_at, last_error FROM digests ORDER BY created_at DESC LIMIT @limit",
            new { limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => new DeliveryRecord(row.Id, row.SubscriberKey, SqliteTime.FromText(row.CreatedAt), row.Status, (int)row.Attempts, SqliteTime.FromNullableText(row.SentAt), row.LastError)).ToList();
    }

    private sealed class CountsRow
    {
        public long FeedsPolled { get; set; }

        public string? LastPollAt { get; set; }

        public long StoriesStored { get; set; }

        public long Clusters { get; set; }

        public long DigestsSent { get; set; }

        public long SendFailures { get; set; }

        public long OutboxDepth { get; set; }
    }
}
