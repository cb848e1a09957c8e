using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Core.Ports;

/// <summary>
/// Where story clusters are kept: the LSH index of stories by band key, each cluster's centroid,
/// and the document frequencies the similarity is weighted by. Used by <see cref="StoryClusterer"/>.
/// </summary>
public interface IStoryClusterIndex
{
    /// <summary>Document frequencies of the query's terms and the clusters of stories sharing a band key, in one read.</summary>
    Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Records a story in a new or existing cluster, its band keys and its terms' document
    /// frequencies, in one transaction. A story already recorded is left as it is.
    /// </summary>
    Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken);

    /// <summary>The highest story id placed in a cluster so far (0 when none): where clustering resumes.</summary>
    Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken);

    /// <summary>The cluster of each of these stories that has been assigned one.</summary>
    Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken);
}
