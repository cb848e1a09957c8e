using System.Text.Json;
using System.Text.Json.Nodes;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
}
