using System.Globalization;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace FeedDigest.DigestBench;

/// <summary>
/// Fills a migrated database with stored, clustered stories through SQL in one transaction (the
/// poller and clusterer would take hours for a million), and resets the subscribers' states and
/// digests before each timed run, so every run starts from the same stories.
/// </summary>
internal static class BenchDatabase
{
    public static async Task FillAsync(SqliteConnectionFactory connections, Arguments arguments, DateTimeOffset now)
    {
        var news = new SyntheticNews(arguments.Seed);
        var stories = Plan(news, arguments.Stories, arguments.Feeds, out var eventSubjects);
        await using var connection = await connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA cache_size = -1048576").ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
        for (var f = 0; f < arguments.Feeds; f++)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO feeds (id, source, next_check_at) VALUES ($p0, $p1, $p2)", FeedId(f), $"https://{FeedId(f)}.example/rss", SqliteTime.ToText(now)).ConfigureAwait(false);
        }

        await using (var cluster = Prepare(connection, transaction, "INSERT INTO clusters (id, version, size, centroid) VALUES ($p0, 1, $p1, zeroblob(0))", 2))
        {
            var sizes = stories.GroupBy(s => s.Event).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (eventId, size) in sizes)
            {
                await RunAsync(cluster, eventId + 1L, (long)size).ConfigureAwait(false);
            }
        }

        await using var story = Prepare(connection, transaction,
            "INSERT INTO stories (id, seq, feed_id, title, link, summary, categories, published_at, first_seen_at) VALUES ($p0, $p0, $p1, $p2, $p3, $p4, '[]', $p5, $p6)", 7);
        await using var member = Prepare(connection, transaction, "INSERT INTO cluster_members (story_id, cluster_id, at) VALUES ($p0, $p1, $p2)", 3);
        var spacing = TimeSpan.FromDays(1) / arguments.StoriesPerDay;
        for (var i = 0; i < stories.Count; i++)
        {
            var id = i + 1L;
            var (eventId, feed) = stories[i];
            var subjects = eventSubjects[eventId];
            var firstSeen = now.AddMinutes(-1) - (spacing * (stories.Count - 1 - i));
            var published = firstSeen.AddMinutes(-news.Next(90));
            await RunAsync(
                story, id, FeedId(feed), news.Title(subjects), $"https://{FeedId(feed)}.example/news/{id}", news.Summary(subjects),
                SqliteTime.ToText(published), SqliteTime.ToText(firstSeen)).ConfigureAwait(false);
            await RunAsync(member, id, eventId + 1L, published.ToUnixTimeSeconds()).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "UPDATE story_sequence SET value = $p0", (long)stories.Count).ConfigureAwait(false);
        // Each day's range of member ids, as the clusterer's commits keep it: reads by time (the
        // clusterer's window, a digest run's earlier copies) go through it.
        await ExecuteAsync(connection, transaction, ClusterMemberDays.RebuildSql).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
        await ExecuteAsync(connection, null, "ANALYZE").ConfigureAwait(false);
    }

    /// <summary>
    /// Every subscriber's last digest went out at yesterday's slot, with a cut-off somewhere in the
    /// last day's stories; earlier runs' digests are deleted.
    /// </summary>
    public static async Task ResetSubscribersAsync(SqliteConnectionFactory connections, IReadOnlyList<string> keys, long lastStory, int storiesPerDay, DateTimeOffset lastSlot, int seed)
    {
        var random = new Random(seed);
        await using var connection = await connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM digest_stories; DELETE FROM digests; DELETE FROM subscriber_state;").ConfigureAwait(false);
        await using var state = Prepare(connection, transaction,
            "INSERT INTO subscriber_state (subscriber_key, created_at, last_slot_at, story_cutoff) VALUES ($p0, $p1, $p2, $p3)", 4);
        foreach (var key in keys)
        {
            await RunAsync(state, key, SqliteTime.ToText(lastSlot.AddDays(-30)), SqliteTime.ToText(lastSlot), lastStory - random.Next(storiesPerDay)).ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public static async Task<long> ScalarAsync(SqliteConnectionFactory connections, string sql)
    {
        await using var connection = await connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public static string FeedId(int index) => "feed" + index.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>
    /// Events of one to four stories from different feeds (most stories stand alone), each with one
    /// to three subjects; an event's stories land near each other, not always side by side, so
    /// clusters span subscribers' cut-offs.
    /// </summary>
    private static List<(int Event, int Feed)> Plan(SyntheticNews news, int count, int feeds, out List<string[]> eventSubjects)
    {
        var stories = new List<(int Event, int Feed)>(count);
        eventSubjects = [];
        while (stories.Count < count)
        {
            var eventId = eventSubjects.Count;
            eventSubjects.Add([.. Enumerable.Range(0, 1 + news.Next(3)).Select(_ => news.Subject())]);
            var roll = news.Next(100);
            var size = roll < 70 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : 4;
            var firstFeed = news.Next(feeds);
            for (var k = 0; k < size && stories.Count < count; k++)
            {
                stories.Add((eventId, (firstFeed + (k * 7)) % feeds));
            }
        }

        for (var block = 0; block < count; block += 64)
        {
            var end = Math.Min(count, block + 64);
            for (var i = end - 1; i > block; i--)
            {
                var j = block + news.Next(i - block + 1);
                (stories[i], stories[j]) = (stories[j], stories[i]);
            }
        }

        return stories;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
        }

        command.Prepare();
        return command;
    }

    private static Task<int> RunAsync(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, params object[] values)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), values[i]);
        }

        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
