namespace FeedDigest.Core.Stories.Clustering;

/// <summary>What <see cref="Ports.IStoryClusterIndex.PruneAsync"/> removed: members (stories) and whole clusters.</summary>
public sealed record ClusterPruneReport(int Stories, int Clusters);
