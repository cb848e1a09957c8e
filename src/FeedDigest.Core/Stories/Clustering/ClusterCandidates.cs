namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// The index's answer to a <see cref="ClusterQuery"/>: how many stories are indexed, how many of
/// them contain each asked term (in the order of <see cref="ClusterQuery.Terms"/>, 0 for a term
/// never seen), and the candidate clusters.
/// </summary>
public sealed record ClusterCandidates(
    long DocumentCount,
    IReadOnlyList<long> DocumentFrequencies,
    IReadOnlyList<CandidateCluster> Clusters);
