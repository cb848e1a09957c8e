namespace FeedDigest.Core.Feeds;

/// <summary>
/// No catalog could be synced to the store in this process (the first sync failed; it is logged
/// once, and tried again at each poll and digest run): nothing may act on the feeds' ids yet.
/// </summary>
public sealed class CatalogNotSyncedException : Exception
{
    public CatalogNotSyncedException()
    {
    }

    public CatalogNotSyncedException(string message)
        : base(message)
    {
    }

    public CatalogNotSyncedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CatalogNotSyncedException(Exception innerException)
        : base("The feeds could not be brought in line with the configuration: " + innerException?.Message, innerException)
    {
    }
}
