namespace FeedDigest.Core.Digests;

/// <summary>Someone who receives digests, as validated from configuration.</summary>
/// <param name="Key">The stable identity the service stores state under (the lower-cased email).</param>
public sealed record Subscriber(
    string Key,
    string Email,
    string? DisplayName,
    IReadOnlyList<string> TopicIds,
    DigestSchedule Schedule);
