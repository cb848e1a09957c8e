using System.Diagnostics;
using FeedDigest.Core.Ports;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>The SMTP transport against a real SMTP server on 127.0.0.1.</summary>
public sealed class SmtpDeliveryTests
{
    [Fact]
    public async Task Send_SeveralDigestsInARow_UseOneConnection_AndANewOneAfterTheIdleTimeout()
    {
        using var directory = new TempDirectory();
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        using var host = TestHost.Build(directory.Path, TestHost.Settings(new Uri("http://127.0.0.1:9/unused.xml"), smtp.Port), clock, withScheduler: false);
        var sender = host.Services.GetRequiredService<IMailSender>();

        for (var i = 0; i < 5; i++)
        {
            Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(i), default));
        }

        Assert.Equal(5, smtp.Messages.Count);
        Assert.Equal(1, smtp.Sessions);

        // 30 s idle (the default IdleTimeout) closes it; the next digest opens a new one.
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(5), default));
        Assert.Equal(2, smtp.Sessions);
    }

    [Fact]
    public async Task Send_ServerRestartedBetweenDigests_TheNextGoesOutOnANewConnection()
    {
        using var directory = new TempDirectory();
        var port = InProcessSmtpServer.FreePort();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        using var host = TestHost.Build(directory.Path, TestHost.Settings(new Uri("http://127.0.0.1:9/unused.xml"), port), clock, withScheduler: false);
        var sender = host.Services.GetRequiredService<IMailSender>();
        await using (var first = InProcessSmtpServer.Start(port))
        {
            Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(0), default));
        }

        await using var second = InProcessSmtpServer.Start(port);
        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(1), default));
        Assert.Single(second.Messages);
    }

    [Fact]
    public async Task Send_WithAPerMinuteRate_SpacesTheMessages()
    {
        using var directory = new TempDirectory();
        await using var smtp = InProcessSmtpServer.Start();
        var settings = TestHost.Settings(new Uri("http://127.0.0.1:9/unused.xml"), smtp.Port);
        settings["FeedDigest:Mail:Smtp:MaxMessagesPerMinute"] = "120";
        using var host = TestHost.Build(directory.Path, settings, TimeProvider.System, withScheduler: false);
        var sender = host.Services.GetRequiredService<IMailSender>();

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(i), default));
        }

        // 120 a minute is one every 0.5 s: the third goes out no sooner than 1 s after the first.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.95), $"three messages took {stopwatch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(3, smtp.Messages.Count);
    }

    [Fact]
    public async Task Send_AMessageIdWithoutADomain_GoesOutWithTheFromAddresssDomain_AndAWholeOneAsItIs()
    {
        using var directory = new TempDirectory();
        await using var smtp = InProcessSmtpServer.Start();
        using var host = TestHost.Build(directory.Path, TestHost.Settings(new Uri("http://127.0.0.1:9/unused.xml"), smtp.Port), TimeProvider.System, withScheduler: false);
        var sender = host.Services.GetRequiredService<IMailSender>();

        // What the dispatcher claims now, and what a digest claimed before ids were qualified holds.
        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(0) with { MessageId = "digest.20261124070000.0a1b2c" }, default));
        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message(1) with { MessageId = "digest.20261123070000.3d4e5f@feeddigest" }, default));

        Assert.Equal(
            ["digest.20261124070000.0a1b2c@feeddigest.test", "digest.20261123070000.3d4e5f@feeddigest"],
            smtp.Messages.Select(message => message.MessageId ?? "(none)").ToList());
    }

    private static OutgoingMessage Message(int i) => new(
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"digest.{i}@feeddigest"), "editor@example.org", "Editor", "Online censorship: 1 new story",
        "<p>Story</p>", "Story", new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero));
}
