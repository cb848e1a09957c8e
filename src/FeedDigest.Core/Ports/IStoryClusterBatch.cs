namespace FeedDigest.Core.Ports;

/// <summary>
/// A run of assignments written together (<see cref="IStoryClusterIndex.BeginBatchAsync"/>): each
/// read sees the batch's earlier assignments, and others see none of them until
/// <see cref="CommitAsync"/>. Disposed without a commit, nothing of the batch is kept.
/// </summary>
public interface IStoryClusterBatch : IStoryClusterSession, IAsyncDisposable
{
    /// <summary>
    /// Writes the batch's assignments in one transaction. False when another writer changed the
    /// index since the batch began: nothing is written, and the stories are to be assigned again
    /// in a new batch.
    /// </summary>
    Task<bool> CommitAsync(CancellationToken cancellationToken);
}
