using System.Collections.Concurrent;
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

    /// <summary>Enough to take a whole burst of a poll's writes, small enough to keep a transaction short.</summary>
    private const int MaxWritesPerTransaction = 128;

    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly ConcurrentQueue<BatchedWrite> pendingWrites = new();

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
    /// Runs <paramref name="write"/> in a transaction, together with the writes queued beside it
    /// (group commit): whoever gets the write turn commits everything waiting. A poll's sixteen
    /// fetches each finish with a small write, and a transaction apiece made the writes, not the
    /// fetches, set the pace. A write that fails is retried alone, so it fails alone. The write
    /// may run more than once (after another's failure rolls the batch back) and must only touch
    /// the database.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteWriteScope, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var queued = new BatchedWrite<T>(write, cancellationToken);
        pendingWrites.Enqueue(queued);
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!queued.IsDone)
            {
                await RunPendingWritesAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            writeGate.Release();
        }

        return await queued.Outcome.ConfigureAwait(false);
    }

    private async Task RunPendingWritesAsync()
    {
        var batch = new List<BatchedWrite>();
        while (batch.Count < MaxWritesPerTransaction && pendingWrites.TryDequeue(out var next))
        {
            if (next.CancellationToken.IsCancellationRequested)
            {
                next.Cancel();
            }
            else if (!next.IsDone)
            {
                batch.Add(next);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        if (batch.Count > 1 && await TryRunTogetherAsync(connection, batch).ConfigureAwait(false))
        {
            return;
        }

        foreach (var write in batch)
        {
            await TryRunTogetherAsync(connection, [write]).ConfigureAwait(false);
        }
    }

    /// <returns>Whether they committed; when one write fails alone, it is failed.</returns>
    private static async Task<bool> TryRunTogetherAsync(SqliteConnection connection, List<BatchedWrite> writes)
    {
        await using var scope = new SqliteWriteScope(connection, (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false));
        try
        {
            foreach (var write in writes)
            {
                await write.RunAsync(scope).ConfigureAwait(false);
            }

            await scope.Transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await scope.Transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            if (writes.Count > 1)
            {
                return false;
            }

            if (exception is OperationCanceledException && writes[0].CancellationToken.IsCancellationRequested)
            {
                writes[0].Cancel();
            }
            else
            {
                writes[0].Fail(exception);
            }

            return false;
        }

        foreach (var write in writes)
        {
            write.Complete();
        }

        return true;
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
