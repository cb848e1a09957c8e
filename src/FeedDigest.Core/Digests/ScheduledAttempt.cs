namespace FeedDigest.Core.Digests;

/// <summary>When a digest waiting in the outbox (after a failed send, or leased for one) is tried next.</summary>
public sealed record ScheduledAttempt(string DigestId, string SubscriberKey, DateTimeOffset NextAttemptAt);
