using System.Text.Json;
using Dapper;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteFeedStore(SqliteConnectionFactory connections) : IFeedStore
{
    private const string FeedColumns =
        "id AS FeedId, source AS Source, etag AS ETag, last_modified AS LastModified, last_checked_at AS LastCheckedAt, " +
        "last_success_at AS LastSuccessAt, next_check_at AS NextCheckAt, consecutive_errors AS ConsecutiveErrors, last_error AS LastError, " +
        "fetch_url AS FetchUrl, last_status AS LastStatus, failing_since AS FailingSince, alert_sent AS AlertSent, gone AS Gone";

    public async Task SyncFeedsAsync(IReadOnlyList<Feed> feeds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var feed in feeds)
        {
            // A feed whose URL changed is a new source: forget its validators and check it now.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO feeds (id, source, active, next_check_at) VALUES (@id, @source, 1, @now)
                ON CONFLICT (id) DO UPDATE SET
                    active = 1,
                    source = excluded.source,
                    etag = CASE WHEN feeds.source = excluded.source THEN feeds.etag END,
                    last_modified = CASE WHEN feeds.source = excluded.source THEN feeds.last_modified END,
                    consecutive_errors = CASE WHEN feeds.source = excluded.source THEN feeds.consecutive_errors ELSE 0 END,
                    last_error = CASE WHEN feeds.source = excluded.source THEN feeds.last_error END,
                    fetch_url = CASE WHEN feeds.source = excluded.source THEN feeds.fetch_url END,
                    failing_since = CASE WHEN feeds.source = excluded.source THEN feeds.failing_since END,
                    alert_sent = CASE WHEN feeds.source = excluded.source THEN feeds.alert_sent ELSE 0 END,
                    gone = CASE WHEN feeds.source = excluded.source THEN feeds.gone ELSE 0 END,
                    next_check_at = CASE WHEN feeds.source = excluded.source AND feeds.active = 1 THEN feeds.next_check_at ELSE excluded.next_check_at END
                """,
                new { id = feed.Id, source = feed.Source.AbsoluteUri, now = SqliteTime.ToText(now) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE feeds SET active = 0 WHERE active = 1 AND id NOT IN (SELECT value FROM json_each(@ids))",
            new { ids = JsonSerializer.Serialize(feeds.Select(f => f.Id)) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FeedState>> GetDueFeedsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<FeedRow>(new CommandDefinition(
            $"SELECT {FeedColumns} FROM feeds WHERE active = 1 AND gone = 0 AND next_check_at <= @now ORDER BY next_check_at LIMIT @limit",
            new { now = SqliteTime.ToText(now), limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToState()).ToList();
    }

    public async Task<IReadOnlyList<FeedState>> GetFeedStatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<FeedRow>(new CommandDefinition(
            $"SELECT {FeedColumns} FROM feeds WHERE active = 1 ORDER BY id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToState()).ToList();
    }

    public Task<int> SaveFetchAsync(FeedState state, IReadOnlyList<NewStory> stories, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (connection, transaction, token) =>
            {
                var inserted = await InsertStoriesAsync(connection, transaction, stories, token).ConfigureAwait(false);
                await UpdateStateAsync(connection, transaction, state, token).ConfigureAwait(false);
                return inserted;
            },
            cancellationToken);

    /// <summary>
    /// One statement, prepared once and bound per story: a first poll stores tens of thousands of
    /// stories, and parsing the SQL and reflecting over parameters for each was most of the cost.
    /// </summary>
    private static async Task<int> InsertStoriesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<NewStory> stories, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            """
            INSERT INTO stories (feed_id, story_key, title, link, summary, author, categories, published_at, updated_at, first_seen_at)
            VALUES ($feedId, $key, $title, $link, $summary, $author, $categories, $publishedAt, $updatedAt, $firstSeenAt)
            ON CONFLICT (feed_id, story_key) DO NOTHING
            """;
        var feedId = insert.Parameters.Add("$feedId", SqliteType.Text);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var title = insert.Parameters.Add("$title", SqliteType.Text);
        var link = insert.Parameters.Add("$link", SqliteType.Text);
        var summary = insert.Parameters.Add("$summary", SqliteType.Text);
        var author = insert.Parameters.Add("$author", SqliteType.Text);
        var categories = insert.Parameters.Add("$categories", SqliteType.Text);
        var publishedAt = insert.Parameters.Add("$publishedAt", SqliteType.Text);
        var updatedAt = insert.Parameters.Add("$updatedAt", SqliteType.Text);
        var firstSeenAt = insert.Parameters.Add("$firstSeenAt", SqliteType.Text);
        insert.Prepare();

        var inserted = 0;
        foreach (var story in stories)
        {
            feedId.Value = story.FeedId;
            key.Value = story.Key;
            title.Value = story.Title;
            link.Value = (object?)story.Link ?? DBNull.Value;
            summary.Value = story.Summary;
            author.Value = (object?)story.Author ?? DBNull.Value;
            categories.Value = story.Categories.Count == 0 ? "[]" : JsonSerializer.Serialize(story.Categories);
            publishedAt.Value = (object?)SqliteTime.ToText(story.PublishedAt) ?? DBNull.Value;
            updatedAt.Value = (object?)SqliteTime.ToText(story.UpdatedAt) ?? DBNull.Value;
            firstSeenAt.Value = SqliteTime.ToText(story.FirstSeenAt);
            inserted += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return inserted;
    }

    public Task SaveStateAsync(FeedState state, CancellationToken cancellationToken) =>
        connections.WriteAsync((connection, transaction, token) => UpdateStateAsync(connection, transaction, state, token), cancellationToken);

    public async Task<IReadOnlyList<StoredStory>> GetStoriesAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StoryRow>(new CommandDefinition(
            $"SELECT {StoryRow.Columns} FROM stories WHERE id > @afterSequence ORDER BY id LIMIT @limit",
            new { afterSequence, limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToStory()).ToList();
    }

    private static Task<int> UpdateStateAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, FeedState state, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE feeds SET etag = @ETag, last_modified = @LastModified, last_checked_at = @lastCheckedAt, last_success_at = @lastSuccessAt,
                next_check_at = @nextCheckAt, consecutive_errors = @ConsecutiveErrors, last_error = @LastError,
                fetch_url = @fetchUrl, last_status = @LastStatus, failing_since = @failingSince, alert_sent = @AlertSent, gone = @Gone
            WHERE id = @FeedId
            """,
            new
            {
                state.FeedId,
                state.ETag,
                state.LastModified,
                lastCheckedAt = SqliteTime.ToText(state.LastCheckedAt),
                lastSuccessAt = SqliteTime.ToText(state.LastSuccessAt),
                nextCheckAt = SqliteTime.ToText(state.NextCheckAt),
                state.ConsecutiveErrors,
                state.LastError,
                fetchUrl = state.FetchUri?.AbsoluteUri,
                state.LastStatus,
                failingSince = SqliteTime.ToText(state.FailingSince),
                state.AlertSent,
                state.Gone,
            },
            transaction,
            cancellationToken: cancellationToken));

    private sealed record FeedRow(
        string FeedId,
        string Source,
        string? ETag,
        string? LastModified,
        string? LastCheckedAt,
        string? LastSuccessAt,
        string NextCheckAt,
        long ConsecutiveErrors,
        string? LastError,
        string? FetchUrl,
        long? LastStatus,
        string? FailingSince,
        long AlertSent,
        long Gone)
    {
        public FeedState ToState() => new(
            FeedId,
            new Uri(Source),
            ETag,
            LastModified,
            SqliteTime.FromNullableText(LastCheckedAt),
            SqliteTime.FromNullableText(LastSuccessAt),
            SqliteTime.FromText(NextCheckAt),
            (int)ConsecutiveErrors,
            LastError)
        {
            FetchUri = FetchUrl is null ? null : new Uri(FetchUrl),
            LastStatus = (int?)LastStatus,
            FailingSince = SqliteTime.FromNullableText(FailingSince),
            AlertSent = AlertSent != 0,
            Gone = Gone != 0,
        };
    }
}
