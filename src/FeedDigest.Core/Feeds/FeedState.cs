using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Feeds;

/// <summary>What the service remembers about polling one feed between fetches: its schedule and health.</summary>
public sealed record FeedState(
    string FeedId,
    Uri Source,
    string? ETag,
    string? LastModified,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset NextCheckAt,
    int ConsecutiveErrors,
    string? LastError)
{
    /// <summary>
    /// Where the feed is fetched from when that differs from <see cref="Source"/> (the configured URL):
    /// after a permanent redirect, or when the configured URL is a web page whose feed was discovered.
    /// </summary>
    public Uri? FetchUri { get; init; }

    /// <summary>The HTTP status of the last answer (null for local files and network failures).</summary>
    public int? LastStatus { get; init; }

    /// <summary>When the current run of failures began; null while the feed is healthy.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Whether the admin was told about the current run of failures (so they are told once, and told of recovery).</summary>
    public bool AlertSent { get; init; }

    /// <summary>The server said 410 Gone: the feed is no longer polled until its URL changes.</summary>
    public bool Gone { get; init; }

    /// <summary>The feed was seen giving known items new GUIDs; its items are told apart by link instead.</summary>
    public bool GuidsUnstable { get; init; }

    /// <summary>
    /// Whether any item of the feed was ever stored. Until one is, the feed's items are its archive
    /// and only recent ones count as new (StoryOptions.NewFeedWindow): its first successful fetch
    /// does not say so, as it may have been empty, or a 304.
    /// </summary>
    public bool ItemsStored { get; init; }

    /// <summary>
    /// The identity policy the feed's stored keys were made under, when the admin changed it and no
    /// item was stored since: its next items are also keyed that way, and those known by it are the
    /// stored stories, not new ones.
    /// </summary>
    public IdentityPolicy? PreviousIdentity { get; init; }

    /// <summary>
    /// The feed's own title (its channel's), from its last full fetch that gave one: how digests name
    /// a feed the configuration gives no Title.
    /// </summary>
    public string? ChannelTitle { get; init; }

    /// <summary>How long the feed says it stays fresh (RSS ttl), from its last full fetch; honoured after 304s too.</summary>
    public TimeSpan? TimeToLive { get; init; }

    public Uri EffectiveUri => FetchUri ?? Source;
}
