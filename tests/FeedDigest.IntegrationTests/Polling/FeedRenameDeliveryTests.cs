using System.Globalization;
using System.Security;
using System.Text;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests.Polling;

/// <summary>
/// Renames seen from the subscriber's inbox: every story of a renamed feed is delivered once, whichever
/// job acts first on the new configuration and however the ids are shuffled.
/// </summary>
public sealed class FeedRenameDeliveryTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private const string Undated = "Regulators widen online censorship campaign";
    private const string Recent = "Court fines VPN sellers in censorship case";
    private const string Alpha = "Alpha censorship story";
    private const string Beta = "Beta censorship story";

    private readonly TempDirectory directory = new();
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task DigestRunBeforeAnyPoll_AfterTheFeedIsRenamed_DeliversItsUndeliveredStories()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var url = Serve("wire.xml", ("u1", Undated, null), ("d1", Recent, Start.AddHours(-2)));
        using (var host = Build(Settings(smtp.Port, ("wire", url, "wire")), clock))
        {
            await PollAsync(host);
            await SubscribeAsync(host);
            Assert.Equal(2, (await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 100, default)).Count);
        }

        // The file now calls the feed newswire, and so does the topic's feed limit. The digest job's
        // tick comes before the poll job's: it must see the stories under the new id.
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        using (var host = Build(Settings(smtp.Port, ("newswire", url, "newswire")), clock))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            await DigestAsync(host);
            await PollAsync(host);
            clock.Advance(TimeSpan.FromDays(1));
            await PollAsync(host);
            await DigestAsync(host);
        }

        Assert.Equal([Recent, Undated], Delivered(smtp, Undated, Recent).Order());
    }

    private static Dictionary<string, string?> Settings(int smtpPort, params (string Id, Uri Url, string? TopicFeed)[] feeds)
    {
        var settings = TestHost.Settings(feeds[0].Url, smtpPort);
        settings.Remove("FeedDigest:Feeds:0:Id");
        settings.Remove("FeedDigest:Feeds:0:Url");
        settings.Remove("FeedDigest:Feeds:0:Title");
        // Clustering would hide a second copy of a story in the first one's cluster: this is about the store.
        settings["FeedDigest:Clustering:Enabled"] = "false";
        settings["FeedDigest:Stories:NewFeedWindow"] = "3.00:00:00";
        var topicFeeds = 0;
        for (var i = 0; i < feeds.Length; i++)
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = feeds[i].Id;
            settings[$"FeedDigest:Feeds:{i}:Url"] = feeds[i].Url.AbsoluteUri;
            settings[$"FeedDigest:Feeds:{i}:Title"] = "Title of " + feeds[i].Id;
            if (feeds[i].TopicFeed is { } topicFeed)
            {
                settings[$"FeedDigest:Topics:0:Feeds:{topicFeeds++}"] = topicFeed;
            }
        }

        return settings;
    }

    private IHost Build(Dictionary<string, string?> settings, FakeTimeProvider clock) =>
        TestHost.Build(directory.Path, settings, clock, withScheduler: false);

    private static async Task PollAsync(IHost host)
    {
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);
    }

    /// <summary>The subscriber's first digest takes the stories first seen since a day before <see cref="Start"/>.</summary>
    private static async Task SubscribeAsync(IHost host) =>
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);

    private static Task<DigestRunReport> DigestAsync(IHost host) => host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);

    private Uri Serve(string path, params (string Guid, string Title, DateTimeOffset? Published)[] items)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link><description>d</description>""");
        foreach (var (guid, title, published) in items)
        {
            builder.Append(CultureInfo.InvariantCulture, $"<item><guid isPermaLink=\"false\">{SecurityElement.Escape(guid)}</guid><title>{SecurityElement.Escape(title)}</title><link>https://x.example/{guid}</link>");
            if (published is { } at)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<pubDate>{at.ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            }

            builder.Append("<description>What happened.</description></item>");
        }

        return server.Set(path, builder.Append("</channel></rss>").ToString());
    }

    /// <returns>Each of <paramref name="titles"/> as many times as the digests sent list it.</returns>
    private static List<string> Delivered(InProcessSmtpServer smtp, params string[] titles) =>
        smtp.Messages.SelectMany(m => titles.Where(t => m.TextBody!.Contains(t, StringComparison.Ordinal))).ToList();
}
