using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Subscriptions;
using StoryClusteringOptions = FeedDigest.Core.Stories.Clustering.ClusteringOptions;
using FeedDigest.Infrastructure;
using FeedDigest.Infrastructure.Mail;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Service.Control;
using FeedDigest.Service.Jobs;
using FeedDigest.Service.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedDigest.Service.Hosting;

/// <summary>The composition root: every service the executable uses is registered here.</summary>
internal static class FeedDigestHost
{
    public const string DefaultConfigFile = "appsettings.json";
    public const string ExampleConfigFile = "appsettings.example.json";

    /// <summary>
    /// The settings as the service reads them, in its order (appsettings.json, unless
    /// <paramref name="configFile"/> is named instead, and appsettings.{environment}.json in
    /// <paramref name="contentRoot"/>, the environment, <paramref name="configFile"/> and the
    /// environment again, the secret files), without building
    /// a host: for a command that needs a setting or two and nothing else. Throws as the host would
    /// on a file that cannot be read.
    /// </summary>
    public static IConfiguration ReadSettings(string? configFile, string contentRoot)
    {
        // The host's environment: DOTNET_ENVIRONMENT, Production when unset (the deploy/ units set it).
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } named ? named : Environments.Production;
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(contentRoot);
        if (configFile is null)
        {
            configuration.AddJsonFile(DefaultConfigFile, optional: true, reloadOnChange: false);
        }

        configuration.AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();
        if (configFile is not null)
        {
            configuration.AddJsonFile(Path.GetFullPath(configFile, contentRoot), optional: false, reloadOnChange: false);
            configuration.AddEnvironmentVariables();
        }

