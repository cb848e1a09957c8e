namespace FeedDigest.Core.Digests;

/// <summary>A subscriber whose mail server refused their address too often in a row, so they get no more digests.</summary>
/// <param name="FailuresInARow">The permanent failures (5xx for the recipient) with no delivered digest between them.</param>
/// <param name="LastFailure">The server's last refusal, as it answered.</param>
public sealed record SubscriberSuspension(string SubscriberKey, DateTimeOffset SuspendedAt, int FailuresInARow, string? LastFailure);
