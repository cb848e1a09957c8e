using FeedDigest.Core.Polling;

namespace FeedDigest.Core.Ports;

public interface IFeedFetcher
{
    /// <summary>Fetches a feed; expected failures (timeouts, 404s, oversize bodies) come back as values.</summary>
    Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken);
}
