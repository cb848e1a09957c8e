using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Digests;

/// <summary>A claimed digest waiting in the outbox, with its stories loaded.</summary>
public sealed record UnsentDigest(ClaimedDigest Digest, IReadOnlyList<StoredStory> Stories, int Attempts);
