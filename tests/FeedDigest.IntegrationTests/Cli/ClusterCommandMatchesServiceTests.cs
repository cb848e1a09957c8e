using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary>
/// <c>feeddigest cluster</c> is how admins tune clustering on their own items, so given a feed's
/// items as the feed has them (markup, share bars and all) it must group them as the service does
/// after polling that feed.
/// </summary>
public sealed class ClusterCommandMatchesServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    // Every item carries the same long sidebar: read as the story's words, it makes unrelated items alike.
    private const string Sidebar =
        "<aside><p>More from our newsroom this week: markets, weather, sport, culture, science, technology, travel, "
        + "food and opinion, with daily newsletters, podcasts, live coverage, photo galleries, puzzles and the archive "
        + "of every edition since the founding of the paper, free for subscribers on every device.</p></aside>";

    private static readonly (string Feed, string Title, string Body, int HoursAgo)[] Items =
    [
        ("harbor", "Chiquita and Fyffes merge to create the largest banana company", "The two fruit companies agreed an all-share merger worth $1.07 billion.", 30),
        ("harbor", "Mt. Gox files for bankruptcy protection in the United States", "The bitcoin exchange sought protection from creditors in a Dallas court.", 28),
        ("harbor", "City council approves new cycling lanes downtown", "Work on the lanes starts in spring, the council said.", 26),
        ("wire", "Banana giants Chiquita and Fyffes agree $1.07 billion merger", "Chiquita Brands and Fyffes will combine to form ChiquitaFyffes.", 29),
        ("wire", "Bitcoin exchange Mt. Gox seeks US bankruptcy protection", "Mt. Gox filed for Chapter 15 protection in Dallas.", 27),
        ("wire", "Museum reopens its east wing after renovation", "Visitors can see the restored galleries from Saturday.", 25),
    ];

    private readonly TempDirectory directory = new();
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Cluster_FeedItemsAsTheFeedHasThem_GroupedAsTheServiceGroupsThemAfterAPoll()
    {
        var settings = new Dictionary<string, string?> { ["FeedDigest:Stories:NewFeedWindow"] = "7.00:00:00" };
        foreach (var (feed, i) in Items.Select(item => item.Feed).Distinct().Select((feed, i) => (feed, i)))
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = feed;
            settings[$"FeedDigest:Feeds:{i}:Url"] = server.Set($"{feed}.xml", Feed(feed)).AbsoluteUri;
        }

        using var host = TestHost.Build(directory.Path, settings, new FakeTimeProvider(Now), withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        Assert.Equal(Items.Length, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
        await host.Services.GetRequiredService<ClusteringCatchUp>().CatchUpAsync(default);
        var stored = (await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 100, default)).OrderBy(story => story.Id).ToList();
        var clusters = await host.Services.GetRequiredService<IStoryClusterIndex>().GetClustersAsync([.. stored.Select(story => story.Id)], default);
        var byService = stored.ToDictionary(story => story.Link!, story => clusters[story.Id]);

        // The items in the order the service stored them, as an admin would hand them over from the feeds.
        var lines = new StringBuilder();
        foreach (var story in stored)
        {
            var item = Items.Single(item => Link(item.Feed, item.Title) == story.Link);
            lines.AppendLine(JsonSerializer.Serialize(new
            {
                id = story.Link,
                title = item.Title,
                summary = Description(item.Body),
                source = item.Feed,
                published = Now.AddHours(-item.HoursAgo).ToString("R", CultureInfo.InvariantCulture),
            }));
        }

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunWithInputAsync(directory.Path, lines.ToString(), "cluster");

        Assert.True(exitCode == 0, stderr);
        var byTool = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(line => line.GetProperty("id").GetString()!, line => line.GetProperty("cluster").GetString()!);
        // The two mergers and the two bankruptcies are one story each; the rest stand alone.
        Assert.Equal(4, byService.Values.Distinct().Count());
        foreach (var a in byService.Keys)
        {
            foreach (var b in byService.Keys)
            {
                Assert.True(byService[a] == byService[b] == (byTool[a] == byTool[b]), $"{a} and {b}: together for the service: {byService[a] == byService[b]}, for the tool: {byTool[a] == byTool[b]}");
            }
        }
    }

    private static string Link(string feed, string title) =>
        $"https://{feed}.example/news/{string.Concat(title.Where(char.IsAsciiLetterOrDigit)).ToLowerInvariant()}";

    private static string Description(string body) =>
        $"<p>{SecurityElement.Escape(body)}</p><div class=\"share\">Share on Facebook · Share on X · Email</div>{Sidebar}";

    private static string Feed(string feed)
    {
        var builder = new StringBuilder($"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{feed}</title><link>https://{feed}.example/</link><description>d</description>""");
        foreach (var item in Items.Where(item => item.Feed == feed))
        {
            builder.Append(CultureInfo.InvariantCulture, $"<item><title>{SecurityElement.Escape(item.Title)}</title><link>{Link(feed, item.Title)}</link>");
            builder.Append(CultureInfo.InvariantCulture, $"<pubDate>{Now.AddHours(-item.HoursAgo).ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            builder.Append(CultureInfo.InvariantCulture, $"<description>{SecurityElement.Escape(Description(item.Body))}</description></item>");
        }

        return builder.Append("</channel></rss>").ToString();
    }
}
