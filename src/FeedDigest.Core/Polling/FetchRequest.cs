using FeedDigest.Core.Feeds;

namespace FeedDigest.Core.Polling;

/// <summary>A conditional fetch: the validators from the previous successful fetch, if any.</summary>
public sealed record FetchRequest(Uri Source, string? ETag, string? LastModified)
{
    public FeedFetchSettings Settings { get; init; } = FeedFetchSettings.Default;

    /// <summary>
    /// The address the feed's credentials and extra headers (<see cref="Settings"/>) belong to: its
    /// configured URL. They go only to that origin (or its https form), never to where a redirect or
    /// a discovered link leads elsewhere. Null: <see cref="Source"/>.
    /// </summary>
    public Uri? CredentialsOrigin { get; init; }
}
