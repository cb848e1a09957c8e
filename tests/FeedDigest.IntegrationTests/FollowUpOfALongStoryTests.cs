using System.Globalization;
using System.Security;
using System.Text;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// A daily subscriber and a story that runs longer than Clustering:Window (each new article joins
/// through one within the window of it): what they got on the first day still tells a follow-up
/// from a copy on the sixth, through the real poller, clusterer and SQLite.
/// </summary>
public sealed class FollowUpOfALongStoryTests : IAsyncLifetime, IDisposable
{
    private const string Original = "China blocks VPN services in new internet censorship drive";
    private const string WireFirst = "China widens internet censorship, blocks VPN services";
    private const string WireFirstText = "Chinese regulators blocked VPN services that let users get around the Great Firewall, widening online censorship.";
    private const string WireFollowUp = "Police detain VPN sellers as China's censorship drive widens";
    private const string TimesFollowUp = "Court jails VPN seller as China's censorship drive widens";
    private const string WireRepublish = "UPDATE 1-China widens internet censorship, blocks VPN services";

    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task OnDaySix_TheTimesFollowUpGoesOut_AndTheWiresRepublishOfWhatTheyGotDoesNot()
    {
        var t0 = clock.GetUtcNow();
        var times = new List<(string, string, string, DateTimeOffset)>
        {
            ("t1", Original, "Regulators ordered the shutdown of VPN services used to get around the Great Firewall, tightening online censorship.", t0),
            ("t2", "Harbor port reopens after typhoon", "Ships returned to the port on Monday after the typhoon passed.", t0),
        };
        var wire = new List<(string, string, string, DateTimeOffset)> { ("w1", WireFirst, WireFirstText, t0) };
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "times",
            ["FeedDigest:Feeds:0:Url"] = server.Set("times.xml", Rss(times)).AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Harbor Digital Times",
            ["FeedDigest:Feeds:1:Id"] = "wire",
            ["FeedDigest:Feeds:1:Url"] = server.Set("wire.xml", Rss(wire)).AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Northbridge Wire",
            ["FeedDigest:Feeds:2:Id"] = "city",
            ["FeedDigest:Feeds:2:Url"] = server.Set("city.xml", Rss([
                ("c1", "City council approves new budget for schools", "The council voted to raise spending on teachers and buildings.", t0),
                ("c2", "Local team wins regional football final", "Fans celebrated in the streets after the late winning goal.", t0),
                ("c3", "Heavy rain expected across the south this weekend", "Forecasters warned of flooding in low-lying areas.", t0),
                ("c4", "New bridge opens to traffic after two years of work", "Drivers crossed the river on the new bridge on Saturday morning.", t0),
                ("c5", "Museum unveils restored medieval tapestry", "Conservators spent three years cleaning and repairing the woven panels.", t0),
                ("c6", "Hospital opens new children's ward", "The ward adds forty beds and a play area for young patients.", t0),
                ("c7", "Train fares to rise next month", "Commuters face higher prices on most routes from the first of the month.", t0),
                ("c8", "Farmers report record apple harvest", "Warm weather in spring helped orchards across the valley.", t0)])).AbsoluteUri,
            ["FeedDigest:Stories:NewFeedWindow"] = "3650.00:00:00",
            ["FeedDigest:Topics:0:Id"] = "censorship",
            ["FeedDigest:Topics:0:Name"] = "Online censorship",
            ["FeedDigest:Topics:0:Keywords:0"] = "censorship",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var poller = host.Services.GetRequiredService<FeedPoller>();
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        var subscriber = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();
        await poller.PollAsync(allFeeds: true, default);
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));

        // Nov 24 23:01 UTC (07:01 Shanghai): the Times' story, the wire's copy under "also".
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Contains("also: Northbridge Wire https://wire.example/w1", (await dispatcher.PreviewAsync(subscriber, default))!.TextBody, StringComparison.Ordinal);
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        // Nov 26 12:00: the wire's own follow-up; sent as a follow-up at 23:01.
        clock.Advance(TimeSpan.FromHours(36) + TimeSpan.FromMinutes(59));
        wire.Insert(0, ("w2", WireFollowUp, "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services that get around the Great Firewall.", clock.GetUtcNow()));
        server.Set("wire.xml", Rss(wire));
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromHours(11) + TimeSpan.FromMinutes(1));
        Assert.Contains(WireFollowUp, (await dispatcher.PreviewAsync(subscriber, default))?.TextBody ?? "(none)", StringComparison.Ordinal);
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        // Nov 27 and Nov 28, 23:01: nothing new.
        for (var day = 0; day < 2; day++)
        {
            clock.Advance(TimeSpan.FromDays(1));
            Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        }

        // Nov 29 08:00 (within the window of the wire's follow-up, not of the first stories): the Times'
        // own follow-up, and the wire republishing its first story under a new headline.
        clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(59));
        times.Insert(0, ("t3", TimesFollowUp, "A court sentenced one of the 40 people police detained for selling VPN access around the Great Firewall to five years in prison.", clock.GetUtcNow()));
        wire.Insert(0, ("w3", WireRepublish, WireFirstText, clock.GetUtcNow()));
        server.Set("times.xml", Rss(times));
        server.Set("wire.xml", Rss(wire));
        Assert.Equal(2, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await ClusterAssertions.AssertOneClusterAsync(host, Original, WireFirst, WireFollowUp, TimesFollowUp, WireRepublish);

        clock.Advance(TimeSpan.FromHours(15));
        var digest = await dispatcher.PreviewAsync(subscriber, default);

        Assert.NotNull(digest);
        Assert.Contains(TimesFollowUp, digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(WireRepublish, digest.TextBody, StringComparison.Ordinal);
    }

    private static string Rss(IEnumerable<(string Guid, string Title, string Description, DateTimeOffset Date)> items)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test</title><link>https://wire.example/</link><description>test</description>""");
        foreach (var (guid, title, description, date) in items)
        {
            builder.Append(CultureInfo.InvariantCulture, $"""<item><guid isPermaLink="false">{guid}</guid><title>{SecurityElement.Escape(title)}</title><link>https://wire.example/{guid}</link><pubDate>{date.AddMinutes(-1).ToString("r", CultureInfo.InvariantCulture)}</pubDate><description>{SecurityElement.Escape(description)}</description></item>""");
        }

        return builder.Append("</channel></rss>").ToString();
    }
}
