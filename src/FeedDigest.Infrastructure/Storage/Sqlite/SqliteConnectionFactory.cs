using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>Opens connections to the one database file, with the pragmas every connection needs.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string connectionString;

    public SqliteConnectionFactory(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        }

        builder.ForeignKeys = true;
        builder.DefaultTimeout = 30;
        DatabasePath = builder.DataSource;
        this.connectionString = builder.ToString();
    }

    public string DatabasePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // In WAL mode NORMAL syncs at checkpoints, not at every commit: a power cut may lose the last
            // commits but never corrupts the file, and a poll no longer waits on one fsync per feed.
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
