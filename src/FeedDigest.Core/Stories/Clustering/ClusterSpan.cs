namespace FeedDigest.Core.Stories.Clustering;

/// <summary>A cluster (as it is now, after merges) and a span of its stories' clustering times: [<paramref name="DatedFrom"/>, <paramref name="DatedBefore"/>).</summary>
public sealed record ClusterSpan(long ClusterId, DateTimeOffset DatedFrom, DateTimeOffset DatedBefore);
