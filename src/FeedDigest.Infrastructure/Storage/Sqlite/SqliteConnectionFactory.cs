using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>Opens connections to the one database file, with the pragmas every connection needs.</summary>
internal sealed class SqliteConnectionFactory : IDisposable
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

    private readonly SemaphoreSlim writeGate = new(1, 1);

    public string DatabasePath { get; }

    public void Dispose() => writeGate.Dispose();

    /// <summary>
    /// A connection for a write. SQLite takes one writer at a time; letting sixteen fetches race for
    /// the lock makes the losers sleep in SQLite's busy handler (up to 100 ms a try), so writers from
    /// this process queue here instead and each finds the lock free.
    /// </summary>
    public async Task<WriteConnection> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new WriteConnection(await OpenAsync(cancellationToken).ConfigureAwait(false), writeGate);
        }
        catch
        {
            writeGate.Release();
            throw;
        }
    }

    /// <summary>
    /// This process's write turn, for a store that keeps its own open connection (the story
    /// cluster index) rather than opening one per write. Dispose the result to give the turn back.
    /// </summary>
    public async Task<IDisposable> WaitForWriteTurnAsync(CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(writeGate);
    }

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

    private sealed class WriteTurn(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
