using System.Collections.Concurrent;
using System.Globalization;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Infrastructure.Threading;
using FeedDigest.Tests.Stories.Clustering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedDigest.Tests.Storage;

/// <summary>
/// Stories stored through the real feed store, clustered through the real catch-up and index, then
/// pruned by retention: the clustering tables must forget them as the stories table does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the index through IAsyncLifetime.DisposeAsync.")]
public sealed class SqliteClusterPruningTests : IAsyncLifetime
{
    private const int OldUnrelatedStories = 300;
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Feed Harbor = new("harbor", new Uri("https://harbor.example/feed.xml"), "Harbor Times", [], null);
    private static readonly Feed Wire = new("wire", new Uri("https://wire.example/feed.atom"), "Wire", [], null);

    private SqliteTestDatabase database = null!;
    private SqliteFeedStore store = null!;
    private SqliteStoryClusterIndex index = null!;

    public async Task InitializeAsync()
    {
        database = await SqliteTestDatabase.CreateAsync();
        store = new SqliteFeedStore(database.Connections);
        index = new SqliteStoryClusterIndex(database.Connections);
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await index.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task PruneAsync_AfterStoriesArePruned_NoRowRefersToThem_SurvivorsStillJoin_AndStorageShrinks()
    {
        // Old: a strike reported twice, and many stories about nothing else. Two days later, a third
        // report of the strike (joining its cluster) survives the prune.
        var old = new List<NewStory>
        {
            Story(Harbor, "strike-1", "Dockworkers strike closes Rotterdam container terminal", T0),
            Story(Wire, "strike-2", "Rotterdam container terminal shut as dockworkers strike", T0),
        };
        old.AddRange(Enumerable.Range(1, OldUnrelatedStories).Select(i => Story(Harbor, $"other-{i}", $"Quorvex{i} zelmard{i} pintrax{i} oddly{i} velm{i}", T0)));
        await store.SaveFetchAsync(State(Harbor, T0), old, EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire, T0.AddDays(2)), [Story(Wire, "strike-3", "Rotterdam dockworkers strike keeps container terminal closed", T0.AddDays(2))], EditedStoryPolicy.Ignore, CancellationToken.None);
        var catchUp = CatchUp(enabled: true);
        Assert.Equal(OldUnrelatedStories + 3, await catchUp.CatchUpAsync(CancellationToken.None));
        var strikeCluster = await database.ScalarAsync<long>("SELECT cluster_id FROM cluster_members ORDER BY story_id DESC LIMIT 1");
        Assert.Equal(3, await database.ScalarAsync<long>($"SELECT count(*) FROM cluster_members WHERE cluster_id = {strikeCluster}"));
        var versionBefore = await database.ScalarAsync<long>($"SELECT version FROM clusters WHERE id = {strikeCluster}");

        var pruned = await store.PruneStoriesAsync(T0.AddDays(1), CancellationToken.None);
        var pagesBefore = await UsedPagesAsync();
        var report = await index.PruneAsync(CancellationToken.None);

        Assert.Equal(OldUnrelatedStories + 2, pruned);
        Assert.Equal(new ClusterPruneReport(OldUnrelatedStories + 2, OldUnrelatedStories), report);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members WHERE story_id NOT IN (SELECT id FROM stories)"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM clusters AS c WHERE NOT EXISTS (SELECT 1 FROM cluster_members AS m WHERE m.cluster_id = c.id)"));
        Assert.Equal(1, await database.ScalarAsync<long>($"SELECT size FROM clusters WHERE id = {strikeCluster}"));
        // The days that had members count only those left: the strike's third report, two days on.
        var strikeStory = await database.ScalarAsync<long>("SELECT story_id FROM cluster_members");
        Assert.Equal(
            $"{T0.AddDays(2).ToUnixTimeSeconds() / 86400} {strikeStory} {strikeStory}",
            await database.ScalarAsync<string>("SELECT group_concat(day || ' ' || first_story || ' ' || last_story) FROM cluster_member_days"));
        Assert.True(await database.ScalarAsync<long>($"SELECT version FROM clusters WHERE id = {strikeCluster}") > versionBefore);
        // What IDF is learned from stays: every story clustered so far, and their terms.
        Assert.Equal(OldUnrelatedStories + 3, await database.ScalarAsync<long>("SELECT documents FROM cluster_stats"));
        Assert.Equal(3, await database.ScalarAsync<long>($"SELECT df FROM cluster_terms WHERE term = {TermHash.Of("rotterdam")}"));
        Assert.True(await UsedPagesAsync() < pagesBefore * 0.9, "the database shrinks by the clustering rows");

        // The surviving cluster still takes new stories, and unrelated ones still start their own.
        await store.SaveFetchAsync(
            State(Harbor, T0.AddDays(2.5)),
            [
                Story(Harbor, "strike-4", "Rotterdam container terminal reopens as dockworkers end strike", T0.AddDays(2.5)),
                Story(Harbor, "other-new", "Quorvex1 zelmard1 pintrax1 oddly1 velm1", T0.AddDays(2.5)),
            ],
            EditedStoryPolicy.Ignore,
            CancellationToken.None);
        Assert.Equal(2, await catchUp.CatchUpAsync(CancellationToken.None));
        Assert.Equal(2, await database.ScalarAsync<long>($"SELECT count(*) FROM cluster_members WHERE cluster_id = {strikeCluster}"));
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(DISTINCT cluster_id) FROM cluster_members"));
    }

    [Fact]
    public async Task PruneAsync_MembersOfAClusterThatMergedAway_ComeOutOfTheLiveCluster_AndItGoesWithItsLastMember()
    {
        // Stories 1 and 2 are old, 3 and 4 recent. 1 starts cluster a, 2 starts b, 3 joins b and
        // merges a into it, 4 joins b: story 1's row still names a.
        await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "s1", "One", T0), Story(Harbor, "s2", "Two", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire, T0.AddDays(2)), [Story(Wire, "s3", "Three", T0.AddDays(2)), Story(Wire, "s4", "Four", T0.AddDays(2))], EditedStoryPolicy.Ignore, CancellationToken.None);
        var ids = new long[4];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = await database.ScalarAsync<long>($"SELECT id FROM stories ORDER BY id LIMIT 1 OFFSET {i}");
        }

        var share = new ClusterCentroid([new CentroidTerm(11, 1f)]);
        var a = await index.AddAsync(Member(ids[0], null, 0, share), CancellationToken.None);
        var b = await index.AddAsync(Member(ids[1], null, 0, share), CancellationToken.None);
        await index.AddAsync(Member(ids[2], b.ClusterId, 1, share) with { Merges = [new ClusterMerge(a.ClusterId, 1)] }, CancellationToken.None);
        await index.AddAsync(Member(ids[3], b.ClusterId, 2, share), CancellationToken.None);
        Assert.Equal(a.ClusterId, await database.ScalarAsync<long>($"SELECT cluster_id FROM cluster_members WHERE story_id = {ids[0]}"));

        await store.PruneStoriesAsync(T0.AddDays(1), CancellationToken.None);
        var report = await index.PruneAsync(CancellationToken.None);

        Assert.Equal(new ClusterPruneReport(2, 0), report);
        Assert.Equal(2, await database.ScalarAsync<long>($"SELECT size FROM clusters WHERE id = {b.ClusterId}"));
        Assert.Equal(b.ClusterId, (await index.GetClustersAsync([ids[2], ids[3]], CancellationToken.None)).Values.Distinct().Single());

        // The rest pruned too: the live cluster goes, and with it the row of the one it absorbed.
        await store.PruneStoriesAsync(T0.AddDays(3), CancellationToken.None);
        Assert.Equal(new ClusterPruneReport(2, 1), await index.PruneAsync(CancellationToken.None));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM clusters"));
    }

    [Fact]
    public async Task PruneAsync_NothingPruned_ChangesNothing()
    {
        await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
        await CatchUp(enabled: true).CatchUpAsync(CancellationToken.None);

        Assert.Equal(new ClusterPruneReport(0, 0), await index.PruneAsync(CancellationToken.None));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
    }

    [Fact]
    public async Task CatchUpAsync_ClusteringOff_PlacesNothing_AndOnAgainCatchesUp()
    {
        await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal(0, await CatchUp(enabled: false).CatchUpAsync(CancellationToken.None));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
        Assert.Equal(1, await CatchUp(enabled: true).CatchUpAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CatchUpDuringAsync_StoriesStoredWhileTheWorkRuns_AreAllPlacedByTheEnd()
    {
        var catchUp = CatchUp(enabled: true);
        await ClusterAnEarlierStoryAsync(catchUp);
        var storedFirst = new TaskCompletionSource();

        // The "poll": stores one story, waits until it has been clustered alongside, stores another.
        async Task PollAsync()
        {
            await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
            while (await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members") < 2)
            {
                await Task.Delay(10);
            }

            storedFirst.SetResult();
            await store.SaveFetchAsync(State(Wire, T0), [Story(Wire, "b", "Rotterdam terminal shut as dockworkers strike", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
        }

        var placed = await catchUp.CatchUpDuringAsync(PollAsync(), TimeProvider.System, CancellationToken.None);

        Assert.True(storedFirst.Task.IsCompleted);
        Assert.Equal(2, placed);
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(DISTINCT cluster_id) FROM cluster_members"));
    }

    [Fact]
    public async Task CatchUpDuringAsync_NothingClusteredYet_PlacesAFirstPollsStoriesOnceItEnds()
    {
        var catchUp = CatchUp(enabled: true);
        var clusteredWhileItRan = -1L;

        // A first poll: one feed's stories, then, a while later, another's. (The order they are placed
        // in, that of publication, is ClusteredDigestTests' China desk.)
        async Task PollAsync()
        {
            await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0.AddHours(5))], EditedStoryPolicy.Ignore, CancellationToken.None);
            await Task.Delay(400);
            await store.SaveFetchAsync(State(Wire, T0), [Story(Wire, "b", "Rotterdam terminal shut as dockworkers strike", T0.AddHours(1))], EditedStoryPolicy.Ignore, CancellationToken.None);
            clusteredWhileItRan = await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members");
        }

        var placed = await catchUp.CatchUpDuringAsync(PollAsync(), TimeProvider.System, CancellationToken.None);

        Assert.Equal(0, clusteredWhileItRan);
        Assert.Equal(2, placed);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(DISTINCT cluster_id) FROM cluster_members"));
    }

    /// <summary>Clusters a story of days before: the database is no longer new to clustering.</summary>
    private async Task ClusterAnEarlierStoryAsync(ClusteringCatchUp catchUp)
    {
        await store.SaveFetchAsync(State(Wire, T0.AddDays(-5)), [Story(Wire, "z", "City council approves new school budget", T0.AddDays(-5))], EditedStoryPolicy.Ignore, CancellationToken.None);
        Assert.Equal(1, await catchUp.CatchUpAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CatchUpDuringAsync_WithALowPriorityRunner_PlacesTheStoriesOnItsThreadWhileTheWorkRuns()
    {
        using var lowPriority = new LowPriorityThread(NullLogger<LowPriorityThread>.Instance);
        var runner = new RecordingRunner(lowPriority);
        var storedFirst = new TaskCompletionSource();
        var catchUp = CatchUp(enabled: true, runner);
        await ClusterAnEarlierStoryAsync(catchUp);

        async Task PollAsync()
        {
            await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
            while (await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members") < 2)
            {
                await Task.Delay(10);
            }

            storedFirst.SetResult();
            await store.SaveFetchAsync(State(Wire, T0), [Story(Wire, "b", "Rotterdam terminal shut as dockworkers strike", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
        }

        var placed = await catchUp.CatchUpDuringAsync(PollAsync(), TimeProvider.System, CancellationToken.None);

        Assert.Equal(2, placed);
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(DISTINCT cluster_id) FROM cluster_members"));
        // The first story was placed while the poll waited for it: on the runner's thread, at its priority.
        Assert.Contains(runner.Threads, name => name == "FeedDigest low priority");
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains(19, runner.NiceValues);
        }
    }

    [Fact]
    public async Task CatchUpDuringAsync_WorkAlreadyDone_PlacesTheRestWithoutTheLowPriorityRunner()
    {
        using var lowPriority = new LowPriorityThread(NullLogger<LowPriorityThread>.Instance);
        var runner = new RecordingRunner(lowPriority);
        await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);

        // Nothing competes once the work is over: what is left goes at normal priority, and soon.
        Assert.Equal(1, await CatchUp(enabled: true, runner).CatchUpDuringAsync(Task.CompletedTask, TimeProvider.System, CancellationToken.None));

        Assert.Empty(runner.Threads);
    }

    [Fact]
    public async Task CatchUpDuringAsync_ClusteringFails_WaitsForTheWorkBeforeFailing()
    {
        await store.SaveFetchAsync(State(Harbor, T0), [Story(Harbor, "a", "Dockworkers strike closes Rotterdam terminal", T0)], EditedStoryPolicy.Ignore, CancellationToken.None);
        await index.DisposeAsync();
        var work = new TaskCompletionSource();
        var catchingUp = CatchUp(enabled: true).CatchUpDuringAsync(work.Task, TimeProvider.System, CancellationToken.None);
        await Task.Delay(50);

        Assert.False(catchingUp.IsCompleted);
        work.SetResult();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => catchingUp);
    }

    [Fact]
    public async Task CatchUpAsync_InANewProcess_LearnsTheBackgroundFromTheStoriesClusteredBefore()
    {
        // A first process clusters a feed of template alerts.
        var alerts = TemplateAlerts.Generate(300, seed: 11);
        await store.SaveFetchAsync(State(Harbor, T0), alerts.Select((alert, i) => Story(Harbor, $"alert-{i}", alert.Title, T0.AddMinutes(i), alert.Summary)).ToList(), EditedStoryPolicy.Ignore, CancellationToken.None);
        Assert.Equal(300, await CatchUp(enabled: true).CatchUpAsync(CancellationToken.None));

        // The next alert, about a town none was about, reaches the threshold with the template's
        // words alone. A new process (a clusterer and index of its own) must know that already.
        var next = TemplateAlerts.Alert(new Random(3), "Petrolia");
        await store.SaveFetchAsync(State(Harbor, T0.AddHours(6)), [Story(Harbor, "alert-next", next.Title, T0.AddHours(6), next.Summary)], EditedStoryPolicy.Ignore, CancellationToken.None);
        await using var restartedIndex = new SqliteStoryClusterIndex(database.Connections);
        var options = new ClusteringOptions();
        var restarted = new ClusteringCatchUp(store, restartedIndex, new StoryClusterer(restartedIndex, options), Options.Create(options), NullLogger<ClusteringCatchUp>.Instance);

        Assert.Equal(1, await restarted.CatchUpAsync(CancellationToken.None));

        var lastStory = await database.ScalarAsync<long>("SELECT max(story_id) FROM cluster_members");
        Assert.Equal(1, await database.ScalarAsync<long>($"SELECT count(*) FROM cluster_members WHERE cluster_id = (SELECT cluster_id FROM cluster_members WHERE story_id = {lastStory})"));
    }

    private static NewStory Story(Feed feed, string key, string title, DateTimeOffset firstSeen, string summary = "") =>
        new(feed.Id, [key], title, $"https://{feed.Id}.example/{key}", summary, null, [], firstSeen, null, firstSeen);

    private static ClusterIndexEntry Member(long storyId, long? clusterId, long expectedVersion, ClusterCentroid centroid) =>
        new(storyId, clusterId, expectedVersion, centroid, [storyId], [11], T0);

    private static FeedState State(Feed feed, DateTimeOffset at) => new(feed.Id, feed.Source, null, null, at, at, at.AddMinutes(30), 0, null);

    private ClusteringCatchUp CatchUp(bool enabled, ILowPriorityRunner? lowPriority = null)
    {
        var options = new ClusteringOptions { Enabled = enabled };
        return new ClusteringCatchUp(store, index, new StoryClusterer(index, options), Options.Create(options), NullLogger<ClusteringCatchUp>.Instance, lowPriority);
    }

    /// <summary>The real runner, noting the thread each piece of work started on and that thread's nice value (Linux).</summary>
    private sealed class RecordingRunner(ILowPriorityRunner inner) : ILowPriorityRunner
    {
        public ConcurrentQueue<string?> Threads { get; } = new();

        public ConcurrentQueue<int> NiceValues { get; } = new();

        public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
            inner.RunAsync(
                token =>
                {
                    Threads.Enqueue(Thread.CurrentThread.Name);
                    if (OperatingSystem.IsLinux())
                    {
                        // Field 19 of the thread's stat line, counted after the name in brackets.
                        var stat = File.ReadAllText("/proc/thread-self/stat");
                        NiceValues.Enqueue(int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture));
                    }

                    return work(token);
                },
                cancellationToken);
    }

    /// <summary>The database's pages in use, the write-ahead log folded in first.</summary>
    private async Task<long> UsedPagesAsync()
    {
        await database.ScalarAsync<long>("PRAGMA wal_checkpoint(TRUNCATE)");
        return await database.ScalarAsync<long>("SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count())");
    }
}
