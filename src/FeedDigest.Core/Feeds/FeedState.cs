namespace FeedDigest.Core.Feeds;

/// <summary>What the service remembers about polling one feed between fetches.</summary>
public sealed record FeedState(
    string FeedId,
    Uri Source,
    string? ETag,
    string? LastModified,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset NextCheckAt,
    int ConsecutiveErrors,
    string? LastError);
