using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Core.Ports;

/// <summary>The reads and writes of one story's assignment: on the index itself, or inside a batch.</summary>
public interface IStoryClusterSession
{
    /// <summary>Document frequencies of the query's terms and the clusters of stories sharing a band key, in one read.</summary>
    Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Records a story in a new or existing cluster, its band keys and its terms' document
    /// frequencies, all or nothing. A story already recorded is left as it is.
    /// </summary>
    Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken);
}
