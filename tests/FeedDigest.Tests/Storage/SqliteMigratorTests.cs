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
}
