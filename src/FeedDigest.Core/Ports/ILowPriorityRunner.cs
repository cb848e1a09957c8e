namespace FeedDigest.Core.Ports;

/// <summary>
/// Runs work that may lag behind (clustering a poll's stories while the poll goes on) on a thread
/// of the lowest CPU priority, so that it takes only the processor time the poll leaves.
/// </summary>
public interface ILowPriorityRunner
{
    /// <summary>Runs <paramref name="work"/> to its end on the low-priority thread, one piece of work at a time.</summary>
    Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
