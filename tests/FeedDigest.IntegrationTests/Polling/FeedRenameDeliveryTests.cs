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
using Microsoft.Extensions.Logging;
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

    [Fact]
    public async Task TwoFeedsSwapTheirIds_AndSwapThemBack_NothingIsDeliveredTwice()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var one = Serve("one.xml", ("a1", Alpha, Start.AddHours(-2)));
        var two = Serve("two.xml", ("b1", Beta, Start.AddHours(-2)));
        await FirstDigestAsync(Settings(smtp.Port, ("alpha", one, null), ("beta", two, null)), clock);
        Assert.Equal(2, Delivered(smtp, Alpha, Beta).Count);

        await NextDayAsync(Settings(smtp.Port, ("beta", one, null), ("alpha", two, null)), clock);
        await NextDayAsync(Settings(smtp.Port, ("alpha", one, null), ("beta", two, null)), clock);

        Assert.Equal([Alpha, Beta], Delivered(smtp, Alpha, Beta).Order());
    }

    [Fact]
    public async Task FeedRenamedAndItsOldIdGivenToAnotherFeedInTheSameEdit_NothingIsDeliveredTwice_AndNothingIsWarned()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var one = Serve("one.xml", ("a1", Alpha, Start.AddHours(-2)));
        var two = Serve("two.xml", ("b1", Beta, Start.AddHours(-2)));
        await FirstDigestAsync(Settings(smtp.Port, ("wire", one, null)), clock);
        var log = new CollectingLoggerProvider();

        await NextDayAsync(Settings(smtp.Port, ("newswire", one, null), ("wire", two, null)), clock, log);

        Assert.Equal([Alpha, Beta], Delivered(smtp, Alpha, Beta).Order());
        Assert.Contains(log.Lines, l => l.Message.StartsWith("Feed wire renamed to newswire (", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task FeedRenamedToTheIdOfAFeedRemovedLongAgo_NothingIsDeliveredTwice()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var one = Serve("one.xml", ("a1", Alpha, Start.AddHours(-2)));
        var gone = Serve("gone.xml", ("g1", "Gamma", Start.AddDays(-20)));
        using (var host = Build(Settings(smtp.Port, ("old", gone, null)), clock))
        {
            await PollAsync(host);
        }

        await FirstDigestAsync(Settings(smtp.Port, ("wire", one, null)), clock);
        await NextDayAsync(Settings(smtp.Port, ("old", one, null)), clock);

        Assert.Single(Delivered(smtp, Alpha));
    }

    /// <summary>Polls, subscribes the editor, and runs the digest of the first day, after a poll.</summary>
    private async Task FirstDigestAsync(Dictionary<string, string?> settings, FakeTimeProvider clock)
    {
        using var host = Build(settings, clock);
        await PollAsync(host);
        await SubscribeAsync(host);
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        await DigestAsync(host);
    }

    /// <summary>With the configuration edited: a poll, and the digest of the next day.</summary>
    private async Task NextDayAsync(Dictionary<string, string?> settings, FakeTimeProvider clock, CollectingLoggerProvider? log = null)
    {
        using var host = Build(settings, clock, log);
        await PollAsync(host);
        clock.Advance(TimeSpan.FromDays(1));
        await DigestAsync(host);
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

    private IHost Build(Dictionary<string, string?> settings, FakeTimeProvider clock, CollectingLoggerProvider? log = null) =>
        TestHost.Build(directory.Path, settings, clock, withScheduler: false, builder =>
        {
            if (log is not null)
            {
                builder.Logging.AddProvider(log);
            }
        });

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
