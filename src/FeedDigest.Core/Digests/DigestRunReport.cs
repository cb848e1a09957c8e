namespace FeedDigest.Core.Digests;

public sealed record DigestRunReport(int DigestsClaimed, int DigestsSent, int SendFailures);
