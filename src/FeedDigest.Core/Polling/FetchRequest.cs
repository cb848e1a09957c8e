using FeedDigest.Core.Feeds;

namespace FeedDigest.Core.Polling;

/// <summary>A conditional fetch: the validators from the previous successful fetch, if any.</summary>
public sealed record FetchRequest(Uri Source, string? ETag, string? LastModified)
{
    public FeedFetchSettings Settings { get; init; } = FeedFetchSettings.Default;
}
