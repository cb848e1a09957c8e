using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.Tests.Storage;

/// <summary>A migrated SQLite database file in its own temporary directory, deleted on dispose.</summary>
internal sealed class SqliteTestDatabase : IAsyncDisposable
{
    private readonly DirectoryInfo directory;

    private SqliteTestDatabase(DirectoryInfo directory, SqliteConnectionFactory connections, SqliteMigrator migrator)
    {
        this.directory = directory;
        Connections = connections;
        Migrator = migrator;
    }

    public SqliteConnectionFactory Connections { get; }

    public SqliteMigrator Migrator { get; }

    public static async Task<SqliteTestDatabase> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("feeddigest-tests-");
        var connections = new SqliteConnectionFactory("Data Source=data/feeddigest.db", directory.FullName);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var migrator = new SqliteMigrator(connections, clock, NullLogger<SqliteMigrator>.Instance);
        await migrator.MigrateAsync(CancellationToken.None);
        return new SqliteTestDatabase(directory, connections, migrator);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await Connections.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = await Connections.OpenAsync(CancellationToken.None))
        {
            // Pooled connections keep the file (and its -wal/-shm companions) open.
            SqliteConnection.ClearPool(connection);
        }

        directory.Delete(recursive: true);
    }
}
