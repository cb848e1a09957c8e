using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// The catalog in force. A configuration edit that does not validate is refused with a log line
/// naming each problem, and the service keeps running on the last good catalog.
/// </summary>
internal sealed class CatalogSource : ICatalogSource, IDisposable
{
    private readonly IConfiguration configuration;
    private readonly string contentRoot;
    private readonly ILogger<CatalogSource> logger;
    private readonly IDisposable subscription;
    private Catalog current;

    public CatalogSource(IConfiguration configuration, IHostEnvironment environment, ILogger<CatalogSource> logger)
    {
        this.configuration = configuration;
        contentRoot = environment.ContentRootPath;
        this.logger = logger;
        if (!TryLoad(out current, out var problems))
        {
            throw new OptionsValidationException(CatalogOptions.SectionName, typeof(CatalogOptions), problems);
        }

        subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public Catalog Current => Volatile.Read(ref current);

    public void Dispose() => subscription.Dispose();

    private bool TryLoad(out Catalog catalog, out IReadOnlyList<string> problems)
    {
        var readProblems = new List<string>();
        var options = CatalogConfigurationReader.Read(configuration, readProblems);
        var valid = Catalog.TryCreate(options, contentRoot, out catalog, out var validationProblems);
        problems = [.. readProblems, .. validationProblems];
        return valid && readProblems.Count == 0;
    }

    private void Reload()
    {
        if (TryLoad(out var catalog, out var problems))
        {
            var previous = Interlocked.Exchange(ref current, catalog);
            if (previous.Feeds.Count != catalog.Feeds.Count || previous.Topics.Count != catalog.Topics.Count || previous.Subscribers.Count != catalog.Subscribers.Count)
            {
                logger.LogInformation("Configuration reloaded: {FeedCount} feeds, {TopicCount} topics, {SubscriberCount} subscribers", catalog.Feeds.Count, catalog.Topics.Count, catalog.Subscribers.Count);
            }

            return;
        }

        logger.LogError("Configuration edit refused, still running on the last good configuration: {Problems}", string.Join(" | ", problems));
    }
}
