using System.Globalization;
using System.Security;
using System.Text;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace FeedDigest.IntegrationTests.Polling;

/// <summary>
/// Renames (a sync of the feeds to a new configuration) while a poll or a digest run is under way,
/// and a sync that fails: no item under another feed, none sent twice, none lost.
/// </summary>
public sealed class FeedRenameRaceTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory directory = new();
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();
    public async Task DisposeAsync() => await server.DisposeAsync();
    public void Dispose() => directory.Dispose();

    private sealed class SwitchableCatalog(Catalog initial) : ICatalogSource
    {
        public Catalog Current { get; set; } = initial;
    }

    [Fact]
    public async Task SwapAppliedByADigestRunDuringAPoll_WaitsForThePoll_NoItemIsStoredUnderTheOtherFeedOrSentTwice()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var oneBody = Rss(("a1", "Alpha censorship story", Start.AddHours(-2)));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var currentGate = gate;
        var one = server.Route("one.xml", async ctx =>
        {
            requested.TrySetResult();
            await currentGate.Task;
            ctx.Response.ContentType = "application/rss+xml";
            await ctx.Response.WriteAsync(oneBody);
        });
        var two = server.Set("two.xml", Rss(("b1", "Beta censorship story", Start.AddHours(-2))));
        var settingsA = Settings(smtp.Port, ("alpha", one), ("beta", two));
        var settingsB = Settings(smtp.Port, ("beta", one), ("alpha", two));

        using (var host = Build(settingsA, clock))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
            await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);
            clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
            await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
        }

        Catalog catalogA, catalogB;
        using (var h = Build(settingsA, clock)) { catalogA = h.Services.GetRequiredService<ICatalogSource>().Current; }
        using (var h = Build(settingsB, clock)) { catalogB = h.Services.GetRequiredService<ICatalogSource>().Current; }
        var source = new SwitchableCatalog(catalogA);
        using (var host = Build(settingsA, clock, b => b.Services.AddSingleton<ICatalogSource>(source)))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            // The poll starts on catalog A; the fetch of one.xml is held.
            currentGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var poll = host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
            await requested.Task.WaitAsync(TimeSpan.FromSeconds(20));
            // The configuration reloads (ids swapped) and the digest job's tick would sync it: it waits
            // for the poll, which saves what it fetched under the ids it started with.
            source.Current = catalogB;
            var run = host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.False(run.IsCompleted, "the digest run synced the swap while the poll was fetching");
            currentGate.SetResult();
            await poll;
            await run;
            clock.Advance(TimeSpan.FromDays(1));
            await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
            await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
        }

        await using (var c = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "data", "feeddigest.db")}"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT s.id, s.feed_id, s.title, f.source FROM stories s JOIN feeds f ON f.id = s.feed_id ORDER BY s.id";
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                output.WriteLine($"story {r.GetInt64(0)} feed={r.GetString(1)} title={r.GetString(2)} feedsource={r.GetString(3)}");
                // Each story is under the feed whose document it came from.
                Assert.EndsWith(r.GetString(2).StartsWith("Alpha", StringComparison.Ordinal) ? "one.xml" : "two.xml", r.GetString(3), StringComparison.Ordinal);
            }
        }

        var alpha = smtp.Messages.Count(m => m.TextBody!.Contains("Alpha censorship story", StringComparison.Ordinal));
        output.WriteLine($"Alpha story delivered {alpha} times; messages {smtp.Messages.Count}");
        Assert.Equal(1, alpha);
    }

    [Fact]
    public async Task RenameAppliedByAPollDuringADigestRun_WaitsForTheRun_TheStoriesAreDeliveredOnce()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var url = server.Set("wire.xml", Rss(("u1", "Wire censorship story", Start.AddHours(-2))));
        var settingsA = Settings(smtp.Port, ("wire", url));
        settingsA["FeedDigest:Topics:0:Feeds:0"] = "wire";
        var settingsB = Settings(smtp.Port, ("newswire", url));
        settingsB["FeedDigest:Topics:0:Feeds:0"] = "newswire";
        using (var host = Build(settingsA, clock))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);
            await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
        }

        Catalog catalogA, catalogB;
        using (var h = Build(settingsA, clock)) { catalogA = h.Services.GetRequiredService<ICatalogSource>().Current; }
        using (var h = Build(settingsB, clock)) { catalogB = h.Services.GetRequiredService<ICatalogSource>().Current; }
        var source = new SwitchableCatalog(catalogA);
        IServiceProvider? services = null;
        var fired = false;
        Task<CatalogLease>? sync = null;
        var syncWaited = false;
        using (var host = Build(settingsA, clock, b =>
        {
            b.Services.AddSingleton<ICatalogSource>(source);
            var d = b.Services.Last(s => s.ServiceType == typeof(IDigestStore));
            b.Services.AddSingleton<IDigestStore>(sp => CallHook<IDigestStore>.Wrap(
                (IDigestStore)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!),
                async name =>
                {
                    // The configuration reloads while the digest run is under way, and the poll job's
                    // tick would sync it: it waits until the run is over.
                    if (name == "GetOrCreateStatesAsync" && !fired)
                    {
                        fired = true;
                        source.Current = catalogB;
                        sync = Task.Run(() => services!.GetRequiredService<FeedCatalogSync>().AcquireAsync(default));
                        await Task.Delay(TimeSpan.FromMilliseconds(500));
                        syncWaited = !sync.IsCompleted;
                    }
                }));
        }))
        {
            services = host.Services;
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
            await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
            (await sync!.WaitAsync(TimeSpan.FromSeconds(20))).Dispose();
            clock.Advance(TimeSpan.FromDays(1));
            await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
            await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
        }

        Assert.True(fired && syncWaited, "the sync did not wait for the digest run");
        var n = smtp.Messages.Count(m => m.TextBody!.Contains("Wire censorship story", StringComparison.Ordinal));
        output.WriteLine($"delivered {n} times; messages {smtp.Messages.Count}");
        Assert.Equal(1, n);
    }

    [Fact]
    public async Task SyncFailingAtStart_DigestsClaimedBeforeStillGoOut_AndNoneIsClaimedOnTheUnsyncedCatalog()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var url = server.Set("wire.xml", Rss(("u1", "Wire censorship story", Start.AddHours(-2))));
        var settings = Settings(smtp.Port, ("wire", url));
        // First run: claims a digest, but SMTP down, so it stays in the outbox.
        settings["FeedDigest:Mail:Smtp:Port"] = "1";
        using (var host = Build(settings, clock))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);
            await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
            clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
            var r = await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
            output.WriteLine($"first run: claimed {r.DigestsClaimed} sent {r.DigestsSent}");
        }

        // A new configuration whose sync fails (any cause: a lock held by another process, a full disk, a constraint).
        var settings2 = Settings(smtp.Port, ("newswire", url));
        clock.Advance(TimeSpan.FromMinutes(5));
        using (var host = Build(settings2, clock, b =>
        {
            var d = b.Services.Last(s => s.ServiceType == typeof(IFeedStore));
            b.Services.AddSingleton<IFeedStore>(sp => CallHook<IFeedStore>.Wrap(
                (IFeedStore)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!),
                name => name == "SyncFeedsAsync" ? throw new InvalidOperationException("sync failed") : Task.CompletedTask));
        }))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            var report = await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
            Assert.Equal((0, 1), (report.DigestsClaimed, report.DigestsSent));
            await Assert.ThrowsAsync<CatalogNotSyncedException>(() => host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default));
        }

        output.WriteLine($"messages sent: {smtp.Messages.Count}");
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task SyncFailingAfterOneSucceeded_PollsAndDigestsGoOnWithTheCatalogAppliedBefore_AndItIsLoggedOnce()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var url = server.Set("wire.xml", Rss(("u1", "Wire censorship story", Start.AddHours(-2))));
        var settingsA = Settings(smtp.Port, ("wire", url));
        var settingsB = Settings(smtp.Port, ("newswire", url));
        Catalog catalogA, catalogB;
        using (var h = Build(settingsA, clock)) { catalogA = h.Services.GetRequiredService<ICatalogSource>().Current; }
        using (var h = Build(settingsB, clock)) { catalogB = h.Services.GetRequiredService<ICatalogSource>().Current; }
        var source = new SwitchableCatalog(catalogA);
        var failSyncs = false;
        var logs = new CollectingLoggerProvider();
        using var host = Build(settingsA, clock, b =>
        {
            b.Logging.AddProvider(logs);
            b.Services.AddSingleton<ICatalogSource>(source);
            var d = b.Services.Last(s => s.ServiceType == typeof(IFeedStore));
            b.Services.AddSingleton<IFeedStore>(sp => CallHook<IFeedStore>.Wrap(
                (IFeedStore)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!),
                name => failSyncs && name == "SyncFeedsAsync" ? throw new InvalidOperationException("database is locked") : Task.CompletedTask));
        });
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);
        await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);

        // The next configuration cannot be applied: the poll and the digest run go on with the one before.
        failSyncs = true;
        source.Current = catalogB;
        server.Set("wire.xml", Rss(("u2", "Second censorship story", Start.AddHours(-1)), ("u1", "Wire censorship story", Start.AddHours(-2))));
        var poll = await host.Services.GetRequiredService<FeedPoller>().PollAsync(true, default);
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        var run = await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);

        Assert.Equal((1, 0, 1), (poll.FeedsChecked, poll.FeedsFailed, poll.NewStories));
        Assert.Equal((1, 1), (run.DigestsClaimed, run.DigestsSent));
        var digest = Assert.Single(smtp.Messages);
        Assert.Contains("Second censorship story", digest.TextBody!, StringComparison.Ordinal);
        Assert.Single(logs.Lines, line => line.Level == LogLevel.Error && line.Message.Contains("could not be brought in line with the configuration (database is locked)", StringComparison.Ordinal));
    }

    private static string Rss(params (string Guid, string Title, DateTimeOffset? Published)[] items)
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

        return builder.Append("</channel></rss>").ToString();
    }

    private static Dictionary<string, string?> Settings(int smtpPort, params (string Id, Uri Url)[] feeds)
    {
        var settings = TestHost.Settings(feeds[0].Url, smtpPort);
        settings.Remove("FeedDigest:Feeds:0:Id");
        settings.Remove("FeedDigest:Feeds:0:Url");
        settings.Remove("FeedDigest:Feeds:0:Title");
        settings["FeedDigest:Clustering:Enabled"] = "false";
        settings["FeedDigest:Stories:NewFeedWindow"] = "3.00:00:00";
        for (var i = 0; i < feeds.Length; i++)
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = feeds[i].Id;
            settings[$"FeedDigest:Feeds:{i}:Url"] = feeds[i].Url.AbsoluteUri;
            settings[$"FeedDigest:Feeds:{i}:Title"] = "Title of " + feeds[i].Id;
        }

        return settings;
    }

    private IHost Build(Dictionary<string, string?> settings, FakeTimeProvider clock, Action<HostApplicationBuilder>? configure = null) =>
        TestHost.Build(directory.Path, settings, clock, withScheduler: false, configure);
}
