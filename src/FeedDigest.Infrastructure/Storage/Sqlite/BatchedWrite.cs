namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>A write waiting for a turn in a shared transaction; see <see cref="SqliteConnectionFactory.WriteAsync{T}"/>.</summary>
internal abstract class BatchedWrite(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public abstract bool IsDone { get; }

    /// <summary>Runs the write; its result is kept until <see cref="Complete"/>, since the transaction may still roll back.</summary>
    public abstract Task RunAsync(SqliteWriteScope scope);

    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

internal sealed class BatchedWrite<T>(Func<SqliteWriteScope, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    : BatchedWrite(cancellationToken)
{
    private readonly TaskCompletionSource<T> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;

    public Task<T> Outcome => outcome.Task;

    public override bool IsDone => outcome.Task.IsCompleted;

    public override async Task RunAsync(SqliteWriteScope scope) =>
        result = await write(scope, CancellationToken).ConfigureAwait(false);

    public override void Complete() => outcome.TrySetResult(result!);

    public override void Fail(Exception exception) => outcome.TrySetException(exception);

    public override void Cancel() => outcome.TrySetCanceled(CancellationToken);
}
