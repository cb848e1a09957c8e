namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// One story to record in the index. <paramref name="ClusterId"/> null starts a new cluster with
/// <paramref name="Centroid"/>; otherwise the story joins that cluster, whose centroid becomes
/// <paramref name="Centroid"/> provided its version is still <paramref name="ExpectedVersion"/>.
/// <paramref name="BandKeys"/> make the story findable; <paramref name="Terms"/> (distinct) count
/// towards document frequencies.
/// </summary>
public sealed record ClusterIndexEntry(
    long StoryId,
    long? ClusterId,
    long ExpectedVersion,
    ClusterCentroid Centroid,
    IReadOnlyList<long> BandKeys,
    IReadOnlyList<long> Terms,
    DateTimeOffset? Time);
