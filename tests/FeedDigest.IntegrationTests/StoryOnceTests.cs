using System.Globalization;
using System.Security;
using System.Text;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// Issue 4's promise across polls and digest runs: every story reaches a subscriber once, listed
/// once with every outlet named. Real poller, clusterer, SQLite and SMTP server. (From an audit:
/// each of these failed before its fix.)
/// </summary>
public sealed class StoryOnceTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    // A Tuesday, 00:00 UTC.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private const string TimesTitle = "China blocks VPN services in new internet censorship drive";
    private const string TimesSummary = "Regulators ordered the shutdown of VPN services used to get around the Great Firewall, tightening online censorship.";
    private const string WireTitle = "China widens internet censorship, blocks VPN services";
    private const string WireSummary = "Chinese regulators blocked VPN services that let users get around the Great Firewall, widening online censorship.";
    private const string AgencyTitle = "Regulators block VPN services to tighten internet censorship";
    private const string AgencySummary = "The regulators said VPN services that get around the Great Firewall are blocked under online censorship rules.";

    private readonly TempDirectory directory = new();
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    /// <summary>
    /// A weekly subscriber gets the story from the Times on Wednesday; the wire's copy of it comes
    /// two hours later and joins its cluster. The next Wednesday the wire's copy must not go out as
    /// a story of its own: the clusters already delivered are counted from the subscriber's last
    /// digest, not only the Clustering:Window (72 h) before now, which a week's gap outlasts.
    /// </summary>
    [Fact]
    public async Task WeeklySubscriber_CopyArrivingAfterItsClusterWentOut_IsNotSentAgainTheWeekAfter()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var times = server.Set("times.xml", Rss([("t1", TimesTitle, TimesSummary, Start.AddHours(-2)), .. OtherNews]));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Subscribers:0:Cadence"] = "weekly";
        settings["FeedDigest:Subscribers:0:Day"] = "Wednesday";
        settings["FeedDigest:Subscribers:0:SendAt"] = "07:00";
        settings["FeedDigest:Subscribers:0:TimeZone"] = "UTC";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(5, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // Wednesday 07:01: the weekly digest carries the Times' story.
        clock.Advance(TimeSpan.FromHours(31) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        Assert.Contains(TimesTitle, Assert.Single(smtp.Messages).TextBody, StringComparison.Ordinal);

        // Wednesday 09:00: the wire carries the same story, published at 08:30.
        clock.Advance(TimeSpan.FromHours(2));
        server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, clock.GetUtcNow().AddMinutes(-30))));
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle);

        // The next Wednesday 07:01.
        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(2));
        var report = await dispatcher.RunAsync(default);
        var again = smtp.Messages.Skip(1).Where(m => m.TextBody!.Contains(WireTitle, StringComparison.Ordinal)).Select(m => m.TextBody).ToList();
        Assert.True(again.Count == 0, $"the story the subscriber got last week went out again ({report}):\n{string.Join("\n----\n", again)}");
    }

    /// <summary>
    /// A digest run that overlaps a poll (the poll job and the digest job run side by side; the
    /// catalog lease is a reader lock): the run places every stored story in its cluster first,
    /// then reads the stories after the cut-off. A story the poll stores in between, read with no
    /// cluster, must not be listed on its own beside its own cluster (one story twice in one digest,
    /// with no "also"): the run places it and reads again. The poll's clustering runs at low
    /// priority after it stores, so such a story waits unclustered for a while.
    /// </summary>
    [Fact]
    public async Task DigestRunOverlappingAPoll_CopyStoredAfterTheRunsClusteringCatchUp_IsNotListedAsASecondStory()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var times = server.Set("times.xml", Rss([("t1", TimesTitle, TimesSummary, Start.AddHours(-2)), .. OtherNews]));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        var holdClustering = false;
        var armed = false;
        var releaseClustering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IServiceProvider services = null!;
        IFeedStore realFeedStore = null!;
        Task? poll = null;
        var pollStarted = false;
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false, builder =>
        {
            var feedStore = builder.Services.Last(s => s.ServiceType == typeof(IFeedStore));
            builder.Services.AddSingleton<IFeedStore>(sp => CallHook<IFeedStore>.Wrap(
                realFeedStore = (IFeedStore)ActivatorUtilities.CreateInstance(sp, feedStore.ImplementationType!),
                async name =>
                {
                    // The poll's clustering has not reached its stories yet (it runs at low priority).
                    if (name == "GetStoriesToClusterAfterIdAsync" && holdClustering)
                    {
                        await releaseClustering.Task;
                    }
                }));
            var digestStore = builder.Services.Last(s => s.ServiceType == typeof(IDigestStore));
            builder.Services.AddSingleton<IDigestStore>(sp => CallHook<IDigestStore>.Wrap(
                (IDigestStore)ActivatorUtilities.CreateInstance(sp, digestStore.ImplementationType!),
                async name =>
                {
                    // After the run's own clustering catch-up, before it reads the new stories: the
                    // poll job stores the wire's copy.
                    if (name == "GetOrCreateStatesAsync" && armed && !pollStarted)
                    {
                        pollStarted = true;
                        holdClustering = true;
                        poll = Task.Run(() => services.GetRequiredService<PollRunner>().RunAsync(allFeeds: true, default));
                        var waited = System.Diagnostics.Stopwatch.StartNew();
                        while ((await realFeedStore.GetStoriesAfterAsync(0, 100, default)).Count < 6 && waited.Elapsed < TimeSpan.FromSeconds(20))
                        {
                            await Task.Delay(20);
                        }

                        // The poll's clustering gets to its stories a moment later, as at low priority.
                        _ = Task.Delay(TimeSpan.FromMilliseconds(500)).ContinueWith(_ => releaseClustering.TrySetResult(), TaskScheduler.Default);
                    }
                }));
        });
        services = host.Services;
        await PrepareAsync(host);
        Assert.Equal(5, (await host.Services.GetRequiredService<PollRunner>().RunAsync(allFeeds: true, default)).Report.NewStories);

        // 07:00 in Shanghai; the wire publishes its copy as the digest run starts.
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, clock.GetUtcNow().AddMinutes(-30))));
        armed = true;
        var report = await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);
        releaseClustering.TrySetResult();
        await poll!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(pollStarted);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle);

        var digest = Assert.Single(smtp.Messages).TextBody!;
        output.WriteLine($"{report}\n{digest}");
        Assert.True(
            digest.Contains(TimesTitle, StringComparison.Ordinal) && !digest.Contains(WireTitle, StringComparison.Ordinal) && digest.Contains("also: Northbridge Wire", StringComparison.Ordinal),
            $"one story, carried by two outlets, should be listed once with the wire as \"also\":\n{digest}");
    }

    /// <summary>
    /// Stories:EditedStories IncludeOnce. A typo in a headline fixed an hour after publication,
    /// before any digest carried the story, must not use up the story's one "Updated": the
    /// subscriber's first sight of it is not marked "[Updated]", and when the story really is
    /// updated after they got it, the update reaches them.
    /// </summary>
    [Fact]
    public async Task IncludeOnce_TypoFixedBeforeTheFirstDigest_NotMarkedUpdated_AndTheLaterRealUpdateStillGoesOut()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var published = Start.AddHours(-1);
        var times = server.Set("times.xml", Rss(("t1", "Regulators widen online censorship campaing", "Hundreds of accounts closed.", published)));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // An hour later the typo is fixed.
        clock.Advance(TimeSpan.FromHours(1));
        server.Set("times.xml", Rss(("t1", "Regulators widen online censorship campaign", "Hundreds of accounts closed.", published)));
        await poller.PollAsync(allFeeds: true, default);

        // 07:00 in Shanghai: the first digest with the story.
        clock.Advance(TimeSpan.FromHours(22) + TimeSpan.FromMinutes(1));
        await dispatcher.RunAsync(default);

        // Two hours later the story is really updated: 40 more sites blocked.
        clock.Advance(TimeSpan.FromHours(2));
        server.Set("times.xml", Rss(("t1", "Regulators widen online censorship campaign, block 40 more sites", "Hundreds of accounts closed, and 40 more sites blocked on Tuesday.", published)));
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromDays(1));
        await dispatcher.RunAsync(default);

        var digests = smtp.Messages.Select(m => m.TextBody!).ToList();
        output.WriteLine(string.Join("\n----\n", digests));
        Assert.True(digests.Count == 2, $"the real update after the subscriber got the story should go out once, marked updated; {digests.Count} digests:\n{string.Join("\n----\n", digests)}");
        Assert.DoesNotContain("[Updated]", digests[0], StringComparison.Ordinal);
        Assert.Contains("[Updated] Regulators widen online censorship campaign, block 40 more sites", digests[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// IncludeOnce, two subscribers. The editor got a story, which was then updated; a colleague
    /// whose first digest comes after the update gets the story as new, not marked "[Updated]": they
    /// never had an earlier version. The editor gets it marked.
    /// </summary>
    [Fact]
    public async Task IncludeOnce_UpdatedStory_IsMarkedOnlyForTheSubscriberWhoGotItBefore()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var published = Start.AddHours(-1);
        var times = server.Set("times.xml", Rss(("t1", "Regulators widen online censorship campaign", "Hundreds of accounts closed.", published)));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        settings["FeedDigest:Subscribers:1:Email"] = "colleague@example.org";
        settings["FeedDigest:Subscribers:1:Topics:0"] = "censorship";
        settings["FeedDigest:Subscribers:1:SendAt"] = "09:30";
        settings["FeedDigest:Subscribers:1:TimeZone"] = "Asia/Shanghai";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // 07:00 in Shanghai: the editor's digest; the colleague's first is at 09:30.
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        // At 09:01 the story is updated; at 09:31 the colleague's first digest goes out, and the
        // next morning the editor's.
        clock.Advance(TimeSpan.FromHours(2));
        server.Set("times.xml", Rss(("t1", "Regulators widen online censorship campaign, block 40 more sites", "Hundreds of accounts closed, and 40 more sites blocked on Tuesday.", published)));
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromMinutes(30));
        await dispatcher.RunAsync(default);
        clock.Advance(TimeSpan.FromHours(22));
        await dispatcher.RunAsync(default);

        output.WriteLine(string.Join("\n----\n", smtp.Messages.Select(m => $"{m.To}: {m.TextBody}")));
        var colleague = Assert.Single(smtp.Messages, m => m.To.Mailboxes.Single().Address == "colleague@example.org").TextBody!;
        Assert.Contains("Regulators widen online censorship campaign, block 40 more sites", colleague, StringComparison.Ordinal);
        Assert.DoesNotContain("[Updated]", colleague, StringComparison.Ordinal);
        var editor = smtp.Messages.Where(m => m.To.Mailboxes.Single().Address == "editor@example.org").Select(m => m.TextBody!).ToList();
        Assert.Equal(2, editor.Count);
        Assert.Contains("[Updated] Regulators widen online censorship campaign, block 40 more sites", editor[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// IncludeOnce with clustering off: a story the subscriber got, then really updated, goes out
    /// again marked "[Updated]" (found by audit: the mark followed delivered clusters only).
    /// </summary>
    [Fact]
    public async Task IncludeOnce_ClusteringOff_AnUpdateOfAStoryTheSubscriberGot_IsMarkedUpdated()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var published = Start.AddHours(-1);
        var times = server.Set("times.xml", Rss(("t1", "Regulators widen online censorship campaign", "Hundreds of accounts closed.", published)));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        settings["FeedDigest:Clustering:Enabled"] = "false";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        await dispatcher.RunAsync(default);

        await EditThenRunTheNextDigestAsync(clock, poller, dispatcher, "times.xml", Rss(("t1", "Regulators widen online censorship campaign, block 40 more sites", "Hundreds of accounts closed, and 40 more sites blocked on Tuesday.", published)));

        var digests = smtp.Messages.Select(m => m.TextBody!).ToList();
        output.WriteLine(string.Join("\n----\n", digests));
        Assert.Equal(2, digests.Count);
        Assert.DoesNotContain("[Updated]", digests[0], StringComparison.Ordinal);
        Assert.Contains("[Updated] Regulators widen online censorship campaign, block 40 more sites", digests[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Stories:EditedStories IncludeOnce with a story from two outlets. The subscriber read the
    /// Times' version; the wire's was only named under "also". The wire then fixing its copy is not
    /// an update of what they read: it must not bring the story back. The Times' own update does,
    /// once. (Before, every outlet's edit of its copy sent the story again.)
    /// </summary>
    [Fact]
    public async Task IncludeOnce_AnOutletNamedUnderAlsoEditsItsCopy_NotSentAgain_TheHeadlinesOutletsUpdateIs()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var published = Start.AddHours(-1);
        var times = server.Set("times.xml", Rss(("t1", TimesTitle, TimesSummary, published)));
        var wire = server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, published.AddMinutes(10))));
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(2, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle);

        // 07:00 in Shanghai: the Times' headline, the wire under "also".
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        // The wire edits its copy; a day later, nothing goes out.
        var afterWireEdit = await EditThenRunTheNextDigestAsync(clock, poller, dispatcher, "wire.xml", Rss(("w1", WireTitle + ", sources say", WireSummary + " Officials did not comment.", published.AddMinutes(10))));

        // The Times updates the story the subscriber read: it goes out once more, marked updated.
        await EditThenRunTheNextDigestAsync(clock, poller, dispatcher, "times.xml", Rss(("t1", TimesTitle + ", 40 more sites blocked", TimesSummary + " Forty more sites were blocked on Tuesday.", published)));

        var digests = smtp.Messages.Select(m => m.TextBody!).ToList();
        output.WriteLine(string.Join("\n----\n", digests));
        Assert.True(digests.Count == 2, $"the wire's edit of a copy named under \"also\" should send nothing (that run: {afterWireEdit}), the Times' update one digest; {digests.Count} digests:\n{string.Join("\n----\n", digests)}");
        Assert.Contains("[Updated] " + TimesTitle + ", 40 more sites blocked", digests[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// IncludeOnce, two subscribers. The wire's copy led one's digest (their topic leaves the Times
    /// out) and was only named under "also" in the other's. The wire's edit goes out as an update
    /// to the first, and not to the second, who read the Times' version.
    /// </summary>
    [Fact]
    public async Task IncludeOnce_AnEditGoesToTheSubscriberWhoReadThatVersion_NotToOneWhoSawItUnderAlso()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var published = Start.AddHours(-1);
        var times = server.Set("times.xml", Rss(("t1", TimesTitle, TimesSummary, published)));
        var wire = server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, published.AddMinutes(10))));
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        settings["FeedDigest:Topics:1:Id"] = "censorship-wires";
        settings["FeedDigest:Topics:1:Name"] = "Censorship on the wires";
        settings["FeedDigest:Topics:1:Keywords:0"] = "censorship";
        settings["FeedDigest:Topics:1:ExcludeFeeds:0"] = "times";
        settings["FeedDigest:Subscribers:1:Email"] = "desk@example.org";
        settings["FeedDigest:Subscribers:1:Topics:0"] = "censorship-wires";
        settings["FeedDigest:Subscribers:1:SendAt"] = "07:00";
        settings["FeedDigest:Subscribers:1:TimeZone"] = "Asia/Shanghai";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("desk@example.org", Start, Start.AddDays(-1), default);
        Assert.Equal(2, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle);

        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(2, 2, 0), await dispatcher.RunAsync(default));

        await EditThenRunTheNextDigestAsync(clock, poller, dispatcher, "wire.xml", Rss(("w1", WireTitle + ", 40 more sites blocked", WireSummary + " Forty more sites were blocked.", published.AddMinutes(10))));

        var later = smtp.Messages.Skip(2).ToList();
        output.WriteLine(string.Join("\n----\n", smtp.Messages.Select(m => $"{m.To}: {m.TextBody}")));
        var update = Assert.Single(later);
        Assert.Equal("desk@example.org", Assert.Single(update.To.Mailboxes).Address);
        Assert.Contains("[Updated] " + WireTitle + ", 40 more sites blocked", update.TextBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// A feed added to the configuration by hand, without a Title: its digest entries name it by the
    /// title the feed gives itself, read at each full fetch, not by its id.
    /// </summary>
    [Fact]
    public async Task AFeedWithoutATitleInTheConfiguration_IsNamedInDigestsByItsOwnTitle()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var times = server.Set("times.xml", Rss(("t1", TimesTitle, TimesSummary, Start.AddHours(-1))));
        var wire = server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, Start.AddMinutes(-50))).Replace("<title>T</title>", "<title>  Northbridge   Wire </title>", StringComparison.Ordinal));
        var settings = Settings(smtp.Port, times, wire);
        settings.Remove("FeedDigest:Feeds:1:Title");
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(2, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle);

        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        var body = Assert.Single(smtp.Messages).TextBody!;
        output.WriteLine(body);
        Assert.Contains("also: Northbridge Wire", body, StringComparison.Ordinal);
        Assert.DoesNotContain("also: wire", body, StringComparison.Ordinal);
    }

    /// <summary>
    /// A subscriber added to the configuration gets the stories first seen in the last
    /// Digests:NewSubscriberLookback (24 h). Under IncludeOnce an old story edited just now has a new,
    /// highest sequence but its old first-seen time: a cut-off taken as the highest sequence first
    /// seen before the look-back jumped past every story of the last day.
    /// </summary>
    [Fact]
    public async Task NewSubscriber_AfterAnOldStoryWasEditedUnderIncludeOnce_StillGetsTheLastDaysStories()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var old = ("o1", "Harbor port reopens after typhoon", "Ships returned to the port.", (DateTimeOffset?)Start.AddHours(-1));
        var times = server.Set("times.xml", Rss(old));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var poller = host.Services.GetRequiredService<FeedPoller>();
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // Two days later the wire carries a censorship story.
        clock.Advance(TimeSpan.FromDays(2));
        server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, clock.GetUtcNow().AddMinutes(-30))));
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // An hour later the Times edits its old port story.
        clock.Advance(TimeSpan.FromHours(1));
        server.Set("times.xml", Rss(("o1", "Harbor port reopens after typhoon, ferries resume", "Ships and ferries returned to the port.", old.Item4)));
        await poller.PollAsync(allFeeds: true, default);

        // The subscriber is added now (their state is created by this run), and their first digest
        // goes out at the next 07:00 Shanghai.
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        clock.Advance(TimeSpan.FromHours(22) + TimeSpan.FromMinutes(1));
        var report = await dispatcher.RunAsync(default);

        var bodies = smtp.Messages.Select(m => m.TextBody!).ToList();
        Assert.True(
            bodies.Any(body => body.Contains(WireTitle, StringComparison.Ordinal)),
            $"the new subscriber should get the censorship story first seen 23 hours before their first digest; run {report}, {bodies.Count} digests:\n{string.Join("\n----\n", bodies)}");
    }

    /// <summary>
    /// A topic that leaves the Times out (ExcludeFeeds) must not show the Times' version of a story
    /// (its title, outlet and link) when the Times carries the story too, neither as the headline
    /// nor under "also".
    /// </summary>
    [Fact]
    public async Task TopicExcludingAFeed_ClusterAlsoCarriedByThatFeed_IsNotHeadedByTheExcludedFeedsVersion()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var times = server.Set("times.xml", Rss([("t1", TimesTitle, TimesSummary, Start.AddHours(-2)), .. OtherNews]));
        var wire = server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, Start.AddHours(-1))));
        var agency = server.Set("agency.xml", Rss(("a1", AgencyTitle, AgencySummary, Start.AddHours(-1))));
        var settings = Settings(smtp.Port, times, wire);
        settings["FeedDigest:Feeds:2:Id"] = "agency";
        settings["FeedDigest:Feeds:2:Url"] = agency.AbsoluteUri;
        settings["FeedDigest:Feeds:2:Title"] = "State Agency";
        settings["FeedDigest:Topics:0:ExcludeFeeds:0"] = "times";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await PrepareAsync(host);
        Assert.Equal(7, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle, AgencyTitle);

        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);

        var digest = Assert.Single(smtp.Messages).TextBody!;
        output.WriteLine(digest);
        Assert.True(
            !digest.Contains(TimesTitle, StringComparison.Ordinal) && !digest.Contains("Harbor Digital Times", StringComparison.Ordinal),
            $"the topic excludes the Times, yet its version heads the story:\n{digest}");
    }

    /// <summary>Precondition: the stories with these titles are stored and in one cluster.</summary>
    /// <summary>
    /// The Times carries the story before the subscriber's digest, under a headline their topic
    /// (title:censorship) does not match, so it is not sent; the wire's copy, after the digest,
    /// matches. The next digest lists the wire's copy, and names the Times under "also" though its
    /// copy came before the subscriber's cut-off (it was missing until the run read cluster-mates
    /// from before the cut-off).
    /// </summary>
    [Fact]
    public async Task ClusterStraddlingTheCutoff_OutletWhoseCopyCameBeforeTheLastDigest_IsNamedAsAlso()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        const string timesTitle = "China blocks VPN services in new internet crackdown";
        var times = server.Set("times.xml", Rss([("t1", timesTitle, TimesSummary, Start.AddHours(-2)), .. OtherNews]));
        var wire = server.Set("wire.xml", Rss());
        var settings = Settings(smtp.Port, times, wire);
        settings.Remove("FeedDigest:Topics:0:Keywords:0");
        settings.Remove("FeedDigest:Topics:0:Keywords:1");
        settings["FeedDigest:Topics:0:Query"] = "title:censorship OR title:port";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(5, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // 07:00 Shanghai: a digest with the port story; the Times' VPN headline matches nothing.
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        Assert.DoesNotContain(timesTitle, Assert.Single(smtp.Messages).TextBody, StringComparison.Ordinal);

        // An hour later the wire carries the story, under a headline the topic matches.
        clock.Advance(TimeSpan.FromHours(1));
        server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, clock.GetUtcNow().AddMinutes(-30))));
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, timesTitle, WireTitle);

        // The preview shows what the digest will be.
        var subscriber = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();
        var preview = await dispatcher.PreviewAsync(subscriber, default);
        Assert.Contains("also: Harbor Digital Times https://x.example/t1", preview?.TextBody, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromHours(1));
        await dispatcher.RunAsync(default);
        var digest = smtp.Messages.Last().TextBody!;
        output.WriteLine(digest);
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Contains(WireTitle, digest, StringComparison.Ordinal);
        Assert.True(digest.Contains("also: Harbor Digital Times https://x.example/t1", StringComparison.Ordinal), $"the Times carried the story too:\n{digest}");
    }

    /// <summary>
    /// A daily subscriber gets the Times' story; five days later the wire lists its own copy, dated
    /// the day after the Times' (within the clustering window, so it joins the cluster). The
    /// subscriber's digests of the last 72 hours before their last slot carried nothing of it, but
    /// they got the story: the copy is not sent as a new one, and the Times' copy, reached as an
    /// earlier copy of the cluster, is not listed twice (a second delivery of one story would break
    /// the claim).
    /// </summary>
    [Fact]
    public async Task LateCopy_OfAStoryTheSubscriberGotDaysBefore_IsNotSentAgain()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var clock = new FakeTimeProvider(Start);
        var times = server.Set("times.xml", Rss([("t1", TimesTitle, TimesSummary, Start.AddHours(-2)), .. OtherNews]));
        var wire = server.Set("wire.xml", Rss(("w0", "Harbor cranes repainted", "The port's cranes get a new coat.", Start.AddHours(-3))));
        using var host = TestHost.Build(directory.Path, Settings(smtp.Port, times, wire), clock, withScheduler: false);
        var (poller, dispatcher) = await PrepareAsync(host);
        Assert.Equal(6, (await poller.PollAsync(allFeeds: true, default)).NewStories);

        // 07:00 Shanghai: the digest carries the Times' story; then four days without news.
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        Assert.Contains(TimesTitle, Assert.Single(smtp.Messages).TextBody, StringComparison.Ordinal);
        for (var day = 0; day < 4; day++)
        {
            clock.Advance(TimeSpan.FromDays(1));
            await dispatcher.RunAsync(default);
        }

        // The wire's copy, dated a day after the Times', is listed only now.
        clock.Advance(TimeSpan.FromHours(1));
        server.Set("wire.xml", Rss(("w1", WireTitle, WireSummary, Start.AddHours(20)), ("w0", "Harbor cranes repainted", "The port's cranes get a new coat.", Start.AddHours(-3))));
        Assert.Equal(1, (await poller.PollAsync(allFeeds: true, default)).NewStories);
        await AssertOneClusterAsync(host, TimesTitle, WireTitle);

        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromHours(1));
        var report = await dispatcher.RunAsync(default);
        var again = smtp.Messages.Skip(1).Select(m => m.TextBody).ToList();
        Assert.True(again.Count == 0, $"the story the subscriber got five days ago went out again ({report}):\n{string.Join("\n----\n", again)}");
        Assert.Equal(0, report.SendFailures);
    }

    /// <summary>
    /// Migrates the test's database and registers the subscriber as the service does on their first
    /// run (looking back a day before <see cref="Start"/>); the poller and the dispatcher to drive.
    /// </summary>
    private static async Task<(FeedPoller Poller, DigestDispatcher Dispatcher)> PrepareAsync(IHost host)
    {
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", Start, Start.AddDays(-1), default);
        return (host.Services.GetRequiredService<FeedPoller>(), host.Services.GetRequiredService<DigestDispatcher>());
    }

    /// <summary>Two hours after a digest the feed edits an item; a poll reads it, and the next day's digest run follows.</summary>
    private async Task<DigestRunReport> EditThenRunTheNextDigestAsync(FakeTimeProvider clock, FeedPoller poller, DigestDispatcher dispatcher, string feed, string rss)
    {
        clock.Advance(TimeSpan.FromHours(2));
        server.Set(feed, rss);
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromHours(2));
        return await dispatcher.RunAsync(default);
    }

    private static async Task AssertOneClusterAsync(IHost host, params string[] titles)
    {
        // As every digest run does first.
        await host.Services.GetRequiredService<ClusteringCatchUp>().CatchUpAsync(default);
        var stored = (await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 100, default)).Where(s => titles.Contains(s.Title)).ToList();
        Assert.Equal(titles.Length, stored.Count);
        var clusters = await host.Services.GetRequiredService<IStoryClusterIndex>().GetClustersAsync(stored.Select(s => s.Id).ToList(), default);
        Assert.True(clusters.Count == titles.Length && clusters.Values.Distinct().Count() == 1, $"precondition: the copies are one cluster ({string.Join(", ", clusters.Select(c => $"{c.Key}->{c.Value}"))})");
    }

    /// <summary>Other news of the day: what a feed carries besides the story (and what clustering weighs against).</summary>
    private static readonly (string Guid, string Title, string Summary, DateTimeOffset? Published)[] OtherNews =
    [
        ("n1", "Harbor port reopens after typhoon", "Ships returned to the port on Monday after the typhoon passed.", Start.AddHours(-3)),
        ("n2", "City council approves new budget for schools", "The council voted to raise spending on teachers and buildings.", Start.AddHours(-4)),
        ("n3", "Local team wins regional football final", "Fans celebrated in the streets after the late winning goal.", Start.AddHours(-5)),
        ("n4", "Heavy rain expected across the south this weekend", "Forecasters warned of flooding in low-lying areas.", Start.AddHours(-6)),
    ];

    private static Dictionary<string, string?> Settings(int smtpPort, Uri times, Uri wire)
    {
        var settings = TestHost.Settings(times, smtpPort);
        settings["FeedDigest:Feeds:0:Id"] = "times";
        settings["FeedDigest:Feeds:0:Url"] = times.AbsoluteUri;
        settings["FeedDigest:Feeds:0:Title"] = "Harbor Digital Times";
        settings["FeedDigest:Feeds:1:Id"] = "wire";
        settings["FeedDigest:Feeds:1:Url"] = wire.AbsoluteUri;
        settings["FeedDigest:Feeds:1:Title"] = "Northbridge Wire";
        return settings;
    }

    private static string Rss(params (string Guid, string Title, string Summary, DateTimeOffset? Published)[] items)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link><description>d</description>""");
        foreach (var (guid, title, summary, published) in items)
        {
            builder.Append(CultureInfo.InvariantCulture, $"<item><guid isPermaLink=\"false\">{SecurityElement.Escape(guid)}</guid><title>{SecurityElement.Escape(title)}</title><link>https://x.example/{guid}</link>");
            if (published is { } at)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<pubDate>{at.ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            }

            builder.Append(CultureInfo.InvariantCulture, $"<description>{SecurityElement.Escape(summary)}</description></item>");
        }

        return builder.Append("</channel></rss>").ToString();
    }
}
