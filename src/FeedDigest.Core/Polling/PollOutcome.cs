namespace FeedDigest.Core.Polling;

/// <summary>What a poll did, how long it took, and how many of its stories were clustered alongside and how long after it.</summary>
public sealed record PollOutcome(PollReport Report, TimeSpan PollTook, int Clustered, TimeSpan ClusteredAfter);
