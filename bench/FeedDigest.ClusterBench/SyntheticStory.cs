namespace FeedDigest.ClusterBench;

internal sealed record SyntheticStory(long EventId, string Title, string? Summary, DateTimeOffset Time);
