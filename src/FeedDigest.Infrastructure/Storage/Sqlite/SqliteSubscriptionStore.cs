using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Subscriptions;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteSubscriptionStore(SqliteConnectionFactory connections) : ISubscriptionStore
{
    private const string SubscriberColumns =
        "subscriber_key AS SubscriberKey, email AS Email, status AS Status, topics AS Topics, cadence AS Cadence, send_at AS SendAt, day AS Day, time_zone AS TimeZone, paused AS Paused, updated_at AS UpdatedAt";

    public async Task<SubscriptionRequestResult> RequestAsync(string key, string email, SubscriberPreferences preferences, DateTimeOffset now, TimeSpan resendAfter, TimeSpan linkLifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Requests nobody confirmed (bots, typos) would pile up for good: once the last link mailed for
        // one has expired it can never be confirmed, so it goes, here where the table grows. Kept while
        // its resend interval runs, should that be the longer, so the address gets no early second mail.
        // Pruned at every request, the table holds only recent requests, so reading it whole is cheap.
        var expiredIfMailedBy = now - (linkLifetime > resendAfter ? linkLifetime : resendAfter);
        // A confirmed request is remembered as long as its link could still be opened, no longer.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM subscription_requests WHERE mailed_at <= @expiredIfMailedBy;
            DELETE FROM confirmed_requests WHERE confirmed_at <= @expiredIfConfirmedBy;
            """,
            new { expiredIfMailedBy = SqliteTime.ToText(expiredIfMailedBy), expiredIfConfirmedBy = SqliteTime.ToText(now - linkLifetime) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var existing = await connection.QuerySingleOrDefaultAsync<(string RequestId, string MailedAt)?>(new CommandDefinition(
            "SELECT request_id, mailed_at FROM subscription_requests WHERE subscriber_key = @key", new { key }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var send = existing is not { } pending || SqliteTime.FromText(pending.MailedAt) <= now - resendAfter;
        // The id is random, not derived from the address: the confirmation link names the request, nothing else.
        var requestId = existing?.RequestId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO subscription_requests (request_id, subscriber_key, email, topics, cadence, send_at, day, time_zone, requested_at, mailed_at)
            VALUES (@requestId, @key, @email, @topics, @cadence, @sendAt, @day, @timeZone, @now, @now)
            ON CONFLICT (subscriber_key) DO UPDATE SET
                email = excluded.email, topics = excluded.topics, cadence = excluded.cadence, send_at = excluded.send_at,
                day = excluded.day, time_zone = excluded.time_zone, requested_at = excluded.requested_at,
                mailed_at = CASE WHEN @send THEN excluded.mailed_at ELSE mailed_at END
            """,
            new
            {
                requestId,
                key,
                email,
                topics = JsonSerializer.Serialize(preferences.Topics),
                cadence = preferences.Cadence,
                sendAt = preferences.SendAt,
                day = preferences.Day,
                timeZone = preferences.TimeZone,
                now = SqliteTime.ToText(now),
                send,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SubscriptionRequestResult(requestId, send);
    }

    public async Task<ConfirmationStatus> GetConfirmationStatusAsync(string requestId, DateTimeOffset now, TimeSpan linkLifetime, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadConfirmationStatusAsync(connection, null, requestId, now, linkLifetime, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ConfirmationResult> ConfirmAsync(string requestId, DateTimeOffset now, TimeSpan linkLifetime, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var status = await ReadConfirmationStatusAsync(connection, transaction, requestId, now, linkLifetime, cancellationToken).ConfigureAwait(false);
        if (status != ConfirmationStatus.Pending)
        {
            return new ConfirmationResult(status);
        }

        var request = await connection.QuerySingleAsync<SubscriberRow>(new CommandDefinition(
            """
            SELECT subscriber_key AS SubscriberKey, email AS Email, 'active' AS Status, topics AS Topics, cadence AS Cadence,
                   send_at AS SendAt, day AS Day, time_zone AS TimeZone, 0 AS Paused, @now AS UpdatedAt
            FROM subscription_requests WHERE request_id = @requestId
            """,
            new { requestId, now = SqliteTime.ToText(now) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await UpsertAsync(connection, transaction, request, cancellationToken).ConfigureAwait(false);
        // The request's row goes and the confirmation is remembered, so the link opened again says "already confirmed".
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO confirmed_requests (request_id, subscriber_key, confirmed_at) VALUES (@requestId, @key, @now);
            DELETE FROM subscription_requests WHERE request_id = @requestId;
            """,
            new { requestId, key = request.SubscriberKey, now = SqliteTime.ToText(now) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ConfirmationResult(ConfirmationStatus.Confirmed, request.ToSubscriber());
    }

    /// <summary>
    /// Pending while the request waits and its last link is younger than <paramref name="linkLifetime"/>:
    /// the expiry signed into a link mailed under a longer lifetime does not extend it, and the request
    /// may not have been deleted yet (that happens at the next request anyone makes). Without the
    /// request, confirmed or deleted unconfirmed alike, only the confirmation remembered (confirmed_requests) tells the two apart.
    /// </summary>
    private static async Task<ConfirmationStatus> ReadConfirmationStatusAsync(
        Microsoft.Data.Sqlite.SqliteConnection connection, System.Data.Common.DbTransaction? transaction, string requestId, DateTimeOffset now, TimeSpan linkLifetime, CancellationToken cancellationToken)
    {
        var mailedAt = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT mailed_at FROM subscription_requests WHERE request_id = @requestId", new { requestId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (mailedAt is not null)
        {
            return SqliteTime.FromText(mailedAt) > now - linkLifetime ? ConfirmationStatus.Pending : ConfirmationStatus.Gone;
        }

        var subscriberStatus = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            """
            SELECT s.status FROM confirmed_requests AS c JOIN web_subscribers AS s ON s.subscriber_key = c.subscriber_key
            WHERE c.request_id = @requestId
            """,
            new { requestId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return subscriberStatus == "active" ? ConfirmationStatus.AlreadyConfirmed : ConfirmationStatus.Gone;
    }

    public async Task<WebSubscriber?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(
            $"SELECT {SubscriberColumns} FROM web_subscribers WHERE subscriber_key = @key", new { key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToSubscriber();
    }

    public async Task SavePreferencesAsync(string key, string email, SubscriberPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await UpsertAsync(writer.Connection, null, SubscriberRow.From(key, email, "active", preferences, now), cancellationToken).ConfigureAwait(false);
    }

    public async Task UnsubscribeAsync(string key, string email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        // A configured subscriber has no row yet: the row records only that they left.
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO web_subscribers (subscriber_key, email, status, topics, cadence, send_at, day, time_zone, paused, updated_at)
            VALUES (@key, @email, 'unsubscribed', '[]', '', '', NULL, '', 0, @now)
            ON CONFLICT (subscriber_key) DO UPDATE SET status = 'unsubscribed', updated_at = excluded.updated_at
            """,
            new { key, email, now = SqliteTime.ToText(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebSubscriber>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SubscriberRow>(new CommandDefinition(
            $"SELECT {SubscriberColumns} FROM web_subscribers ORDER BY subscriber_key", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => row.ToSubscriber()).ToList();
    }

    private static Task<int> UpsertAsync(Microsoft.Data.Sqlite.SqliteConnection connection, System.Data.Common.DbTransaction? transaction, SubscriberRow row, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO web_subscribers (subscriber_key, email, status, topics, cadence, send_at, day, time_zone, paused, updated_at)
            VALUES (@SubscriberKey, @Email, @Status, @Topics, @Cadence, @SendAt, @Day, @TimeZone, @Paused, @UpdatedAt)
            ON CONFLICT (subscriber_key) DO UPDATE SET
                email = excluded.email, status = excluded.status, topics = excluded.topics, cadence = excluded.cadence,
                send_at = excluded.send_at, day = excluded.day, time_zone = excluded.time_zone, paused = excluded.paused,
                updated_at = excluded.updated_at
            """,
            row,
            transaction,
            cancellationToken: cancellationToken));

    private sealed class SubscriberRow
    {
        public string SubscriberKey { get; set; } = string.Empty;

        public string Email { get; set; } = string.Empty;

        public string Status { get; set; } = string.Empty;

        public string Topics { get; set; } = "[]";

        public string Cadence { get; set; } = string.Empty;

        public string SendAt { get; set; } = string.Empty;

        public string? Day { get; set; }

        public string TimeZone { get; set; } = string.Empty;

        public long Paused { get; set; }

        public string UpdatedAt { get; set; } = string.Empty;

        public static SubscriberRow From(string key, string email, string status, SubscriberPreferences preferences, DateTimeOffset now) => new()
        {
            SubscriberKey = key,
            Email = email,
            Status = status,
            Topics = JsonSerializer.Serialize(preferences.Topics),
            Cadence = preferences.Cadence,
            SendAt = preferences.SendAt,
            Day = preferences.Day,
            TimeZone = preferences.TimeZone,
            Paused = preferences.Paused ? 1 : 0,
            UpdatedAt = SqliteTime.ToText(now),
        };

        public WebSubscriber ToSubscriber() => new(
            SubscriberKey,
            Email,
            Status == "unsubscribed" ? WebSubscriberStatus.Unsubscribed : WebSubscriberStatus.Active,
            new SubscriberPreferences(JsonSerializer.Deserialize<List<string>>(Topics) ?? [], Cadence, SendAt, Day, TimeZone, Paused != 0),
            SqliteTime.FromText(UpdatedAt));
    }
}
