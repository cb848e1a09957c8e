namespace FeedDigest.Core.Digests;

/// <summary>Someone who receives digests, as validated from configuration.</summary>
/// <param name="Key">The stable identity the service stores state under (the lower-cased email).</param>
public sealed record Subscriber(
    string Key,
    string Email,
    string? DisplayName,
    IReadOnlyList<string> TopicIds,
    DigestSchedule Schedule)
{
    /// <summary>The most stories in one of their digests; null: FeedDigest:Digests:MaxStoriesPerDigest.</summary>
    public int? MaxStories { get; init; }

    public DigestFormat Format { get; init; } = DigestFormat.Html;

    /// <summary>No digests while paused; the stories of the slots that pass are skipped, not saved up.</summary>
    public bool Paused { get; init; }

    /// <summary>The language the digest's subject, heading and dates are written in (en, zh-CN …); null: English.</summary>
    public System.Globalization.CultureInfo? Language { get; init; }
}

/// <summary>What a subscriber's digest mail carries.</summary>
public enum DigestFormat
{
    /// <summary>HTML with a plain-text alternative.</summary>
    Html,

    /// <summary>Plain text only.</summary>
    Text,
}
