using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// Three outlets carry one story (as in ../shared/examples: the same censorship news from a China
/// news site, a wire and a state agency): through the real poller, clusterer and SQLite, the digest
/// lists it once, from the outlet listed first, with the other two as "also".
/// </summary>
public sealed class ClusteredDigestTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task SameStoryFromThreeOutlets_ListedOnce_WithEveryOutletNamed()
    {
        var times = server.Set("times.xml", FeedDocuments.Rss(
            ("t1", "China blocks VPN services in new internet censorship drive", "Regulators ordered the shutdown of VPN services used to get around the Great Firewall, tightening online censorship."),
            ("t2", "Harbor port reopens after typhoon", "Ships returned to the port on Monday after the typhoon passed.")));
        var wire = server.Set("wire.xml", FeedDocuments.Rss(
            ("w1", "China widens internet censorship, blocks VPN services", "Chinese regulators blocked VPN services that let users get around the Great Firewall, widening online censorship.")));
        var agency = server.Set("agency.xml", FeedDocuments.Rss(
            ("a1", "Regulators block VPN services to tighten internet censorship", "The regulators said VPN services that get around the Great Firewall are blocked under online censorship rules.")));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "times",
            ["FeedDigest:Feeds:0:Url"] = times.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Harbor Digital Times",
            ["FeedDigest:Feeds:1:Id"] = "wire",
            ["FeedDigest:Feeds:1:Url"] = wire.AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Northbridge Wire",
            ["FeedDigest:Feeds:2:Id"] = "agency",
            ["FeedDigest:Feeds:2:Url"] = agency.AbsoluteUri,
            ["FeedDigest:Feeds:2:Title"] = "State Agency",
            ["FeedDigest:Topics:0:Id"] = "censorship",
            ["FeedDigest:Topics:0:Name"] = "Online censorship",
            ["FeedDigest:Topics:0:Keywords:0"] = "censorship",
            ["FeedDigest:Topics:1:Id"] = "ports",
            ["FeedDigest:Topics:1:Name"] = "Ports",
            ["FeedDigest:Topics:1:Keywords:0"] = "port",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
            ["FeedDigest:Subscribers:0:Topics:1"] = "ports",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        Assert.Equal(4, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);

        var subscriber = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();
        var digest = await host.Services.GetRequiredService<DigestDispatcher>().PreviewAsync(subscriber, default);

        Assert.NotNull(digest);
        Assert.StartsWith("Online censorship, Ports: 2 new stories", digest.Subject, StringComparison.Ordinal);
        Assert.Contains("China blocks VPN services in new internet censorship drive", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("China widens internet censorship", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Regulators block VPN services", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: Northbridge Wire https://wire.example/w1", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: State Agency https://wire.example/a1", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains(">Northbridge Wire</a>", digest.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Harbor port reopens after typhoon", digest.TextBody, StringComparison.Ordinal);
    }
}
