using System.Diagnostics;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.ClusterBench;

/// <summary>Passes every call to the real index and adds up the time spent reading and writing.</summary>
internal sealed class TimedIndex(IStoryClusterIndex inner) : IStoryClusterIndex
{
    public TimeSpan Committing { get; private set; }

    public TimeSpan Reading { get; private set; }

    public TimeSpan Writing { get; private set; }

    public long CandidateClusters { get; private set; }

    // Bytes allocated by the index: reads and writes on the calling thread (they finish on it, the
    // state being in memory), commits by the whole process (they run on the thread pool), so the
    // replay measures commits with nothing else running.
    public long AllocatedReading { get; private set; }

    public long AllocatedWriting { get; private set; }

    public long AllocatedCommitting { get; set; }

    public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken) => FindCandidatesAsync(inner, query, cancellationToken);

    public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken) => AddAsync(inner, entry, cancellationToken);

    public async Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var batch = await inner.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        Committing += clock.Elapsed;
        return new TimedBatch(this, batch);
    }

    public Task<ClusterPruneReport> PruneAsync(CancellationToken cancellationToken) => inner.PruneAsync(cancellationToken);

    private async Task<ClusterCandidates> FindCandidatesAsync(IStoryClusterSession session, ClusterQuery query, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = await session.FindCandidatesAsync(query, cancellationToken).ConfigureAwait(false);
        AllocatedReading += GC.GetAllocatedBytesForCurrentThread() - before;
        Reading += clock.Elapsed;
        CandidateClusters += result.Clusters.Count;
        return result;
    }

    private async Task<ClusterIndexResult> AddAsync(IStoryClusterSession session, ClusterIndexEntry entry, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = await session.AddAsync(entry, cancellationToken).ConfigureAwait(false);
        AllocatedWriting += GC.GetAllocatedBytesForCurrentThread() - before;
        Writing += clock.Elapsed;
        return result;
    }

    public Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken) =>
        inner.GetLastClusteredStoryIdAsync(cancellationToken);

    public Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken) =>
        inner.GetClustersAsync(storyIds, cancellationToken);

    public Task<IReadOnlyDictionary<long, long>> GetClusterStoriesAsync(IReadOnlyCollection<ClusterSpan> spans, CancellationToken cancellationToken) =>
        inner.GetClusterStoriesAsync(spans, cancellationToken);

    /// <summary>A batch whose reads and writes count as the index's, and whose begin, commit and roll-back count as committing.</summary>
    private sealed class TimedBatch(TimedIndex index, IStoryClusterBatch inner) : IStoryClusterBatch
    {
        public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken) => index.FindCandidatesAsync(inner, query, cancellationToken);

        public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken) => index.AddAsync(inner, entry, cancellationToken);

        public async Task<bool> CommitAsync(CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var committed = await inner.CommitAsync(cancellationToken).ConfigureAwait(false);
            index.AllocatedCommitting += GC.GetTotalAllocatedBytes(precise: true) - before;
            index.Committing += clock.Elapsed;
            return committed;
        }

        public async ValueTask DisposeAsync()
        {
            var clock = Stopwatch.StartNew();
            await inner.DisposeAsync().ConfigureAwait(false);
            index.Committing += clock.Elapsed;
        }
    }
}
