using FeedDigest.Core.Configuration;

namespace FeedDigest.Core.Feeds;

/// <summary>
/// A catalog whose feeds are synced to the store, and the promise that no other sync runs until
/// this is disposed (<see cref="FeedCatalogSync.AcquireAsync"/>).
/// </summary>
public sealed class CatalogLease(Catalog catalog, IDisposable hold) : IDisposable
{
    public Catalog Catalog { get; } = catalog;

    public void Dispose() => hold.Dispose();
}
