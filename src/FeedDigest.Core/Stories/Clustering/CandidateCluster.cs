namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// A cluster that shares <paramref name="SharedBands"/> band keys with the new story (counted over
/// the stories read), with its centroid to verify against and the <paramref name="Version"/> that
/// centroid has: the index refuses to update a cluster whose version moved on meanwhile.
/// </summary>
public sealed record CandidateCluster(long ClusterId, long Version, int SharedBands, ClusterCentroid Centroid);
