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

    /// <summary>
    /// From a clusterer that explains its decisions, the similarity the story had to reach: for the
    /// cluster it joined, or for the cluster it came nearest to joining (<see cref="Nearest"/>): the
    /// threshold, or the story's similarity to the background of its writing system plus the
    /// background margin when that is higher, and for a cluster mostly of the story's own source
    /// the same-source threshold when that is higher still. Null otherwise: without candidates, and
    /// for a story that started a cluster only because its joins kept meeting other writers' changes.
    /// </summary>
    public double? Needed { get; init; }

    /// <summary>
    /// From a clusterer that explains its decisions, a story that started a cluster: its similarity
    /// to the candidate it came nearest to joining, the one least short of its own
    /// <see cref="Needed"/> (null when there was none).
    /// </summary>
    public double? Nearest { get; init; }
}
