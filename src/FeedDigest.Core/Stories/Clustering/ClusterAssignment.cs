namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Where a story went: <paramref name="ClusterId"/>, whether it started that cluster, and its
/// similarity to the cluster it joined (0 for a new cluster). <paramref name="AlreadyAssigned"/>
/// means the story had been assigned before and nothing changed.
/// </summary>
public sealed record ClusterAssignment(long ClusterId, bool IsNewCluster, double Similarity, bool AlreadyAssigned = false)
{
    /// <summary>Clusters merged into <see cref="ClusterId"/> by this story: their stories are now in it.</summary>
    public IReadOnlyList<long> MergedClusterIds { get; init; } = [];
}
