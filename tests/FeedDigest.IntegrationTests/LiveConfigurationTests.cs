using System.Text.Json;
using System.Text.Json.Nodes;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Mail;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.IntegrationTests;

/// <summary>Editing the configuration file while the service runs: good edits apply, bad ones are refused.</summary>
public sealed class LiveConfigurationTests
{
    [Fact]
    public async Task RunningHost_FeedAddedToFile_IsPolledWithoutRestart_AndInvalidEditIsRefused()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        var first = feeds.Set("one.xml", FeedDocuments.Rss(("1", "First feed story", "x")));
        var second = feeds.Set("two.xml", FeedDocuments.Rss(("2", "Second feed story", "y")));
        var file = Path.Combine(directory.Path, "settings.json");
        var config = new JsonObject
        {
            ["FeedDigest"] = new JsonObject
            {
                ["Polling"] = new JsonObject { ["TickInterval"] = "00:00:01" },
                // The fixture's items carry a fixed date, and this host runs on the real clock.
                ["Stories"] = new JsonObject { ["NewFeedWindow"] = "3650.00:00:00" },
                ["Feeds"] = new JsonArray(new JsonObject { ["Id"] = "one", ["Url"] = first.AbsoluteUri }),
            },
        };
        await File.WriteAllTextAsync(file, config.ToJsonString());

        using var host = FeedDigestHost.CreateBuilder(file, withScheduler: true, b => b.Logging.ClearProviders(), directory.Path).Build();
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IFeedStore>();
        Assert.True(await Eventually.WaitUntilAsync(async () => (await store.GetStoriesAfterAsync(0, 10, default)).Count == 1, TimeSpan.FromSeconds(30)));

        config["FeedDigest"]!["Feeds"]!.AsArray().Add(new JsonObject { ["Id"] = "two", ["Url"] = second.AbsoluteUri });
        await File.WriteAllTextAsync(file, config.ToJsonString());
        Assert.True(
            await Eventually.WaitUntilAsync(async () => (await store.GetStoriesAfterAsync(0, 10, default)).Any(s => s.FeedId == "two"), TimeSpan.FromSeconds(30)),
            "the feed added to the file was not polled");

        // A broken edit (a feed without a URL) is refused: the running catalog keeps both feeds.
        config["FeedDigest"]!["Feeds"]!.AsArray().Add(new JsonObject { ["Id"] = "three" });
        await File.WriteAllTextAsync(file, config.ToJsonString(new JsonSerializerOptions()));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
        Assert.Equal(["one", "two"], catalog.Feeds.Select(f => f.Id));

        await host.StopAsync();
    }

    [Fact]
    public async Task RunningHost_TransportEditedInTheFile_TheNextMessageGoesByTheNewTransport_WithoutRestart()
    {
        using var directory = new TempDirectory();
        await using var smtp = InProcessSmtpServer.Start();
        var file = Path.Combine(directory.Path, "settings.json");
        var outbox = Path.Combine(directory.Path, "outbox");
        var config = new JsonObject
        {
            ["FeedDigest"] = new JsonObject
            {
                ["Mail"] = new JsonObject
                {
                    ["Transport"] = "Pickup",
                    ["PickupDirectory"] = "outbox",
                    ["From"] = "FeedDigest <digest@feeddigest.test>",
                    ["Smtp"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = smtp.Port, ["Security"] = "None" },
                },
            },
        };
        await File.WriteAllTextAsync(file, config.ToJsonString());
        using var host = FeedDigestHost.CreateBuilder(file, withScheduler: true, b => b.Logging.ClearProviders(), directory.Path).Build();
        var sender = host.Services.GetRequiredService<IMailSender>();
        var mail = host.Services.GetRequiredService<IOptionsMonitor<MailOptions>>();

        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message("first"), default));
        Assert.Single(Directory.GetFiles(outbox, "*.eml"));
        Assert.Empty(smtp.Messages);

        config["FeedDigest"]!["Mail"]!["Transport"] = "Smtp";
        await File.WriteAllTextAsync(file, config.ToJsonString());
        Assert.True(await Eventually.WaitUntilAsync(() => mail.CurrentValue.UsesSmtp, TimeSpan.FromSeconds(5)), "the edit was not read within 5 s");
        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message("second"), default));
        Assert.Equal(["second@feeddigest.test"], smtp.Messages.Select(m => m.MessageId));
        Assert.Single(Directory.GetFiles(outbox, "*.eml"));

        // And back.
        config["FeedDigest"]!["Mail"]!["Transport"] = "Pickup";
        await File.WriteAllTextAsync(file, config.ToJsonString());
        Assert.True(await Eventually.WaitUntilAsync(() => !mail.CurrentValue.UsesSmtp, TimeSpan.FromSeconds(5)), "the edit back was not read within 5 s");
        Assert.IsType<DeliveryResult.Delivered>(await sender.SendAsync(Message("third"), default));
        Assert.Equal(2, Directory.GetFiles(outbox, "*.eml").Length);
        Assert.Single(smtp.Messages);
    }

    private static OutgoingMessage Message(string id) => new(
        id + "@feeddigest.test", "editor@example.org", "Editor", "Online censorship: 1 new story",
        "<p>Story</p>", "Story", new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero));
}
