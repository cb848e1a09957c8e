namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// A cluster that shares <paramref name="SharedBands"/> band keys with the new story (counted over
/// the stories read), with its centroid to verify against and the <paramref name="Version"/> that
/// centroid has: the index refuses to update a cluster whose version moved on meanwhile.
/// <paramref name="Size"/> (its stories) decides which of several clusters a story merges keeps its id.
/// <paramref name="MainSource"/> is the feed most of its stories came from.
/// </summary>
public sealed record CandidateCluster(long ClusterId, long Version, int SharedBands, ClusterCentroid Centroid, long Size, MainSource MainSource = default);
