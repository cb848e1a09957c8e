using FeedDigest.Core.Feeds;
using FeedDigest.Core.Parsing;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;

namespace FeedDigest.Service.Cli;

/// <summary>
/// What <c>feeds add</c> stores for an address: the feed itself, or, when the address is a web page,
/// the feed the page advertises with &lt;link rel="alternate"&gt;; with the feed's title.
/// </summary>
internal static class FeedLookup
{
    public sealed record Found(Uri FeedUri, string? Title);

    public static async Task<(Found? Feed, string? Problem)> FindAsync(IFeedFetcher fetcher, Uri address, CancellationToken cancellationToken)
    {
        var (parsed, page, problem) = await FetchAsync(fetcher, address, cancellationToken).ConfigureAwait(false);
        if (parsed is not null)
        {
            return (new Found(address, parsed.Title), null);
        }

        if (page is null)
        {
            return (null, problem);
        }

        var advertised = FeedDiscovery.FindFeeds(System.Text.Encoding.UTF8.GetString(page.Body), page.FinalUri);
        if (advertised.Count == 0)
        {
            return (null, $"{address} is a web page that advertises no feed (no <link rel=\"alternate\" type=\"application/rss+xml\">); give the feed's own URL.");
        }

        var (feed, _, feedProblem) = await FetchAsync(fetcher, advertised[0], cancellationToken).ConfigureAwait(false);
        return feed is null
            ? (null, $"{address} advertises {advertised[0]}, which is not a readable feed: {feedProblem ?? "it is a web page"}")
            : (new Found(advertised[0], feed.Title), null);
    }

    /// <summary>The parsed feed, or the page when the address is HTML, or why neither.</summary>
    private static async Task<(ParsedFeed? Feed, FetchResult.Content? Page, string? Problem)> FetchAsync(IFeedFetcher fetcher, Uri address, CancellationToken cancellationToken)
    {
        var result = await fetcher.FetchAsync(new FetchRequest(address, null, null), cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case FetchResult.Content content:
                var parsed = FeedParser.Parse(content.Body, content.FinalUri, content.Charset);
                if (parsed.Format == FeedFormat.Unknown && parsed.Items.Count == 0)
                {
                    return FeedDiscovery.LooksLikeHtml(content.MediaType, content.Body)
                        ? (null, content, null)
                        : (null, null, $"{address} is not a feed: {string.Join("; ", parsed.Errors.Take(3))}");
                }

                return (parsed, null, null);
            case FetchResult.Failed failed:
                return (null, null, $"cannot fetch {address}: {failed.Kind}: {failed.Message}");
            default:
                return (null, null, $"cannot fetch {address}: no content");
        }
    }
}
