using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>Builds the real FeedDigest host (the same composition root as the executable) for a test.</summary>
public static class TestHost
{
    /// <param name="configure">Anything more a test changes (a port's fake, a log collector), after the settings and the clock.</param>
    public static IHost Build(string contentRoot, IDictionary<string, string?> settings, TimeProvider clock, bool withScheduler, Action<HostApplicationBuilder>? configure = null) =>
        FeedDigestHost.CreateBuilder(
            configFile: null,
            withScheduler,
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Services.Replace(ServiceDescriptor.Singleton(clock));
                builder.Logging.ClearProviders();
                configure?.Invoke(builder);
            },
            contentRoot).Build();

    /// <summary>Settings for one subscriber on one topic, fast ticks, SMTP on the given port.</summary>
    public static Dictionary<string, string?> Settings(Uri feed, int smtpPort) => new()
    {
        ["FeedDigest:Storage:ConnectionString"] = "Data Source=data/feeddigest.db",
        ["FeedDigest:Polling:TickInterval"] = "00:00:01",
        ["FeedDigest:Digests:TickInterval"] = "00:00:01",
        ["FeedDigest:Digests:RetryInterval"] = "00:00:01",
        ["FeedDigest:Mail:Transport"] = "Smtp",
        ["FeedDigest:Mail:From"] = "FeedDigest <digest@feeddigest.test>",
        ["FeedDigest:Mail:Smtp:Host"] = "127.0.0.1",
        ["FeedDigest:Mail:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FeedDigest:Mail:Smtp:Security"] = "None",
        ["FeedDigest:Mail:Smtp:Timeout"] = "00:00:05",
        ["FeedDigest:Feeds:0:Id"] = "wire",
        ["FeedDigest:Feeds:0:Url"] = feed.AbsoluteUri,
        ["FeedDigest:Feeds:0:Title"] = "Test Wire",
        ["FeedDigest:Topics:0:Id"] = "censorship",
        ["FeedDigest:Topics:0:Name"] = "Online censorship",
        ["FeedDigest:Topics:0:Keywords:0"] = "censorship",
        ["FeedDigest:Topics:0:Keywords:1"] = "审查",
        ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
        ["FeedDigest:Subscribers:0:Name"] = "Editor",
        ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
        ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
        ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
    };
}
