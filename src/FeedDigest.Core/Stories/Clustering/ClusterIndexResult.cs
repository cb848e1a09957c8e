namespace FeedDigest.Core.Stories.Clustering;

/// <summary>What <see cref="Ports.IStoryClusterIndex.AddAsync"/> did; <paramref name="ClusterId"/> is 0 on a conflict.</summary>
public sealed record ClusterIndexResult(ClusterIndexOutcome Outcome, long ClusterId);
