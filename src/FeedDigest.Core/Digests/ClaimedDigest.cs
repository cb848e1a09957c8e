namespace FeedDigest.Core.Digests;

/// <summary>
/// A digest whose stories are claimed for one subscriber. It is stored before it is sent, with its
/// Message-ID, so a crash between the two sends the same message after restart.
/// </summary>
public sealed record ClaimedDigest(
    string Id,
    string SubscriberKey,
    string MessageId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<DigestEntry> Entries,
    int OmittedCount);
