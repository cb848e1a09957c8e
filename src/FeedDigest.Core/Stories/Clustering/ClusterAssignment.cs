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
    /// cluster it joined, or for the most similar cluster it did not join (<see cref="Nearest"/>);
    /// the threshold, raised by the background of its writing system and, for a cluster mostly of
    /// the story's own source, to the same-source threshold. Null otherwise, and without candidates.
    /// </summary>
    public double? Needed { get; init; }

    /// <summary>
    /// From a clusterer that explains its decisions, a story that started a cluster: its similarity
    /// to the most similar cluster it was compared with (null when there was none).
    /// </summary>
    public double? Nearest { get; init; }
}
