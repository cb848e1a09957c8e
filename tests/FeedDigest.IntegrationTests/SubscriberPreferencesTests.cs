using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace FeedDigest.IntegrationTests;

/// <summary>A subscriber's own settings, through the real host, SQLite and an in-process SMTP server.</summary>
public sealed class SubscriberPreferencesTests
{
    // 08:00 in Shanghai: the subscriber's next 07:00 is 23:00 UTC that day.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Titles = ["forums", "maps", "apps"];

    [Fact]
    public async Task TextFormat_AndMaxStories_GiveAPlainTextDigestCappedForThatSubscriber()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(
            ("c1", "Censorship of forums grows", "More posts deleted."),
            ("c2", "Censorship of maps", "Borders redrawn."),
            ("c3", "Censorship of apps", "Stores pull VPNs.")));
        var settings = TestHost.Settings(feedUri, smtp.Port);
        settings["FeedDigest:Subscribers:0:Format"] = "text";
        settings["FeedDigest:Subscribers:0:MaxStories"] = "2";
        var (host, clock, dispatcher) = await StartAsync(directory.Path, settings);
        using var stop = host;

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        var message = Assert.Single(smtp.Messages);
        var text = Assert.IsType<TextPart>(message.Body);
        Assert.Equal("text/plain", text.ContentType.MimeType);
        Assert.Null(message.HtmlBody);
        Assert.Equal(2, Titles.Count(word => message.TextBody!.Contains(word, StringComparison.Ordinal)));
        Assert.Contains("1 more", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paused_NoDigestWhilePaused_AndOnResumingOnlyStoriesSinceThePausedSlots()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("p1", "Censorship while away", "Posted during the holiday.")));
        var settings = TestHost.Settings(feedUri, smtp.Port);
        settings["FeedDigest:Subscribers:0:Paused"] = "true";
        var (pausedHost, clock, dispatcher) = await StartAsync(directory.Path, settings);
        using (pausedHost)
        {
            clock.Advance(TimeSpan.FromDays(1));
            Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        }

        Assert.Empty(smtp.Messages);

        // Resumed (the same database, the configuration edited), and a new story arrives.
        settings["FeedDigest:Subscribers:0:Paused"] = "false";
        feeds.Set("wire.xml", FeedDocuments.Rss(
            ("p1", "Censorship while away", "Posted during the holiday."),
            ("p2", "Censorship after the return", "Posted after.")));
        var (resumedHost, _, resumed) = await StartAsync(directory.Path, settings, clock);
        using var stop = resumedHost;
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await resumed.RunAsync(default));

        var message = Assert.Single(smtp.Messages);
        Assert.Contains("Censorship after the return", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Censorship while away", message.TextBody, StringComparison.Ordinal);
    }

    private static async Task<(IHost Host, FakeTimeProvider Clock, DigestDispatcher Dispatcher)> StartAsync(string contentRoot, Dictionary<string, string?> settings, FakeTimeProvider? clock = null)
    {
        var firstStart = clock is null;
        clock ??= new FakeTimeProvider(Start);
        var host = TestHost.Build(contentRoot, new Dictionary<string, string?>(settings), clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        if (firstStart)
        {
            await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        }

        await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);
        return (host, clock, host.Services.GetRequiredService<DigestDispatcher>());
    }
}
