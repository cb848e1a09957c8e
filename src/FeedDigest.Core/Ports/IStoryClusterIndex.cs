using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Core.Ports;

/// <summary>
/// Where story clusters are kept: the LSH index of stories by band key, each cluster's centroid,
/// and the document frequencies the similarity is weighted by. Used by <see cref="StoryClusterer"/>.
/// Reads and writes on the index itself are a transaction each; a batch shares one among many stories.
/// </summary>
public interface IStoryClusterIndex : IStoryClusterSession
{
    /// <summary>Opens a batch: many stories' assignments in one transaction (one commit instead of one a story).</summary>
    Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken);

    /// <summary>The highest story id placed in a cluster so far (0 when none): where clustering resumes.</summary>
    Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken);

    /// <summary>The cluster of each of these stories that has been assigned one.</summary>
    Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken);

    /// <summary>
    /// The stories placed in each span's cluster (as it is now: with the clusters merged into it, and
    /// all of the one it was merged into since the caller read it) whose clustering time (published,
    /// or first seen) falls in the span, each named by the cluster the span asked for: the copies of
    /// a story a digest names under "also" though they came before its cut-off.
    /// </summary>
    Task<IReadOnlyDictionary<long, long>> GetClusterStoriesAsync(IReadOnlyCollection<ClusterSpan> spans, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what the index holds about stories that are no longer stored (pruned by retention):
    /// their memberships and band keys, and clusters left without members. A cluster that keeps
    /// members keeps its centroid, and document frequencies only grow: neither keeps what each story
    /// added to it.
    /// </summary>
    Task<ClusterPruneReport> PruneAsync(CancellationToken cancellationToken);
}
