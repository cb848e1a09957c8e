using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Hosting;

namespace FeedDigest.Service.Hosting;

/// <summary>Loads the catalog before anything else starts, so invalid feeds, topics or subscribers stop start-up with their problems listed.</summary>
internal sealed class CatalogStartupCheck(ICatalogSource catalogSource) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = catalogSource.Current;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
