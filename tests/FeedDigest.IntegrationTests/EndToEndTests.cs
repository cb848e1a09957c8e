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

/// <summary>
/// The whole pipeline through the real host: a loopback HTTP server serves the feed, SQLite stores
/// it, Quartz ticks the jobs, MailKit delivers to an in-process SMTP server.
/// </summary>
public sealed class EndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // 2026-11-24 00:00 UTC is 08:00 in Shanghai: the subscriber's next 07:00 is 23:00 UTC that day.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Host_PollsFeedAndSendsDigestBySmtp_ThenNeverSendsAStoryTwice()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(
            ("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."),
            ("a2", "网络审查新规出台", "新规要求实名认证。"),
            ("a3", "Shipping volumes rise", "Ports were busy.")));
        var clock = new FakeTimeProvider(Start);
        var settings = TestHost.Settings(feedUri, smtp.Port);

        using (var host = TestHost.Build(directory.Path, settings, clock, withScheduler: true))
        {
            await host.StartAsync();
            var store = host.Services.GetRequiredService<IFeedStore>();
            Assert.True(await Eventually.WaitUntilAsync(async () => (await store.GetStoriesAfterAsync(0, 100, default)).Count == 3, Patience), "the poll job did not store the feed's 3 stories");

            // The subscriber is first seen now; their first slot is 07:00 Shanghai, 23:00 UTC.
            await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
            Assert.Empty(smtp.Messages);
            clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));

            Assert.True(await Eventually.WaitWhileTickingAsync(() => !smtp.Messages.IsEmpty, clock, TimeSpan.FromSeconds(1), Patience), "no digest arrived at the SMTP server");
            var message = Assert.Single(smtp.Messages);
            Assert.Equal("Online censorship: 2 new stories · 25 Nov 2026", message.Subject);
            Assert.Equal("editor@example.org", message.To.Mailboxes.Single().Address);
            var alternative = Assert.IsType<MultipartAlternative>(message.Body);
            Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
            foreach (var body in new[] { message.TextBody, message.HtmlBody })
            {
                Assert.Contains("Regulators widen online censorship campaign", body, StringComparison.Ordinal);
                Assert.Contains("网络审查新规出台", body, StringComparison.Ordinal);
                Assert.DoesNotContain("Shipping volumes rise", body, StringComparison.Ordinal);
            }

            await host.StopAsync();
        }

        // Restarted on the same database: the same stories are never sent again.
        using (var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            var poller = host.Services.GetRequiredService<FeedPoller>();
            var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();

            var poll = await poller.PollAsync(allFeeds: true, default);
            Assert.Equal(new PollReport(1, 0, 0), poll);
            Assert.True(feeds.NotModifiedResponses >= 1, "the second poll should have been a conditional GET answered 304");
            clock.Advance(TimeSpan.FromDays(1));
            Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
            Assert.Single(smtp.Messages);

            // A new matching story goes out alone in the next digest.
            feeds.Set("wire.xml", FeedDocuments.Rss(
                ("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."),
                ("a2", "网络审查新规出台", "新规要求实名认证。"),
                ("a3", "Shipping volumes rise", "Ports were busy."),
                ("a4", "Court fines VPN sellers in censorship case", "Three shops fined.")));
            Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);
            clock.Advance(TimeSpan.FromDays(1));
            Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
            var second = smtp.Messages.Last();
            Assert.Equal("Online censorship: 1 new story · 27 Nov 2026", second.Subject);
            Assert.Contains("Court fines VPN sellers", second.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Regulators widen", second.TextBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Digest_WhenSmtpServerIsDown_StaysInOutboxAndGoesOutOnceWithSameMessageId()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        var port = InProcessSmtpServer.FreePort();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("b1", "Censorship of forums grows", "More posts deleted.")));
        var clock = new FakeTimeProvider(Start);
        using var host = TestHost.Build(directory.Path, TestHost.Settings(feedUri, port), clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromDays(1));

        // Nobody listens on the port: the digest is claimed but not sent.
        Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
        var pending = Assert.Single(await host.Services.GetRequiredService<IDigestStore>().GetUnsentDigestsAsync(clock.GetUtcNow().AddHours(1), 10, null, default));

        await using var smtp = InProcessSmtpServer.Start(port);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        var message = Assert.Single(smtp.Messages);
        Assert.Equal($"{pending.Digest.MessageId}@feeddigest.test", message.MessageId);
    }
}
