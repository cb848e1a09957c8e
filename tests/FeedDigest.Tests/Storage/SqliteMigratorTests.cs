using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.Tests.Storage;

public sealed class SqliteMigratorTests : IAsyncLifetime
{
    private SqliteTestDatabase database = null!;

    public async Task InitializeAsync() => database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_FreshDatabase_CreatesTheDatabaseFileAndSchema()
    {
        Assert.True(File.Exists(database.Connections.DatabasePath));
        Assert.Equal(
            5,
            await database.ScalarAsync<long>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('feeds', 'stories', 'subscriber_state', 'digests', 'digest_stories')"));
        Assert.Equal("wal", await database.ScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal("2026-03-01T00:00:00.0000000Z", await database.ScalarAsync<string>("SELECT applied_at FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_AppliesEachScriptOnce()
    {
        await database.Migrator.MigrateAsync(CancellationToken.None);

        var names = typeof(FeedDigest.Infrastructure.Storage.IDatabaseMigrator).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).ToList();
        Assert.True(names.Count >= 2);
        Assert.Equal(names.Count, await database.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        // Numbers can have gaps while branches that each add a script are apart (0007 before 0006 arrives).
        var highest = names.Max(n => long.Parse(n.Split('.')[^2].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(highest, await database.ScalarAsync<long>("SELECT MAX(version) FROM schema_migrations"));
    }

    [Theory]
    [InlineData("0021_feed_seen_until.sql", "seen_until")]
    [InlineData("0021_feed_previous_identity.sql", "previous_identity")]
    public async Task MigrateAsync_ADatabaseThatRanAnEarlier0021_GetsThePriorIdentityColumn_AndItsFeedsRead(string earlierScript, string earlierColumn)
    {
        // For a few commits on main 0021 added one of these columns; such a database has version 21 recorded.
        await ExecuteAsync($"""
            ALTER TABLE feeds DROP COLUMN prior_identity;
            DELETE FROM schema_migrations WHERE version = 23;
            ALTER TABLE feeds ADD COLUMN {earlierColumn} TEXT;
            UPDATE schema_migrations SET name = '{earlierScript}' WHERE version = 21;
            INSERT INTO feeds (id, source, active, next_check_at, identity) VALUES ('harbor', 'https://harbor.example/feed.xml', 1, '2026-03-01T00:00:00.0000000Z', 'auto');
            """);

        await database.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT COUNT(*) FROM pragma_table_info('feeds') WHERE name = 'prior_identity'"));
        Assert.Equal("harbor", Assert.Single(await new SqliteFeedStore(database.Connections).GetFeedStatesAsync(CancellationToken.None)).FeedId);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await database.Connections.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SqliteStoryKeyHashMigrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migration6_KeysStoredAsText_StayKnownAfterTheyAreHashed()
    {
        var directory = Directory.CreateTempSubdirectory("feeddigest-tests-");
        try
        {
            var connections = new SqliteConnectionFactory("Data Source=feeddigest.db", directory.FullName);
            await using (var connection = await connections.OpenAsync(CancellationToken.None))
            {
                // The schema as version 5 left it, with keys of three kinds and a tombstone.
                await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;");
                foreach (var (version, name) in ScriptsUpTo(5))
                {
                    await ExecuteAsync(connection, ReadScript(name));
                    await ExecuteAsync(connection, $"INSERT INTO schema_migrations VALUES ({version}, '{name}', '2026-03-01T00:00:00.0000000Z')");
                }

                await ExecuteAsync(connection, """
                    INSERT INTO feeds (id, source, next_check_at) VALUES ('harbor', 'https://harbor.example/feed.xml', '2026-03-01T00:00:00.0000000Z');
                    INSERT INTO stories (feed_id, story_key, title, summary, categories, first_seen_at, seq, content_hash)
                        VALUES ('harbor', 'guid:a-1', 'Port reopens', 'Ships return.', '[]', '2026-03-01T00:00:00.0000000Z', 1, NULL),
                               ('harbor', 'link:harbor.example/b', 'Dock strike', 'Workers walk out.', '[]', '2026-03-01T00:00:00.0000000Z', 2, NULL);
                    INSERT INTO story_keys (feed_id, key, story_id) VALUES
                        ('harbor', 'guid:a-1', 1), ('harbor', 'link:harbor.example/a', 1),
                        ('harbor', 'link:harbor.example/b', 2),
                        ('harbor', 'guid:pruned', NULL);
                    """);
            }

            var migrator = new SqliteMigrator(connections, new FakeTimeProvider(T0), NullLogger<SqliteMigrator>.Instance);
            await migrator.MigrateAsync(CancellationToken.None);

            var store = new SqliteFeedStore(connections);
            var state = new FeedState("harbor", new Uri("https://harbor.example/feed.xml"), null, null, T0, T0, T0.AddHours(1), 0, null);
            var saved = await store.SaveFetchAsync(
                state,
                [
                    Story(["guid:a-1", "link:harbor.example/a"], "Port reopens", "Ships return."),
                    Story(["guid:pruned"], "Old news", "Long gone."),
                    // Story 2 never had one: a GUID it gains is recorded, not counted as a change.
                    Story(["guid:b-2", "link:harbor.example/b"], "Dock strike", "Workers walk out."),
                ],
                EditedStoryPolicy.Ignore,
                CancellationToken.None);

            Assert.Equal(StoriesSaved.None, saved);
            await using (var connection = await connections.OpenAsync(CancellationToken.None))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT (SELECT COUNT(*) FROM stories), (SELECT COUNT(*) FROM story_keys), (SELECT group_concat(has_guid) FROM (SELECT has_guid FROM stories ORDER BY id))";
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.Equal(2, reader.GetInt64(0));
                Assert.Equal(5, reader.GetInt64(1));
                Assert.Equal("1,1", reader.GetString(2));
                SqliteConnection.ClearPool(connection);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static NewStory Story(IReadOnlyList<string> keys, string title, string summary) =>
        new("harbor", keys, title, null, summary, null, [], null, null, T0);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private const string ResourcePrefix = "FeedDigest.Infrastructure.Storage.Sqlite.Migrations.";

    private static IEnumerable<(long Version, string Name)> ScriptsUpTo(long last) =>
        typeof(SqliteMigrator).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Select(n => (Version: long.Parse(n[..n.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), Name: n))
            .Where(s => s.Version <= last)
            .OrderBy(s => s.Version);

    private static string ReadScript(string name)
    {
        using var stream = typeof(SqliteMigrator).Assembly.GetManifestResourceStream(ResourcePrefix + name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