        AddSecretFiles(configuration, contentRoot, reloadOnChange: false);
        return configuration;
    }

    /// <param name="configFile">A configuration file to use instead of appsettings.json.</param>
    /// <param name="withScheduler">Run the Quartz jobs (the service); CLI commands run without them.</param>
    /// <param name="configure">Lets tests replace settings or services (a fake clock) before the host is built.</param>
    /// <param name="contentRoot">Where relative paths start; the current folder unless a test says otherwise.</param>
    public static HostApplicationBuilder CreateBuilder(string? configFile, bool withScheduler, Action<HostApplicationBuilder>? configure = null, string? contentRoot = null)
    {
        contentRoot ??= Directory.GetCurrentDirectory();
        // Only the service watches its configuration files: a one-shot command has nothing to reload,
        // and a file watcher over a folder that also holds the database wakes on every write.
        // Through a source: a value set on a ConfigurationManager that has none yet is dropped.
        var initial = new ConfigurationManager();
        initial.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", withScheduler ? "true" : "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            Args = [],
            Configuration = initial,
        });
        // A JSON file broken by an edit keeps its last good contents instead of emptying every setting.
        var configurationHealth = new ConfigurationHealth();
        // A file named instead of appsettings.json is read instead of it, not over it: merged, its
        // lists would take the other file's entries beyond their own length, and settings it leaves out.
        LastGoodJsonConfigurationSource.ReplaceJsonSources(builder.Configuration, configurationHealth, TimeProvider.System, leaveOut: configFile is null ? null : DefaultConfigFile);
        if (configFile is not null)
        {
            var file = new LastGoodJsonConfigurationSource(configurationHealth, TimeProvider.System)
            {
                Path = Path.GetFullPath(configFile, contentRoot),
                Optional = false,
                ReloadOnChange = withScheduler,
            };
            file.ResolveFileProvider();
            ((IConfigurationBuilder)builder.Configuration).Add(file);
            // Environment variables still win over the file, as they do over appsettings.json.
            builder.Configuration.AddEnvironmentVariables();
        }

        AddSecretFiles(builder.Configuration, contentRoot, withScheduler);

        var services = builder.Services;
        services.AddSingleton(configurationHealth);
        services.AddWindowsService(options => options.ServiceName = "FeedDigest");
        services.AddSystemd();
        if (OperatingSystem.IsWindows())
        {
            UseEventLogSource(services);
        }

        // How long a stop waits for the polls and sends under way (Quartz waits for running jobs);
        // a digest not sent by then stays in the outbox and goes out after the next start.
        services.AddOptions<HostOptions>().Configure<IConfiguration>((options, configuration) =>
            options.ShutdownTimeout = configuration.GetValue(ShutdownTimeoutSetting, options.ShutdownTimeout));
        services.AddSingleton(TimeProvider.System);

        AddValidatedOptions<PollingOptions>(services, builder.Configuration, PollingOptions.SectionName, o => o.Validate());
        AddValidatedOptions<StoryOptions>(services, builder.Configuration, StoryOptions.SectionName, o => o.Validate());
        AddValidatedOptions<StoryClusteringOptions>(services, builder.Configuration, StoryClusteringOptions.SectionName, o => o.Validate());
        AddValidatedOptions<DigestOptions>(services, builder.Configuration, DigestOptions.SectionName, o => o.Validate());
        AddValidatedOptions<MailOptions>(services, builder.Configuration, MailOptions.SectionName, o => o.Validate());
        AddValidatedOptions<StorageOptions>(services, builder.Configuration, StorageOptions.SectionName, o => o.Validate());
        AddValidatedOptions<AdminOptions>(services, builder.Configuration, AdminOptions.SectionName, o => o.Validate());

        services.AddSingleton<ICatalogSource, CatalogSource>();
        services.AddSingleton<FeedCatalogSync>();
        services.AddSingleton<FeedHealthNotifier>();
        services.AddSingleton<FeedPoller>();
        // Clustering settings are read at start-up: a changed threshold applies after a restart.
        services.AddSingleton(provider => new StoryClusterer(provider.GetRequiredService<IStoryClusterIndex>(), provider.GetRequiredService<IOptions<StoryClusteringOptions>>().Value));
        services.AddSingleton<ClusteringCatchUp>();
        services.AddSingleton<PollRunner>();
        // Templates are read at start: an edited template applies after a restart.
        services.AddSingleton(provider => DigestTemplateFolder.Read(provider.GetRequiredService<IOptions<DigestOptions>>().Value.TemplatesFolder, contentRoot));
        services.AddSingleton(provider => new DigestRenderer(provider.GetService<IDigestLinks>(), provider.GetRequiredService<DigestTemplateFolder>().Templates, provider.GetRequiredService<IOptionsMonitor<StoryOptions>>()));
        services.AddSingleton<SuspensionNotifier>();
        services.AddSingleton<DigestDispatcher>();
        services.AddFeedDigestInfrastructure(contentRoot);
        services.AddHostedService<CatalogStartupCheck>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddSingleton<SubscriberDirectory>();
        services.AddFeedDigestWeb(builder.Configuration, withServer: withScheduler);

        if (withScheduler)
        {
            AddScheduler(services, builder.Configuration);
            services.AddSingleton<ShutdownDeadline>();
            services.AddHostedService<ControlServer>();
            services.AddHostedService<ConfigurationStatus>();
        }

        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Logs to the Application event log under the source deploy/windows/install.ps1 registers.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static void UseEventLogSource(IServiceCollection services) =>
        services.Configure<Microsoft.Extensions.Logging.EventLog.EventLogSettings>(settings => settings.SourceName = "FeedDigest");

    public const string ShutdownTimeoutSetting = "FeedDigest:ShutdownTimeout";

    /// <summary>The setting naming a directory of secret files, one per setting (Docker secrets, Kubernetes).</summary>
    public const string SecretsDirectorySetting = "FeedDigest:SecretsDirectory";

    /// <summary>
    /// Secrets as files, one per setting, named like the environment variable
    /// (FeedDigest__Mail__Smtp__Password), holding only the value: from systemd's credentials
    /// (LoadCredential= in the unit puts them in $CREDENTIALS_DIRECTORY) and from the directory
    /// <see cref="SecretsDirectorySetting"/> names. They win over the files and the environment.
    /// </summary>
    private static void AddSecretFiles(ConfigurationManager configuration, string contentRoot, bool reloadOnChange)
    {
        string?[] directories = [Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY"), configuration[SecretsDirectorySetting]];
        foreach (var directory in directories.OfType<string>().Where(d => d.Length > 0).Select(d => Path.GetFullPath(d, contentRoot)).Distinct(StringComparer.Ordinal))
        {
            configuration.AddKeyPerFile(source =>
            {
                source.FileProvider = Directory.Exists(directory) ? new Microsoft.Extensions.FileProviders.PhysicalFileProvider(directory) : null;
                source.Optional = true;
                source.ReloadOnChange = reloadOnChange;
            });
        }
    }

    private static void AddScheduler(IServiceCollection services, ConfigurationManager configuration)
    {
        var polling = configuration.GetSection(PollingOptions.SectionName).Get<PollingOptions>() ?? new PollingOptions();
        var digests = configuration.GetSection(DigestOptions.SectionName).Get<DigestOptions>() ?? new DigestOptions();
        // Quartz keeps schedulers in a process-wide registry by name: each host gets a name of its own,
        // so two hosts in one process (the tests) never share a scheduler and its jobs' container.
        var properties = new System.Collections.Specialized.NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = $"FeedDigest-{Guid.NewGuid():N}",
        };
        services.AddQuartz(properties, quartz =>
        {
            // One trigger per tick, not one per feed: the database holds each feed's schedule.
            quartz.AddJob<PollFeedsJob>(job => job.WithIdentity(PollFeedsJob.Key));
            quartz.AddTrigger(trigger => trigger.ForJob(PollFeedsJob.Key).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(polling.TickInterval).RepeatForever()));
            quartz.AddJob<SendDigestsJob>(job => job.WithIdentity(SendDigestsJob.Key));
            quartz.AddTrigger(trigger => trigger.ForJob(SendDigestsJob.Key).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(digests.TickInterval).RepeatForever()));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
    }

    private static void AddValidatedOptions<TOptions>(IServiceCollection services, ConfigurationManager configuration, string section, Func<TOptions, IEnumerable<string>> validate)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new OptionsValidator<TOptions>(validate));
        services.AddSingleton<IOptionsMonitor<TOptions>, LastGoodOptionsMonitor<TOptions>>();
    }

    /// <summary>
    /// On a fresh checkout there is no appsettings.json: the shipped example is copied, so the first
    /// run works offline on the sample feeds and the admin has a file of their own to edit.
    /// </summary>
    public static string? EnsureDefaultConfigFile(string contentRoot, TextWriter output)
    {
        var target = Path.Combine(contentRoot, DefaultConfigFile);
        var example = Path.Combine(contentRoot, ExampleConfigFile);
        if (File.Exists(target) || !File.Exists(example))
        {
            return null;
        }

        File.Copy(example, target);
        output.WriteLine($"No {DefaultConfigFile} found: created it from {ExampleConfigFile}. Edit it to add your feeds, topics and subscribers.");
        return target;
    }
}
