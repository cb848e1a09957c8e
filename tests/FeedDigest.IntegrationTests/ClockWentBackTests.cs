using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// A clock set a year ahead (a wrong NTP answer, a mistyped date) and then put right, through the
/// real host, SQLite store, loopback feed server and in-process SMTP server: what was scheduled
/// while it was ahead must not stop polling and digests until the real time catches up.
/// </summary>
public sealed class ClockWentBackTests
{
    // 2026-11-24 00:00 UTC is 08:00 in Shanghai: both subscribers' next 07:00 is 23:00 UTC that day.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ClockBackFromAYearAhead_NextPollPollsTheFeed_AndSubscribersGetTheirNextRegularDigest()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("a1", "Regulators widen online censorship campaign", "x")));
        var clock = new FakeTimeProvider(Start);
        var settings = TestHost.Settings(feedUri, smtp.Port);
        // First seen by the digest run while the clock is ahead, so it is their creation that lies in the future.
        settings["FeedDigest:Subscribers:1:Email"] = "reader@example.org";
        settings["FeedDigest:Subscribers:1:Topics:0"] = "censorship";
        settings["FeedDigest:Subscribers:1:SendAt"] = "07:00";
        settings["FeedDigest:Subscribers:1:TimeZone"] = "Asia/Shanghai";
        var logs = new CollectingLoggerProvider();
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false, builder => builder.Logging.AddProvider(logs));
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var poller = host.Services.GetRequiredService<FeedPoller>();
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        await poller.PollAsync(allFeeds: false, default);

        clock.Advance(TimeSpan.FromDays(365));
        feeds.Set("wire.xml", FeedDocuments.Rss(
            ("a1", "Regulators widen online censorship campaign", "x"),
            ("a2", "Censorship of forums grows", "x")));
        Assert.Equal(new PollReport(1, 0, 1), await poller.PollAsync(allFeeds: false, default));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        clock.AdjustTime(Start.AddHours(2));
        feeds.Set("wire.xml", FeedDocuments.Rss(
            ("a1", "Regulators widen online censorship campaign", "x"),
            ("a2", "Censorship of forums grows", "x"),
            ("a3", "Court fines VPN sellers in censorship case", "x")));

        Assert.Equal(new PollReport(1, 0, 1), await poller.PollAsync(allFeeds: false, default));
        // Not an extra digest now: the next one waits for the regular 07:00 slot.
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        var warning = Assert.Single(logs.Lines, line => line.Category == typeof(DigestDispatcher).FullName && line.Level == LogLevel.Warning);
        Assert.Contains("clock appears to have gone back: 2 subscribers", warning.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromHours(20));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(2, 2, 0), await dispatcher.RunAsync(default));
        var editors = smtp.Messages.Where(m => m.To.Mailboxes.Single().Address == "editor@example.org").ToList();
        Assert.Equal(2, editors.Count);
        Assert.Contains("Court fines VPN sellers", editors[1].TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Censorship of forums grows", editors[1].TextBody, StringComparison.Ordinal);
        Assert.Single(smtp.Messages, m => m.To.Mailboxes.Single().Address == "reader@example.org");
        Assert.Single(logs.Lines, line => line.Message.Contains("clock appears to have gone back: 2 subscribers", StringComparison.Ordinal));
    }

    // After the subscribers' 07:00 in Shanghai (23:00 UTC): their digest is due.
    private static readonly DateTimeOffset AfterTheSlot = Start.AddHours(23.5);

    [Fact]
    public async Task DigestRetrySetWhileTheClockWasADayAhead_IsTriedAtOnceWhenItIsPutBack_AndLoggedOnce()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var logs = new CollectingLoggerProvider();
        using var host = await BuildAsync(directory.Path, feeds, smtp, clock, logs, retryInterval: null);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: false, default);

        // A day ahead, the digest is claimed and the server defers it: its retry is set a day ahead too.
        clock.AdjustTime(AfterTheSlot.AddDays(1));
        smtp.RecipientReply = _ => 451;
        Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
        smtp.RecipientReply = null;

        clock.AdjustTime(AfterTheSlot.AddMinutes(1));

        Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        Assert.Equal("editor@example.org", Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
        var warning = Assert.Single(logs.Lines, line => line.Message.Contains("later than any retry is set", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("clock appears to have gone back", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1 digests in the outbox", warning.Message, StringComparison.Ordinal);
        Assert.EndsWith("they are tried now: editor@example.org", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DigestRetrySetWhileTheClockWasHalfAnHourAhead_IsTriedWhenItsBackOffEnds_NotHalfAnHourLater(bool restartedWhileItWasPutBack)
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var logs = new CollectingLoggerProvider();
        var host = await BuildAsync(directory.Path, feeds, smtp, clock, logs, retryInterval: "00:01:00");
        try
        {
            await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: false, default);
            clock.AdjustTime(AfterTheSlot.AddMinutes(30));
            smtp.RecipientReply = _ => 451;
            // Deferred: tried again after RetryInterval, a minute, by the clock half an hour ahead.
            Assert.Equal(new DigestRunReport(1, 0, 1), await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default));
            smtp.RecipientReply = null;

            clock.AdjustTime(AfterTheSlot);
            if (restartedWhileItWasPutBack)
            {
                host.Dispose();
                host = await BuildAsync(directory.Path, feeds, smtp, clock, logs, retryInterval: "00:01:00");
            }

            var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
            Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));
            Assert.Single(smtp.Messages);
            var warning = Assert.Single(logs.Lines, line => line.Message.Contains("The clock went back by", StringComparison.Ordinal));
            Assert.Equal((LogLevel.Warning, typeof(DigestDispatcher).FullName), (warning.Level, warning.Category));
            Assert.Contains("The clock went back by 00:30:00", warning.Message, StringComparison.Ordinal);
            Assert.Contains("1 digests in the outbox are tried again that much sooner: editor@example.org", warning.Message, StringComparison.Ordinal);
        }
        finally
        {
            host.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Poll_ClockPutBackHalfAnHour_FeedsCheckedWhileItWasAheadAreDueOnTime_NotHalfAnHourLate(bool restartedWhileItWasPutBack)
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var logs = new CollectingLoggerProvider();
        var host = await BuildAsync(directory.Path, feeds, smtp, clock, logs, retryInterval: null);
        try
        {
            Assert.Equal(1, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: false, default)).FeedsChecked);
            // An hour on, the clock half an hour ahead: the feed (every 30 minutes) is checked, and next due by that clock.
            clock.AdjustTime(Start.AddHours(1.5));
            Assert.Equal(1, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: false, default)).FeedsChecked);

            clock.AdjustTime(Start.AddHours(1).AddMinutes(1));
            if (restartedWhileItWasPutBack)
            {
                host.Dispose();
                host = await BuildAsync(directory.Path, feeds, smtp, clock, logs, retryInterval: null);
            }

            var poller = host.Services.GetRequiredService<FeedPoller>();
            Assert.Equal(0, (await poller.PollAsync(allFeeds: false, default)).FeedsChecked);
            var state = (await host.Services.GetRequiredService<IFeedStore>().GetFeedStatesAsync(default)).Single();
            Assert.Equal(Start.AddHours(1).AddMinutes(1), state.LastCheckedAt);
            // Its 30 minutes and jitter (under 3) from the check, an hour after the start by the true time.
            Assert.InRange(state.NextCheckAt, Start.AddHours(1).AddMinutes(31), Start.AddHours(1).AddMinutes(34));
            clock.AdjustTime(Start.AddHours(1).AddMinutes(34));
            Assert.Equal(1, (await poller.PollAsync(allFeeds: false, default)).FeedsChecked);
            Assert.Equal(3, feeds.Requests);
            var warning = Assert.Single(logs.Lines, line => line.Message.Contains("The clock went back by", StringComparison.Ordinal));
            Assert.Equal((LogLevel.Warning, typeof(FeedPoller).FullName), (warning.Level, warning.Category));
            Assert.Contains("The clock went back by 00:29:00", warning.Message, StringComparison.Ordinal);
            Assert.Contains("the next checks of 1 feeds checked while it was ahead move back by as much: wire", warning.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Lines, line => line.Message.Contains("clock appears to have gone back", StringComparison.Ordinal));
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>The host over <paramref name="directory"/>'s database, its editor first seen at the start (a day's look-back).</summary>
    private static async Task<IHost> BuildAsync(string directory, LoopbackFeedServer feeds, InProcessSmtpServer smtp, FakeTimeProvider clock, CollectingLoggerProvider logs, string? retryInterval)
    {
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("a1", "Regulators widen online censorship campaign", "x")));
        var settings = TestHost.Settings(feedUri, smtp.Port);
        if (retryInterval is not null)
        {
            settings["FeedDigest:Digests:RetryInterval"] = retryInterval;
        }

        var host = TestHost.Build(directory, settings, clock, withScheduler: false, builder => builder.Logging.AddProvider(logs));
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);
        return host;
    }
}
