using System.Diagnostics;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.ClusterBench;

/// <summary>Passes every call to the real index and adds up the time spent reading and writing.</summary>
internal sealed class TimedIndex(IStoryClusterIndex inner) : IStoryClusterIndex
{
    public TimeSpan Reading { get; private set; }

    public TimeSpan Writing { get; private set; }

    public long CandidateClusters { get; private set; }

    public async Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await inner.FindCandidatesAsync(query, cancellationToken).ConfigureAwait(false);
        Reading += clock.Elapsed;
        CandidateClusters += result.Clusters.Count;
        return result;
    }

    public async Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await inner.AddAsync(entry, cancellationToken).ConfigureAwait(false);
        Writing += clock.Elapsed;
        return result;
    }

    public Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken) =>
        inner.GetLastClusteredStoryIdAsync(cancellationToken);

    public Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken) =>
        inner.GetClustersAsync(storyIds, cancellationToken);
}
