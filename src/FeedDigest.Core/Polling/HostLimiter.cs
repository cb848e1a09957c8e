using System.Collections.Concurrent;

namespace FeedDigest.Core.Polling;

/// <summary>At most N requests in flight to any one host, however many of its feeds are due at once.</summary>
internal sealed class HostLimiter
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> hosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IDisposable> AcquireAsync(Uri uri, int perHost, CancellationToken cancellationToken)
    {
        var semaphore = hosts.GetOrAdd(uri.IsFile ? string.Empty : uri.Host, _ => new SemaphoreSlim(perHost, perHost));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(semaphore);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
