using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>A port fake: answers from a fixed candidate list and reports a conflict for the first <see cref="ConflictsLeft"/> writes.</summary>
internal sealed class FakeClusterIndex : IStoryClusterIndex
{
    public List<CandidateCluster> Candidates { get; } = [];

    public int ConflictsLeft { get; set; }

    public List<ClusterIndexEntry> Writes { get; } = [];

    public int Reads { get; private set; }

    public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(new ClusterCandidates(10, new long[query.Terms.Count], Candidates.ToList()));
    }

    public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken)
    {
        Writes.Add(entry);
        if (ConflictsLeft > 0 && entry.ClusterId is not null)
        {
            ConflictsLeft--;
            return Task.FromResult(new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0));
        }

        return Task.FromResult(new ClusterIndexResult(ClusterIndexOutcome.Added, entry.ClusterId ?? 99));
    }

    public int Batches { get; private set; }

    public Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        Batches++;
        return Task.FromResult<IStoryClusterBatch>(new Batch(this));
    }

    public Task<ClusterPruneReport> PruneAsync(CancellationToken cancellationToken) => Task.FromResult(new ClusterPruneReport(0, 0));

    public Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<long, long>>(new Dictionary<long, long>());

    public Task<IReadOnlyDictionary<long, long>> GetClusterStoriesAsync(IReadOnlyCollection<ClusterSpan> spans, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<long, long>>(new Dictionary<long, long>());

    private sealed class Batch(FakeClusterIndex index) : IStoryClusterBatch
    {
        public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken) => index.FindCandidatesAsync(query, cancellationToken);

        public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken) => index.AddAsync(entry, cancellationToken);

        public Task<bool> CommitAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
