namespace FeedDigest.Core.Ports;

/// <summary>
/// What clustering reads of a stored story: its feed, text and dates, and nothing a digest needs
/// besides (each story of a first poll is read for clustering, so the rest would be read for nothing).
/// </summary>
public sealed record StoryToCluster(long Id, string FeedId, string Title, string Summary, DateTimeOffset? PublishedAt, DateTimeOffset FirstSeenAt);
