namespace FeedDigest.Core.Ports;

/// <summary>
/// A run of assignments in one write transaction (<see cref="IStoryClusterIndex.BeginBatchAsync"/>):
/// each read sees the batch's earlier writes, and others see none of them until
/// <see cref="CommitAsync"/>. Disposed without a commit, the batch is rolled back. Other writers wait
/// while a batch is open, so keep it to one page of stories.
/// </summary>
public interface IStoryClusterBatch : IStoryClusterSession, IAsyncDisposable
{
    Task CommitAsync(CancellationToken cancellationToken);
}
