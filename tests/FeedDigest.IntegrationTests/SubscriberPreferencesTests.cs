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

    [Fact]
    public async Task Downtime_ThreeMissedSlots_OneCatchUpDigestCoversTheGap_ThenTheScheduleGoesOn()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("d1", "Censorship before the outage", "Day one.")));
        var (host, clock, dispatcher) = await StartAsync(directory.Path, TestHost.Settings(feedUri, smtp.Port));
        using var stop = host;
        var poller = host.Services.GetRequiredService<FeedPoller>();

        // Down for three days: the slots of 25, 26 and 27 Nov (07:00 Shanghai, 23:00Z the day before)
        // pass unserved; a story arrives on the second day.
        clock.Advance(TimeSpan.FromDays(1));
        feeds.Set("wire.xml", FeedDocuments.Rss(("d1", "Censorship before the outage", "Day one."), ("d2", "Forum posts deleted in censorship sweep while servers were down", "Moderators act.")));
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromHours(2));

        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        var catchUp = Assert.Single(smtp.Messages);
        Assert.Contains("before the outage", catchUp.TextBody, StringComparison.Ordinal);
        Assert.Contains("while servers were down", catchUp.TextBody, StringComparison.Ordinal);

        // The next slot is the next 07:00 after the catch-up, not one of the missed ones.
        feeds.Set("wire.xml", FeedDocuments.Rss(("d3", "Court fines VPN sellers in censorship case", "Three shops fined.")));
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromHours(20));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        Assert.Equal(2, smtp.Messages.Count);
    }

    [Fact]
    public async Task NewYorkSpringForward_DispatcherRunEveryHour_SendsOneDigestEachLocalDay()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("n0", "Censorship story 0", "Text.")));
        var settings = TestHost.Settings(feedUri, smtp.Port);
        // 02:30 does not exist in New York on 2026-03-08.
        settings["FeedDigest:Subscribers:0:TimeZone"] = "America/New_York";
        settings["FeedDigest:Subscribers:0:SendAt"] = "02:30";
        var start = new DateTimeOffset(2026, 3, 6, 12, 0, 0, TimeSpan.Zero);
        var (host, clock, dispatcher) = await StartAsync(directory.Path, settings, new FakeTimeProvider(start), registerSubscriberAt: start);
        using var stop = host;
        var poller = host.Services.GetRequiredService<FeedPoller>();

        var sentAt = new List<DateTimeOffset>();
        for (var hour = 1; hour <= 72; hour++)
        {
            // A new matching story every hour, so every slot has something to send; words of its own
            // keep it out of the others' cluster (a cluster already sent is not sent again).
            var words = string.Join(' ', "abcdef".Select(letter => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"w{hour}{letter}")));
            feeds.Set("wire.xml", FeedDocuments.Rss((string.Create(System.Globalization.CultureInfo.InvariantCulture, $"n{hour}"), "Censorship " + words, words)));
            await poller.PollAsync(allFeeds: true, default);
            clock.Advance(TimeSpan.FromHours(1));
            if ((await dispatcher.RunAsync(default)).DigestsSent == 1)
            {
                sentAt.Add(clock.GetUtcNow());
            }
        }

        // 7 Mar 02:30 EST = 07:30Z (sent at the 08:00Z run), 8 Mar at 03:00 EDT = 07:00Z, 9 Mar 02:30 EDT = 06:30Z (the 07:00Z run).
        Assert.Equal([new DateTimeOffset(2026, 3, 7, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 9, 7, 0, 0, TimeSpan.Zero)], sentAt);
        Assert.Equal(3, smtp.Messages.Count);
    }

    private static async Task<(IHost Host, FakeTimeProvider Clock, DigestDispatcher Dispatcher)> StartAsync(
        string contentRoot, Dictionary<string, string?> settings, FakeTimeProvider? clock = null, DateTimeOffset? registerSubscriberAt = null)
    {
        var firstStart = clock is null || registerSubscriberAt is not null;
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
