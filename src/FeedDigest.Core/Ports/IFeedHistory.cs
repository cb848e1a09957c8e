namespace FeedDigest.Core.Ports;

/// <summary>
/// Whether a feed ever had items stored. Until it has, its next items are its archive, however
/// many empty fetches or 304s came first.
/// </summary>
public interface IFeedHistory
{
    Task<bool> HasStoredItemsAsync(string feedId, CancellationToken cancellationToken);

    /// <summary>Records that the feed's first items were stored; called after they were.</summary>
    Task RecordItemsStoredAsync(string feedId, CancellationToken cancellationToken);
}
