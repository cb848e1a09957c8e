using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// The catalog in force. A configuration edit that does not validate is refused with a log line
/// naming each problem, and the service keeps running on the last good catalog.
/// </summary>
internal sealed class CatalogSource : ICatalogSource, IDisposable
{
    private readonly string contentRoot;
    private readonly ILogger<CatalogSource> logger;
    private readonly IDisposable? subscription;
    private Catalog current;

    public CatalogSource(IOptionsMonitor<CatalogOptions> options, IHostEnvironment environment, ILogger<CatalogSource> logger)
    {
        contentRoot = environment.ContentRootPath;
        this.logger = logger;
        if (!Catalog.TryCreate(options.CurrentValue, contentRoot, out current, out var errors))
        {
            throw new OptionsValidationException(CatalogOptions.SectionName, typeof(CatalogOptions), errors);
        }

        subscription = options.OnChange(Reload);
    }

    public Catalog Current => Volatile.Read(ref current);

    public void Dispose() => subscription?.Dispose();

    private void Reload(CatalogOptions options)
    {
        if (Catalog.TryCreate(options, contentRoot, out var catalog, out var errors))
        {
            Volatile.Write(ref current, catalog);
            logger.LogInformation("Configuration reloaded: {FeedCount} feeds, {TopicCount} topics, {SubscriberCount} subscribers", catalog.Feeds.Count, catalog.Topics.Count, catalog.Subscribers.Count);
            return;
        }

        logger.LogError("Configuration edit refused, still running on the last good configuration: {Problems}", string.Join(" | ", errors));
    }
}
