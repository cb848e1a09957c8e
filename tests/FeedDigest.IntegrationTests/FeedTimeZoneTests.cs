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
/// A Chinese portal dates its items in Beijing time without saying so ("2026-11-23 18:00:00"): with
/// the feed's TimeZone, the real poller stores the instant it means and the digest shows 18:00 to a
/// subscriber in Shanghai; without it, the date is read as UTC, eight hours late.
/// </summary>
public sealed class FeedTimeZoneTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("Asia/Shanghai", "2026-11-23T10:00:00Z", "18:00")]
    [InlineData(null, "2026-11-23T18:00:00Z", "02:00")]
    public async Task DatesNamingNoZone_AreInTheFeedsTimeZone(string? timeZone, string storedUtc, string shownInShanghai)
    {
        var feed = server.Set("xinhua.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Xinhua</title><link>https://xinhua.example/</link><description>news</description>
            <item><title>网络审查新规出台</title><link>https://xinhua.example/a1</link><pubDate>2026-11-23 18:00:00</pubDate>
            <description>有关部门发布了新的网络审查规定。</description></item>
            </channel></rss>
            """);
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "xinhua",
            ["FeedDigest:Feeds:0:Url"] = feed.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Xinhua",
            ["FeedDigest:Feeds:0:TimeZone"] = timeZone,
            ["FeedDigest:Topics:0:Id"] = "censorship",
            ["FeedDigest:Topics:0:Name"] = "Online censorship",
            ["FeedDigest:Topics:0:Keywords:0"] = "审查",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
            ["FeedDigest:Subscribers:0:Format"] = "Text",
        };
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        Assert.Equal(1, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);

        var story = Assert.Single(await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 10, default));
        var subscriber = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();
        var digest = await host.Services.GetRequiredService<DigestDispatcher>().PreviewAsync(subscriber, default);

        Assert.Equal(DateTimeOffset.Parse(storedUtc, System.Globalization.CultureInfo.InvariantCulture), story.PublishedAt);
        Assert.NotNull(digest);
        Assert.Contains(shownInShanghai, digest.TextBody, StringComparison.Ordinal);
    }
}
