using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace FeedDigest.IntegrationTests.Polling;

/// <summary>
/// An admin renames a feed's Id and keeps its Url: the service keeps the feed's history (its stories,
/// their keys, its polling state), so nothing it delivered goes out a second time.
/// </summary>
public sealed class FeedRenameTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // 2026-11-24 00:00 UTC is 08:00 in Shanghai: the subscriber's 07:00 is 23:00 UTC each day.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory directory = new();
    private LoopbackFeedServer server = null!;

    // Undated items (one with a GUID, one with neither GUID nor link, known by title and date), one
    // dated within Stories:NewFeedWindow and one dated before it (held back as the feed's archive).
    private static readonly Item[] Items =
    [
        new("u1", "Regulators widen online censorship campaign", "https://wire.example/u1", null),
        new(null, "Forum censorship grows after the floods", null, null),
        new("d1", "Court fines VPN sellers in censorship case", "https://wire.example/d1", Start.AddHours(-2)),
        new("d0", "Archive: a decade of censorship laws", "https://wire.example/d0", Start.AddDays(-30)),
    ];

    private const string FreshTitle = "Censorship watchdog publishes its yearly report";

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task RunningHost_FeedIdRenamedInTheFile_NothingIsSentAgain_AndTheFeedsStateCarriesOver()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var url = Serve(Items);
        var file = Path.Combine(directory.Path, "settings.json");
        var config = Configuration(url, smtp.Port, "wire");
        await File.WriteAllTextAsync(file, config.ToJsonString());
        var log = new CollectingLoggerProvider();
        using var host = FeedDigestHost.CreateBuilder(
            file,
            withScheduler: true,
            builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(log);
            },
            directory.Path).Build();
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IFeedStore>();

        // The first poll stores the four items; the one dated before the new-feed window is held back.
        Assert.True(await Eventually.WaitUntilAsync(async () => (await store.GetStoriesAfterAsync(0, 100, default)).Count == 3, Patience), "the poll job did not store the feed's 3 new stories");
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.True(await Eventually.WaitWhileTickingAsync(() => !smtp.Messages.IsEmpty, clock, TimeSpan.FromSeconds(1), Patience), "no first digest arrived");
        var first = Assert.Single(smtp.Messages);
        Assert.Equal(new[] { Items[0].Title, Items[1].Title, Items[2].Title }.Order(), Delivered(first).Order());
        var before = Assert.Single(await store.GetFeedStatesAsync(default));
        Assert.Equal("wire", before.FeedId);
        Assert.NotNull(before.ETag);
        var requestsBefore = server.RequestHeaders.Count;

        // The admin renames the feed in the file the service watches (and the topic that names it).
        config["FeedDigest"]!["Feeds"]![0]!["Id"] = "newswire";
        config["FeedDigest"]!["Topics"]![0]!["Feeds"] = new JsonArray("newswire");
        await File.WriteAllTextAsync(file, config.ToJsonString());
        Assert.True(
            await Eventually.WaitWhileTickingAsync(() => store.GetFeedStatesAsync(default).Result.Any(s => s.FeedId == "newswire"), clock, TimeSpan.FromSeconds(1), Patience),
            "the edit was not applied");
        var renamed = Assert.Single(await store.GetFeedStatesAsync(default));
        // Its validators, failures and the rest are those it had; only what a poll since may have changed is left out.
        Assert.Equal(before with { FeedId = "newswire" }, renamed with { LastCheckedAt = before.LastCheckedAt, LastSuccessAt = before.LastSuccessAt, NextCheckAt = before.NextCheckAt, LastStatus = before.LastStatus });

        // Its next fetches are conditional GETs with the validators it had: the server answers 304.
        // (One jump past its next check, then seconds: Quartz runs on this clock and skips a trigger the clock jumped past.)
        var notModified = server.NotModifiedResponses;
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await Eventually.WaitWhileTickingAsync(() => server.NotModifiedResponses > notModified, clock, TimeSpan.FromSeconds(1), Patience), "the renamed feed was not polled");
        var since = server.RequestHeaders.Skip(requestsBefore).ToList();
        Assert.NotEmpty(since);
        Assert.All(since, headers => Assert.Equal(before.ETag, headers.GetValueOrDefault("If-None-Match")));

        // The feed changes: its stored items are known under the new Id, only the new one is new.
        var fresh = new Item("n1", FreshTitle, "https://wire.example/n1", clock.GetUtcNow());
        Serve([fresh, .. Items]);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(
            await Eventually.WaitWhileTickingAsync(() => store.GetStoriesAfterAsync(0, 100, default).Result.Any(s => s.Title == fresh.Title), clock, TimeSpan.FromSeconds(1), Patience),
            "the renamed feed's new item was not stored");
        var stories = await store.GetStoriesAfterAsync(0, 100, default);
        Assert.Equal(4, stories.Count);
        Assert.All(stories, s => Assert.Equal("newswire", s.FeedId));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await Eventually.WaitWhileTickingAsync(() => smtp.Messages.Count >= 2, clock, TimeSpan.FromSeconds(1), Patience), "no second digest arrived");
        await host.StopAsync();
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal([fresh.Title], Delivered(smtp.Messages.Last()));

        var line = Assert.Single(log.Lines, l => l.Message.Contains("renamed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Feed wire renamed to newswire (", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedIdRenamed_WhileTheOldIdIsStillConfigured_TheNewIdIsANewFeed_AndAWarningSaysSo()
    {
        var url = Serve(Items);
        using (var host = Build(Feeds(("wire", url))))
        {
            await PollAsync(host);
        }

        var log = new CollectingLoggerProvider();
        using (var host = Build(Feeds(("wire", url), ("newswire", url)), log))
        {
            await PollAsync(host);
            var states = await host.Services.GetRequiredService<IFeedStore>().GetFeedStatesAsync(default);
            Assert.Equal(["newswire", "wire"], states.Select(s => s.FeedId));
            Assert.All(states, s => Assert.NotNull(s.ETag));
        }

        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("newswire", StringComparison.Ordinal));
        Assert.Contains("wire, which is still configured", warning.Message, StringComparison.Ordinal);
        Assert.Contains("added as a new feed", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("renamed to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FeedIdRenamed_TwoRemovedFeedsHadItsUrl_NeitherIsRenamed_AndAWarningSaysSo()
    {
        var url = Serve(Items);
        using (var host = Build(Feeds(("wire", url), ("wire-copy", url))))
        {
            await PollAsync(host);
        }

        var log = new CollectingLoggerProvider();
        using (var host = Build(Feeds(("newswire", url)), log))
        {
            var stories = await PollAsync(host);
            var state = Assert.Single(await host.Services.GetRequiredService<IFeedStore>().GetFeedStatesAsync(default));
            Assert.Equal("newswire", state.FeedId);
            // A new feed of its own: its first fetch was unconditional, and its items are stored anew.
            Assert.Contains(stories, s => s.FeedId == "newswire");
            Assert.Contains(stories, s => s.FeedId == "wire");
            Assert.Contains(stories, s => s.FeedId == "wire-copy");
        }

        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("newswire", StringComparison.Ordinal));
        Assert.Contains("wire, wire-copy", warning.Message, StringComparison.Ordinal);
        Assert.Contains("added as a new feed", warning.Message, StringComparison.Ordinal);
    }

    private sealed record Item(string? Guid, string Title, string? Link, DateTimeOffset? Published);

    /// <returns>The titles, among the feed's items, that <paramref name="digest"/> lists.</returns>
    private static List<string> Delivered(MimeMessage digest) =>
        Items.Select(i => i.Title).Append(FreshTitle).Where(title => digest.TextBody!.Contains(title, StringComparison.Ordinal)).ToList();

    private static JsonObject Configuration(Uri feed, int smtpPort, string feedId) => new()
    {
        ["FeedDigest"] = new JsonObject
        {
            ["Storage"] = new JsonObject { ["ConnectionString"] = "Data Source=data/feeddigest.db" },
            ["Polling"] = new JsonObject { ["TickInterval"] = "00:00:01" },
            ["Digests"] = new JsonObject { ["TickInterval"] = "00:00:01", ["RetryInterval"] = "00:00:01" },
            ["Stories"] = new JsonObject { ["NewFeedWindow"] = "3.00:00:00" },
            // Clustering would hide a second copy of a story that joins the first one's cluster (within
            // Clustering:Window of it, so not one a rename days later makes): this is about the store.
            ["Clustering"] = new JsonObject { ["Enabled"] = false },
            ["Mail"] = new JsonObject
            {
                ["Transport"] = "Smtp",
                ["From"] = "FeedDigest <digest@feeddigest.test>",
                ["Smtp"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = smtpPort, ["Security"] = "None", ["Timeout"] = "00:00:05" },
            },
            ["Feeds"] = new JsonArray(new JsonObject { ["Id"] = feedId, ["Url"] = feed.AbsoluteUri, ["Title"] = "Test Wire" }),
            ["Topics"] = new JsonArray(new JsonObject
            {
                ["Id"] = "censorship",
                ["Name"] = "Online censorship",
                ["Keywords"] = new JsonArray("censorship"),
                ["Feeds"] = new JsonArray(feedId),
            }),
            ["Subscribers"] = new JsonArray(new JsonObject
            {
                ["Email"] = "editor@example.org",
                ["Name"] = "Editor",
                ["Topics"] = new JsonArray("censorship"),
                ["SendAt"] = "07:00",
                ["TimeZone"] = "Asia/Shanghai",
            }),
        },
    };

    private static Dictionary<string, string?> Feeds(params (string Id, Uri Url)[] feeds)
    {
        var settings = new Dictionary<string, string?> { ["FeedDigest:Storage:ConnectionString"] = "Data Source=data/feeddigest.db" };
        for (var i = 0; i < feeds.Length; i++)
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = feeds[i].Id;
            settings[$"FeedDigest:Feeds:{i}:Url"] = feeds[i].Url.AbsoluteUri;
        }

        return settings;
    }

    private IHost Build(Dictionary<string, string?> settings, CollectingLoggerProvider? log = null) =>
        TestHost.Build(directory.Path, settings, new FakeTimeProvider(Start), withScheduler: false, builder =>
        {
            if (log is not null)
            {
                builder.Logging.AddProvider(log);
            }
        });

    /// <returns>Every stored story that can be delivered, after one poll of every configured feed.</returns>
    private static async Task<IReadOnlyList<Core.Stories.StoredStory>> PollAsync(IHost host)
    {
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);
        return await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 100, default);
    }

    private Uri Serve(Item[] items)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example/</link><description>d</description>""");
        foreach (var item in items)
        {
            builder.Append("<item>");
            if (item.Guid is not null)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<guid isPermaLink=\"false\">{SecurityElement.Escape(item.Guid)}</guid>");
            }

            builder.Append(CultureInfo.InvariantCulture, $"<title>{SecurityElement.Escape(item.Title)}</title>");
            if (item.Link is not null)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<link>{SecurityElement.Escape(item.Link)}</link>");
            }

            if (item.Published is { } published)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<pubDate>{published.ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            }

            builder.Append("<description>What happened, in a few words.</description></item>");
        }

        return server.Set("wire.xml", builder.Append("</channel></rss>").ToString());
    }
}
