namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// One story to record in the index. <paramref name="ClusterId"/> null starts a new cluster with
/// <paramref name="Centroid"/>; otherwise the story joins that cluster, whose centroid becomes
/// <paramref name="Centroid"/> provided its version is still <paramref name="ExpectedVersion"/>.
/// <paramref name="BandKeys"/> make the story findable; <paramref name="Terms"/> (distinct) count
/// towards document frequencies. <paramref name="Merges"/> (only with a <paramref name="ClusterId"/>)
/// are clusters that merge into it: their stories count for it from then on, and <paramref name="Centroid"/>
/// already includes theirs.
/// </summary>
public sealed record ClusterIndexEntry(
    long StoryId,
    long? ClusterId,
    long ExpectedVersion,
    ClusterCentroid Centroid,
    IReadOnlyList<long> BandKeys,
    IReadOnlyList<long> Terms,
    DateTimeOffset? Time)
{
    public IReadOnlyList<ClusterMerge> Merges { get; init; } = [];

    /// <summary>The feed most of the cluster's stories came from once this one is in (and the clusters merged).</summary>
    public MainSource MainSource { get; init; }
}
