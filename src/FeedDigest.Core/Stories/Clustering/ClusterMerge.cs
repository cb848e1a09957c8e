namespace FeedDigest.Core.Stories.Clustering;

/// <summary>A cluster to merge into the one a story joins, provided its version is still <paramref name="ExpectedVersion"/>.</summary>
public sealed record ClusterMerge(long ClusterId, long ExpectedVersion);
