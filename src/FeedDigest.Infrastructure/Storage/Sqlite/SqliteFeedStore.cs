using System.Text.Json;
using Dapper;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteFeedStore(SqliteConnectionFactory connections) : IFeedStore
{
    private const string FeedColumns =
        "id AS FeedId, source AS Source, etag AS ETag, last_modified AS LastModified, last_checked_at AS LastCheckedAt, " +
        "last_success_at AS LastSuccessAt, next_check_at AS NextCheckAt, consecutive_errors AS ConsecutiveErrors, last_error AS LastError, " +
        "fetch_url AS FetchUrl, last_status AS LastStatus, failing_since AS FailingSince, alert_sent AS AlertSent, gone AS Gone";

    public Task SyncFeedsAsync(IReadOnlyList<Feed> feeds, DateTimeOffset now, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (scope, token) =>
            {
                // A feed whose URL changed is a new source: forget its validators and check it now.
                var upsert = scope.Command(
                    """
                    INSERT INTO feeds (id, source, active, next_check_at) VALUES ($id, $source, 1, $now)
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
                    """);
                SqliteWriteScope.Set(upsert, "$now", SqliteTime.ToText(now));
                foreach (var feed in feeds)
                {
                    SqliteWriteScope.Set(upsert, "$id", feed.Id);
                    SqliteWriteScope.Set(upsert, "$source", feed.Source.AbsoluteUri);
                    await upsert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                var deactivate = scope.Command("UPDATE feeds SET active = 0 WHERE active = 1 AND id NOT IN (SELECT value FROM json_each($ids))");
                SqliteWriteScope.Set(deactivate, "$ids", JsonSerializer.Serialize(feeds.Select(f => f.Id)));
                return await deactivate.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);

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
            async (scope, token) =>
            {
                var inserted = await InsertStoriesAsync(scope, stories, token).ConfigureAwait(false);
                await UpdateStateAsync(scope, state, token).ConfigureAwait(false);
                return inserted;
            },
            cancellationToken);

    /// <summary>One statement, prepared once and bound per story: a first poll stores tens of thousands.</summary>
    private static async Task<int> InsertStoriesAsync(SqliteWriteScope scope, IReadOnlyList<NewStory> stories, CancellationToken cancellationToken)
    {
        var insert = scope.Command(
            """
            INSERT INTO stories (feed_id, story_key, title, link, summary, author, categories, published_at, updated_at, first_seen_at)
            VALUES ($feedId, $key, $title, $link, $summary, $author, $categories, $publishedAt, $updatedAt, $firstSeenAt)
            ON CONFLICT (feed_id, story_key) DO NOTHING
            """);
        var inserted = 0;
        foreach (var story in stories)
        {
            SqliteWriteScope.Set(insert, "$feedId", story.FeedId);
            SqliteWriteScope.Set(insert, "$key", story.Key);
            SqliteWriteScope.Set(insert, "$title", story.Title);
            SqliteWriteScope.Set(insert, "$link", story.Link);
            SqliteWriteScope.Set(insert, "$summary", story.Summary);
            SqliteWriteScope.Set(insert, "$author", story.Author);
            SqliteWriteScope.Set(insert, "$categories", story.Categories.Count == 0 ? "[]" : JsonSerializer.Serialize(story.Categories));
            SqliteWriteScope.Set(insert, "$publishedAt", SqliteTime.ToText(story.PublishedAt));
            SqliteWriteScope.Set(insert, "$updatedAt", SqliteTime.ToText(story.UpdatedAt));
            SqliteWriteScope.Set(insert, "$firstSeenAt", SqliteTime.ToText(story.FirstSeenAt));
            inserted += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return inserted;
    }

    public Task SaveStateAsync(FeedState state, CancellationToken cancellationToken) =>
        connections.WriteAsync((scope, token) => UpdateStateAsync(scope, state, token), cancellationToken);

    public async Task<IReadOnlyList<StoredStory>> GetStoriesAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StoryRow>(new CommandDefinition(
            $"SELECT {StoryRow.Columns} FROM stories WHERE id > @afterSequence ORDER BY id LIMIT @limit",
            new { afterSequence, limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToStory()).ToList();
    }

    private static Task<int> UpdateStateAsync(SqliteWriteScope scope, FeedState state, CancellationToken cancellationToken)
    {
        var update = scope.Command(
            """
            UPDATE feeds SET etag = $etag, last_modified = $lastModified, last_checked_at = $lastCheckedAt, last_success_at = $lastSuccessAt,
                next_check_at = $nextCheckAt, consecutive_errors = $consecutiveErrors, last_error = $lastError,
                fetch_url = $fetchUrl, last_status = $lastStatus, failing_since = $failingSince, alert_sent = $alertSent, gone = $gone
            WHERE id = $feedId
            """);
        SqliteWriteScope.Set(update, "$feedId", state.FeedId);
        SqliteWriteScope.Set(update, "$etag", state.ETag);
        SqliteWriteScope.Set(update, "$lastModified", state.LastModified);
        SqliteWriteScope.Set(update, "$lastCheckedAt", SqliteTime.ToText(state.LastCheckedAt));
        SqliteWriteScope.Set(update, "$lastSuccessAt", SqliteTime.ToText(state.LastSuccessAt));
        SqliteWriteScope.Set(update, "$nextCheckAt", SqliteTime.ToText(state.NextCheckAt));
        SqliteWriteScope.Set(update, "$consecutiveErrors", state.ConsecutiveErrors);
        SqliteWriteScope.Set(update, "$lastError", state.LastError);
        SqliteWriteScope.Set(update, "$fetchUrl", state.FetchUri?.AbsoluteUri);
        SqliteWriteScope.Set(update, "$lastStatus", state.LastStatus);
        SqliteWriteScope.Set(update, "$failingSince", SqliteTime.ToText(state.FailingSince));
        SqliteWriteScope.Set(update, "$alertSent", state.AlertSent);
        SqliteWriteScope.Set(update, "$gone", state.Gone);
        return update.ExecuteNonQueryAsync(cancellationToken);
    }

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
