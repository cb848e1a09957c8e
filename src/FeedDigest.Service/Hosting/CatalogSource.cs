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
    private readonly ConfigurationHealth health;
    private readonly TimeProvider clock;
    private readonly IDisposable subscription;
    private Catalog current;

    public CatalogSource(IConfiguration configuration, IHostEnvironment environment, ConfigurationHealth health, TimeProvider clock, ILogger<CatalogSource> logger)
    {
        this.configuration = configuration;
        contentRoot = environment.ContentRootPath;
        this.health = health;
        this.clock = clock;
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

    /// <summary>What <see cref="ConfigurationHealth"/> calls this part of the configuration.</summary>
    public const string HealthSource = "feeds, topics and subscribers";

    private void Reload()
    {
        if (TryLoad(out var catalog, out var problems))
        {
            health.Accepted(HealthSource);
            var previous = Interlocked.Exchange(ref current, catalog);
            if (previous.Feeds.Count != catalog.Feeds.Count || previous.Topics.Count != catalog.Topics.Count || previous.Subscribers.Count != catalog.Subscribers.Count)
            {
                logger.LogInformation("Configuration reloaded: {FeedCount} feeds, {TopicCount} topics, {SubscriberCount} subscribers", catalog.Feeds.Count, catalog.Topics.Count, catalog.Subscribers.Count);
            }

            return;
        }

        // ConfigurationStatus logs the refusal, once.
        health.Refused(HealthSource, clock.GetUtcNow(), [.. problems.Select(WithFile)]);
    }

    /// <summary>"FeedDigest:Topics:2:Query: ..." prefixed with the file that sets FeedDigest:Topics:2, so the admin knows where to look.</summary>
    private string WithFile(string problem)
    {
        var end = problem.IndexOf(' ', StringComparison.Ordinal);
        var setting = (end > 0 ? problem[..end] : problem).TrimEnd(':');
        if (configuration is not IConfigurationRoot root)
        {
            return problem;
        }

        // The setting itself, else the array element it belongs to (FeedDigest:Subscribers:0).
        for (var key = setting; key.Contains(':', StringComparison.Ordinal); key = key[..key.LastIndexOf(':')])
        {
            var provider = root.Providers.LastOrDefault(p => p.TryGet(key, out _) || p.GetChildKeys([], key).Any());
            if (provider is not null)
            {
                var where = provider is FileConfigurationProvider file
                    ? file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? string.Empty).PhysicalPath ?? file.Source.Path
                    : provider.ToString();
                return $"{where}: {problem}";
            }
        }

        return problem;
    }
}
