namespace FeedDigest.Core.Stories.Clustering;

/// <summary>One term of a cluster centroid: the term's hash and its summed weight.</summary>
public readonly record struct CentroidTerm(long Term, float Weight);
