using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Tests.Storage;

/// <summary>Writes queued while another holds the write turn share one transaction, yet fail and cancel alone.</summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private SqliteTestDatabase database = null!;

    public async Task InitializeAsync()
    {
        database = await SqliteTestDatabase.CreateAsync();
        await Connections.WriteAsync((scope, token) => ExecuteAsync(scope, "CREATE TABLE scratch (n INTEGER PRIMARY KEY)", token), CancellationToken.None);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private SqliteConnectionFactory Connections => database.Connections;

    [Fact]
    public async Task WritesQueuedBehindABusyWriter_AllCommit_EachGetsItsOwnResult()
    {
        var (blocker, release) = StartBlockingWrite();
        var queued = Enumerable.Range(1, 40).Select(n => InsertAsync(n, CancellationToken.None)).ToList();
        release.SetResult();
        await blocker;

        Assert.Equal(Enumerable.Range(1, 40), await Task.WhenAll(queued));
        Assert.Equal(40, await database.ScalarAsync<long>("SELECT COUNT(*) FROM scratch"));
    }

    [Fact]
    public async Task AFailingWriteInABatch_FailsAlone_TheOthersCommit()
    {
        await InsertAsync(7, CancellationToken.None);
        var (blocker, release) = StartBlockingWrite();
        var good = Enumerable.Range(1, 3).Select(n => InsertAsync(n, CancellationToken.None)).ToList();
        var duplicate = InsertAsync(7, CancellationToken.None);
        var later = Enumerable.Range(4, 2).Select(n => InsertAsync(n, CancellationToken.None)).ToList();
        release.SetResult();
        await blocker;

        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(Enumerable.Range(1, 5), await Task.WhenAll(good.Concat(later)));
        Assert.Equal(6, await database.ScalarAsync<long>("SELECT COUNT(*) FROM scratch"));
    }

    [Fact]
    public async Task AWriteCancelledWhileQueued_NeverRuns()
    {
        var (blocker, release) = StartBlockingWrite();
        using var cancellation = new CancellationTokenSource();
        var cancelled = InsertAsync(1, cancellation.Token);
        var kept = InsertAsync(2, CancellationToken.None);
        await cancellation.CancelAsync();
        release.SetResult();
        await blocker;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, await kept);
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT COALESCE(SUM(n), 0) FROM scratch"));
    }

    /// <summary>Holds the write turn until released, so the writes started meanwhile queue up together.</summary>
    private (Task Blocker, TaskCompletionSource Release) StartBlockingWrite()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = Connections.WriteAsync(
            async (_, _) =>
            {
                started.SetResult();
                await release.Task;
                return 0;
            },
            CancellationToken.None);
        started.Task.Wait(TimeSpan.FromSeconds(10));
        return (blocker, release);
    }

    private Task<int> InsertAsync(int n, CancellationToken cancellationToken) =>
        Connections.WriteAsync(
            async (scope, token) =>
            {
                await ExecuteAsync(scope, $"INSERT INTO scratch (n) VALUES ({n})", token);
                return n;
            },
            cancellationToken);

    private static Task<int> ExecuteAsync(SqliteWriteScope scope, string sql, CancellationToken cancellationToken) =>
        scope.Command(sql).ExecuteNonQueryAsync(cancellationToken);
}
