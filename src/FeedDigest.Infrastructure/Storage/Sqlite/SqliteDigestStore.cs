using System.Text.Json;
using Dapper;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Ports;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteDigestStore(SqliteConnectionFactory connections) : IDigestStore
{
    public async Task<SubscriberDigestState> GetOrCreateStateAsync(string subscriberKey, DateTimeOffset now, DateTimeOffset lookbackStart, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        // A new subscriber's cut-off sits just before the first story first seen within the look-back:
        // not after the last one seen before it, which an old story edited and queued again
        // (EditedStories IncludeOnce: a new sequence, its old first-seen time) would put past the whole day.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO subscriber_state (subscriber_key, created_at, last_slot_at, story_cutoff)
            VALUES (@subscriberKey, @now, NULL, (SELECT COALESCE((SELECT MIN(seq) FROM stories WHERE first_seen_at >= @lookbackStart) - 1, (SELECT MAX(seq) FROM stories), 0)))
            ON CONFLICT (subscriber_key) DO NOTHING
            """,
            new { subscriberKey, now = SqliteTime.ToText(now), lookbackStart = SqliteTime.ToText(lookbackStart) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var row = await connection.QuerySingleAsync<StateRow>(new CommandDefinition(
            $"SELECT {StateRow.Columns} FROM subscriber_state WHERE subscriber_key = @subscriberKey",
            new { subscriberKey },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row.ToState();
    }

    public async Task<IReadOnlyList<SubscriberDigestState>> GetOrCreateStatesAsync(IReadOnlyList<string> subscriberKeys, DateTimeOffset now, DateTimeOffset lookbackStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriberKeys);
        var keys = JsonSerializer.Serialize(subscriberKeys);
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO subscriber_state (subscriber_key, created_at, last_slot_at, story_cutoff)
            SELECT keys.value, @now, NULL, (SELECT COALESCE((SELECT MIN(seq) FROM stories WHERE first_seen_at >= @lookbackStart) - 1, (SELECT MAX(seq) FROM stories), 0))
            FROM json_each(@keys) AS keys
            WHERE true
            ON CONFLICT (subscriber_key) DO NOTHING
            """,
            new { keys, now = SqliteTime.ToText(now), lookbackStart = SqliteTime.ToText(lookbackStart) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<StateRow>(new CommandDefinition(
            $"SELECT {StateRow.Columns} FROM subscriber_state WHERE subscriber_key IN (SELECT value FROM json_each(@keys))",
            new { keys },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToDictionary(r => r.SubscriberKey, StringComparer.Ordinal);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return subscriberKeys
            .Select(key => rows[key])
            .Select(row => row.ToState())
            .ToList();
    }

    public async Task<bool> TryClaimAsync(SubscriberDigestState expected, DateTimeOffset slot, long newCutoff, ClaimedDigest? digest, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE subscriber_state SET last_slot_at = @slot, story_cutoff = @newCutoff
            WHERE subscriber_key = @key AND story_cutoff = @oldCutoff AND last_slot_at IS @oldSlot
            """,
            new
            {
                key = expected.SubscriberKey,
                slot = SqliteTime.ToText(slot),
                newCutoff,
                oldCutoff = expected.StoryCutoff,
                oldSlot = SqliteTime.ToText(expected.LastSlotAt),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (moved == 0)
        {
            return false;
        }

        if (digest is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO digests (id, subscriber_key, message_id, created_at, omitted_count, status)
                VALUES (@Id, @SubscriberKey, @MessageId, @createdAt, @OmittedCount, 'pending')
                """,
                new { digest.Id, digest.SubscriberKey, digest.MessageId, createdAt = SqliteTime.ToText(digest.CreatedAt), digest.OmittedCount },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            // One prepared statement for all the entries: a Dapper call apiece built and parsed a
            // command per entry, which cost more than the insert (a digest run claims thousands).
            await using var insert = connection.CreateCommand();
            insert.Transaction = (SqliteTransaction)transaction;
            insert.CommandText =
                """
                INSERT INTO digest_stories (digest_id, subscriber_key, story_id, revision, topic_id, position, lead_story_id, updated)
                VALUES ($digestId, $subscriberKey, $storyId, (SELECT revision FROM stories WHERE id = $storyId), $topicId, $position, $leadStoryId, $updated)
                ON CONFLICT (subscriber_key, story_id, revision) DO NOTHING
                """;
            insert.Parameters.AddWithValue("$digestId", digest.Id);
            insert.Parameters.AddWithValue("$subscriberKey", digest.SubscriberKey);
            var storyId = insert.Parameters.Add("$storyId", SqliteType.Integer);
            var topicId = insert.Parameters.Add("$topicId", SqliteType.Text);
            var position = insert.Parameters.Add("$position", SqliteType.Integer);
            var leadStoryId = insert.Parameters.Add("$leadStoryId", SqliteType.Integer);
            var updated = insert.Parameters.Add("$updated", SqliteType.Integer);
            insert.Prepare();
            var listed = 0;
            foreach (var entry in digest.Entries)
            {
                storyId.Value = entry.StoryId;
                topicId.Value = entry.TopicId;
                position.Value = entry.Position;
                leadStoryId.Value = entry.LeadStoryId is { } lead ? lead : DBNull.Value;
                updated.Value = entry.Updated ? 1 : 0;
                // A story already delivered to this subscriber is silently left out, never sent again.
                listed += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (listed == 0)
            {
                // Every story was delivered before: an empty digest is never sent.
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM digests WHERE id = @Id", new { digest.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<UnsentDigest>> GetUnsentDigestsAsync(DateTimeOffset now, int limit, IReadOnlyCollection<string>? subscriberKeys, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var digests = (await connection.QueryAsync<DigestRow>(new CommandDefinition(
            """
            SELECT id AS Id, subscriber_key AS SubscriberKey, message_id AS MessageId, created_at AS CreatedAt, omitted_count AS OmittedCount, attempts AS Attempts
            FROM digests
            WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                AND subscriber_key NOT IN (SELECT subscriber_key FROM subscriber_state WHERE suspended_at IS NOT NULL)
                AND (@keys IS NULL OR subscriber_key IN (SELECT value FROM json_each(@keys)))
            ORDER BY created_at
            LIMIT @limit
            """,
            new { now = SqliteTime.ToText(now), limit, keys = subscriberKeys is null ? null : JsonSerializer.Serialize(subscriberKeys) },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();

        var result = new List<UnsentDigest>(digests.Count);
        foreach (var digest in digests)
        {
            var entries = (await connection.QueryAsync<EntryRow>(new CommandDefinition(
                "SELECT story_id AS StoryId, topic_id AS TopicId, position AS Position, lead_story_id AS LeadStoryId, updated AS Updated FROM digest_stories WHERE digest_id = @Id ORDER BY position",
                new { digest.Id },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            var stories = await connection.QueryAsync<StoryRow>(new CommandDefinition(
                $"SELECT {StoryRow.Columns} FROM digest_stories JOIN stories ON stories.id = digest_stories.story_id WHERE digest_stories.digest_id = @Id ORDER BY digest_stories.position",
                new { digest.Id },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            var claimed = new ClaimedDigest(
                digest.Id,
                digest.SubscriberKey,
                digest.MessageId,
                SqliteTime.FromText(digest.CreatedAt),
                entries.Select(e => new DigestEntry(e.StoryId, e.TopicId, (int)e.Position, e.LeadStoryId, e.Updated != 0)).ToList(),
                (int)digest.OmittedCount);
            result.Add(new UnsentDigest(claimed, stories.Select(s => s.ToStory()).ToList(), (int)digest.Attempts));
        }

        return result;
    }

    public async Task<IReadOnlyList<ScheduledAttempt>> GetAttemptsAfterAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A range of ix_digests_pending: every digest run asks, and it is almost always empty.
        var rows = await connection.QueryAsync<(string Id, string SubscriberKey, string NextAttemptAt)>(new CommandDefinition(
            "SELECT id, subscriber_key, next_attempt_at FROM digests WHERE status = 'pending' AND next_attempt_at > @after ORDER BY next_attempt_at",
            new { after = SqliteTime.ToText(after) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => new ScheduledAttempt(row.Id, row.SubscriberKey, SqliteTime.FromText(row.NextAttemptAt))).ToList();
    }

    public async Task<bool> RescheduleAttemptAsync(ScheduledAttempt attempt, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var moved = await writer.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE digests SET next_attempt_at = @nextAttemptAt WHERE id = @id AND status = 'pending' AND next_attempt_at = @was",
            new { id = attempt.DigestId, nextAttemptAt = SqliteTime.ToText(nextAttemptAt), was = SqliteTime.ToText(attempt.NextAttemptAt) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return moved > 0;
    }

    /// <summary>The digest run's high-water mark of the clock; in maintenance_runs, as when the run last ran.</summary>
    private const string RunTask = "digest-run";

    public Task<DateTimeOffset?> GetLastRunAsync(CancellationToken cancellationToken) =>
        MaintenanceRuns.GetLastRunAsync(connections, RunTask, cancellationToken);

    public Task RecordRunAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        MaintenanceRuns.RecordRunAsync(connections, RunTask, at, cancellationToken);

    public async Task<IReadOnlyList<long>> GetDeliveredStoryIdsAsync(string subscriberKey, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT digest_stories.story_id FROM digest_stories JOIN digests ON digests.id = digest_stories.digest_id WHERE digest_stories.subscriber_key = @subscriberKey AND digests.created_at >= @since",
            new { subscriberKey, since = SqliteTime.ToText(since) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ids.ToList();
    }

    public Task<IReadOnlyList<long>> GetDeliveredAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) =>
        GetAmongAsync(subscriberKey, storyIds, headlinesOnly: false, cancellationToken);

    public async Task<IReadOnlyList<(string SubscriberKey, long StoryId)>> GetRecipientsAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storyIds);
        if (storyIds.Count == 0)
        {
            return [];
        }

        // By the index on digest_stories' story (0019).
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<RecipientRow>(new CommandDefinition(
            "SELECT DISTINCT subscriber_key AS SubscriberKey, story_id AS StoryId FROM digest_stories WHERE story_id IN (SELECT value FROM json_each(@ids))",
            new { ids = SqliteJson.Array(storyIds) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => (row.SubscriberKey, row.StoryId)).ToList();
    }

    public Task<IReadOnlyList<long>> GetHeadlinesAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) =>
        GetAmongAsync(subscriberKey, storyIds, headlinesOnly: true, cancellationToken);

    private async Task<IReadOnlyList<long>> GetAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, bool headlinesOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storyIds);
        if (storyIds.Count == 0)
        {
            return [];
        }

        // By the delivered index, which leads with the subscriber and then the story; a headline has no lead story.
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT DISTINCT story_id FROM digest_stories WHERE subscriber_key = @subscriberKey AND story_id IN (SELECT value FROM json_each(@ids))"
                + (headlinesOnly ? " AND lead_story_id IS NULL" : string.Empty),
            new { subscriberKey, ids = SqliteJson.Array(storyIds) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ids.ToList();
    }

    public async Task MarkSentAsync(string digestId, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE digests SET status = 'sent', sent_at = @sentAt, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL WHERE id = @digestId",
            new { digestId, sentAt = SqliteTime.ToText(sentAt) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // Only failures in a row count towards a suspension: a delivered digest starts the count again.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE subscriber_state SET permanent_failures = 0
            WHERE subscriber_key = (SELECT subscriber_key FROM digests WHERE id = @digestId) AND permanent_failures > 0
            """,
            new { digestId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task LeaseAsync(string digestId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        // This commit is synced to disk (the others, at NORMAL, only at checkpoints): the log is
        // written in order, so the digest's claim and every commit before it survive a power cut
        // before the digest leaves. Otherwise the claim could be lost after the send, and the
        // stories claimed again and sent under a second Message-ID. One sync a digest sent, beside
        // an SMTP exchange. The connection's next opening sets NORMAL again.
        await writer.Connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous=FULL;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE digests SET next_attempt_at = @until WHERE id = @digestId AND status = 'pending'",
            new { digestId, until = SqliteTime.ToText(until) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task MarkFailedAsync(string digestId, string failure, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE digests SET attempts = attempts + 1, last_error = @failure, next_attempt_at = @nextAttemptAt,
                status = CASE WHEN @nextAttemptAt IS NULL THEN 'failed' ELSE 'pending' END
            WHERE id = @digestId
            """,
            new { digestId, failure, nextAttemptAt = SqliteTime.ToText(nextAttemptAt) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<RecipientRefusal> RecordRecipientRefusedAsync(string subscriberKey, string failure, DateTimeOffset at, int suspendAfter, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await writer.Connection.QuerySingleOrDefaultAsync<(long Failures, long SuspendedNow)>(new CommandDefinition(
            """
            UPDATE subscriber_state SET
                permanent_failures = permanent_failures + 1,
                last_permanent_failure = @failure,
                suspended_at = CASE WHEN suspended_at IS NULL AND permanent_failures + 1 >= @suspendAfter THEN @at ELSE suspended_at END,
                suspension_notified = CASE WHEN suspended_at IS NULL AND permanent_failures + 1 >= @suspendAfter THEN 0 ELSE suspension_notified END
            WHERE subscriber_key = @subscriberKey
            RETURNING permanent_failures, suspended_at = @at
            """,
            new { subscriberKey, failure, at = SqliteTime.ToText(at), suspendAfter },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new RecipientRefusal((int)row.Failures, row.SuspendedNow != 0);
    }

    public async Task<IReadOnlyList<SubscriberSuspension>> GetUntoldSuspensionsAsync(CancellationToken cancellationToken) =>
        await GetSuspensionsAsync("suspended_at IS NOT NULL AND suspension_notified = 0", cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<SubscriberSuspension>> GetSuspensionsAsync(CancellationToken cancellationToken) =>
        await GetSuspensionsAsync("suspended_at IS NOT NULL", cancellationToken).ConfigureAwait(false);

    public async Task MarkSuspensionToldAsync(string subscriberKey, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriber_state SET suspension_notified = 1 WHERE subscriber_key = @subscriberKey AND suspended_at IS NOT NULL",
            new { subscriberKey },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> ResumeAsync(string subscriberKey, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var resumed = await writer.Connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE subscriber_state SET suspended_at = NULL, suspension_notified = 0, permanent_failures = 0, last_permanent_failure = NULL
            WHERE subscriber_key = @subscriberKey AND suspended_at IS NOT NULL
            """,
            new { subscriberKey },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return resumed > 0;
    }

    private async Task<IReadOnlyList<SubscriberSuspension>> GetSuspensionsAsync(string where, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Key, string SuspendedAt, long Failures, string? LastFailure)>(new CommandDefinition(
            $"SELECT subscriber_key, suspended_at, permanent_failures, last_permanent_failure FROM subscriber_state WHERE {where} ORDER BY suspended_at",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new SubscriberSuspension(r.Key, SqliteTime.FromText(r.SuspendedAt), (int)r.Failures, r.LastFailure)).ToList();
    }

    private sealed record StateRow(string SubscriberKey, string CreatedAt, string? LastSlotAt, long StoryCutoff, string? SuspendedAt)
    {
        public const string Columns = "subscriber_key AS SubscriberKey, created_at AS CreatedAt, last_slot_at AS LastSlotAt, story_cutoff AS StoryCutoff, suspended_at AS SuspendedAt";

        public SubscriberDigestState ToState() =>
            new(SubscriberKey, SqliteTime.FromText(CreatedAt), SqliteTime.FromNullableText(LastSlotAt), StoryCutoff) { SuspendedAt = SqliteTime.FromNullableText(SuspendedAt) };
    }

    private sealed record DigestRow(string Id, string SubscriberKey, string MessageId, string CreatedAt, long OmittedCount, long Attempts);

    private sealed record EntryRow(long StoryId, string TopicId, long Position, long? LeadStoryId, long Updated);

    private sealed record RecipientRow(string SubscriberKey, long StoryId);
}
