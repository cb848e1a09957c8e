using System.Diagnostics;
using FeedDigest.Core.Ports;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FeedDigest.IntegrationTests.Service;

/// <summary>A stop while a digest is being sent: the send finishes within FeedDigest:ShutdownTimeout, or the digest waits in the outbox; nothing is lost.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task StopDuringASlowSend_LetsTheSendFinish_WithinTheShutdownTimeout()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        smtp.AcceptDelay = TimeSpan.FromSeconds(4);
        var settings = Settings(feeds, smtp, shutdownTimeout: "00:00:30");

        using (var host = TestHost.Build(directory.Path, settings, TimeProvider.System, withScheduler: true))
        {
            await host.StartAsync();
            Assert.True(await Eventually.WaitUntilAsync(() => smtp.MessagesReceiving >= 1, TimeSpan.FromSeconds(60)), "no digest was sent");
            Assert.Empty(smtp.Messages);

            var stopping = Stopwatch.StartNew();
            await host.StopAsync();

            // The server answered 250 before the stop returned: the send was let finish.
            Assert.Single(smtp.Messages);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the stop took {stopping.Elapsed}");
        }

        Assert.Empty(await UnsentAsync(directory.Path, settings));
    }

    [Fact]
    public async Task StopDuringASendLongerThanTheShutdownTimeout_LeavesTheDigestInTheOutbox_AndTheNextStartSendsIt()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        // Far longer than the stop may take on a loaded machine: at 20 s a CI run sharing two cores
        // with builds saw the slow copy accepted before the stop's check.
        smtp.AcceptDelay = TimeSpan.FromSeconds(45);
        var settings = Settings(feeds, smtp, shutdownTimeout: "00:00:01");

        using (var host = TestHost.Build(directory.Path, settings, TimeProvider.System, withScheduler: true))
        {
            await host.StartAsync();
            Assert.True(await Eventually.WaitUntilAsync(() => smtp.MessagesReceiving >= 1, TimeSpan.FromSeconds(60)), "no digest was sent");
            var stopping = Stopwatch.StartNew();
            await host.StopAsync();
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"the stop took {stopping.Elapsed}, not about the 1 s timeout");
        }

        Assert.Empty(smtp.Messages);
        Assert.Single(await UnsentAsync(directory.Path, settings));

        // The next start sends what the stop left in the outbox.
        smtp.AcceptDelay = TimeSpan.Zero;
        using (var restarted = TestHost.Build(directory.Path, settings, TimeProvider.System, withScheduler: true))
        {
            await restarted.StartAsync();
            Assert.True(await Eventually.WaitUntilAsync(() => smtp.Messages.Any(m => m.TextBody?.Contains("Censorship story", StringComparison.Ordinal) == true), TimeSpan.FromSeconds(60)), "the digest left in the outbox never went out");
            await restarted.StopAsync();
        }

        // The first server may still accept the slow copy: then it is the same message (one Message-ID), never a second digest.
        Assert.Single(smtp.Messages.Select(m => m.MessageId).Distinct());
        Assert.Empty(await UnsentAsync(directory.Path, settings));
    }

    private static Dictionary<string, string?> Settings(LoopbackFeedServer feeds, InProcessSmtpServer smtp, string shutdownTimeout)
    {
        var feed = feeds.Set("wire.xml", FeedDocuments.Rss(("1", "Censorship story", "about censorship")));
        var settings = TestHost.Settings(feed, smtp.Port);
        settings["FeedDigest:Stories:NewFeedWindow"] = "3650.00:00:00";
        settings["FeedDigest:Subscribers:0:Cron"] = "*/2 * * * * *";
        settings["FeedDigest:Mail:Smtp:Timeout"] = "00:01:00";
        settings["FeedDigest:ShutdownTimeout"] = shutdownTimeout;
        return settings;
    }

    private static async Task<IReadOnlyList<Core.Digests.UnsentDigest>> UnsentAsync(string directory, Dictionary<string, string?> settings)
    {
        using var host = TestHost.Build(directory, settings, TimeProvider.System, withScheduler: false);
        await host.Services.GetRequiredService<Infrastructure.Storage.IDatabaseMigrator>().MigrateAsync(default);
        return await host.Services.GetRequiredService<IDigestStore>().GetUnsentDigestsAsync(TimeProvider.System.GetUtcNow().AddYears(1), 10, null, default);
    }
}
