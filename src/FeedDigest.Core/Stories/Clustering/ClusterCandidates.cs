namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// The index's answer to a <see cref="ClusterQuery"/>: how many stories are indexed, how many of
/// them contain each asked term (terms never seen are left out), and the candidate clusters.
/// </summary>
public sealed record ClusterCandidates(
    long DocumentCount,
    IReadOnlyDictionary<long, long> DocumentFrequencies,
    IReadOnlyList<CandidateCluster> Clusters);
