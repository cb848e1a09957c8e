using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>A feed's furniture rules as an admin writes them in configuration, through the real host's configuration reader and poller.</summary>
public sealed class FurnitureConfigurationTests
{
    [Fact]
    public async Task FeedRules_FromConfiguration_RemoveWhatTheyName_AndHeuristicsCanBeTurnedOff()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(
            ("f1", "Censorship rules tightened", "<p>Regulators tightened censorship rules on Monday.</p><div class=\"promo-box\">Buy our annual report</div><p>Read the full story at Wire.</p><p>Subscribe to Wire</p>")));
        var settings = TestHost.Settings(feedUri, 25);
        settings["FeedDigest:Feeds:0:RemoveSelectors:0"] = "div.promo-box";
        settings["FeedDigest:Feeds:0:RemovePatterns:0"] = "^Read the full story at .*$";
        settings["FeedDigest:Feeds:0:FurnitureHeuristics"] = "false";
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);

        await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);

        var story = Assert.Single(await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 10, default));
        // The selector and the pattern removed their blocks; with the heuristics off, "Subscribe to Wire" stays.
        Assert.Equal("Regulators tightened censorship rules on Monday. Subscribe to Wire", story.Summary);
    }
}
