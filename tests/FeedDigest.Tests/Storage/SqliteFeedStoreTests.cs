using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.Tests.Storage;

public sealed class SqliteFeedStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Feed Harbor = new("harbor", new Uri("https://harbor.example/feed.xml"), "Harbor Times", [], null);
    private static readonly Feed Wire = new("wire", new Uri("https://wire.example/feed.atom"), null, [], null);
    private static readonly Feed Ledger = new("ledger", new Uri("https://ledger.example/rss"), null, [], null);

    private SqliteTestDatabase database = null!;
    private SqliteFeedStore store = null!;

    public async Task InitializeAsync()
    {
        database = await SqliteTestDatabase.CreateAsync();
        store = new SqliteFeedStore(database.Connections);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task SyncFeedsAsync_NewFeeds_AreInsertedDueNow()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);

        var due = await store.GetDueFeedsAsync(T0, DateTimeOffset.MaxValue, 10, CancellationToken.None);
        Assert.Equal(["harbor", "wire"], due.Select(f => f.FeedId).Order());
        var harbor = due.Single(f => f.FeedId == "harbor");
        Assert.Equal(new FeedState("harbor", Harbor.Source, null, null, null, null, T0, 0, null), harbor);
        Assert.Empty(await store.GetDueFeedsAsync(T0.AddTicks(-1), DateTimeOffset.MaxValue, 10, CancellationToken.None));
    }

    [Fact]
    public async Task SyncFeedsAsync_FeedRemovedFromConfiguration_IsDeactivated()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);

        await store.SyncFeedsAsync([Harbor], T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(["harbor"], (await store.GetFeedStatesAsync(CancellationToken.None)).Select(f => f.FeedId));
        Assert.Equal(["harbor"], (await store.GetDueFeedsAsync(T0.AddDays(1), DateTimeOffset.MaxValue, 10, CancellationToken.None)).Select(f => f.FeedId));
    }

    [Fact]
    public async Task SyncFeedsAsync_RemovedFeedAddedBack_IsActiveAndDueAgain()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
        await store.SaveStateAsync(State(Wire, etag: "\"w1\"", nextCheckAt: T0.AddHours(6)), CancellationToken.None);
        await store.SyncFeedsAsync([Harbor], T0.AddMinutes(1), CancellationToken.None);

        await store.SyncFeedsAsync([Harbor, Wire], T0.AddMinutes(2), CancellationToken.None);

        var wire = (await store.GetFeedStatesAsync(CancellationToken.None)).Single(f => f.FeedId == "wire");
        Assert.Equal(T0.AddMinutes(2), wire.NextCheckAt);
    }

    [Fact]
    public async Task SyncFeedsAsync_UnchangedUrl_KeepsValidatorsAndSchedule()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var saved = State(Harbor, etag: "\"h1\"", lastModified: "Tue, 10 Mar 2026 11:00:00 GMT", nextCheckAt: T0.AddHours(1));
        await store.SaveStateAsync(saved, CancellationToken.None);

        await store.SyncFeedsAsync([Harbor], T0.AddMinutes(5), CancellationToken.None);

        Assert.Equal(saved, Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task SyncFeedsAsync_UrlChanged_ResetsValidatorsAndIsDueNow()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        await store.SaveStateAsync(State(Harbor, etag: "\"h1\"", lastModified: "Tue, 10 Mar 2026 11:00:00 GMT", nextCheckAt: T0.AddHours(1)), CancellationToken.None);
        var moved = Harbor with { Source = new Uri("https://harbor.example/v2/feed.xml") };

        await store.SyncFeedsAsync([moved], T0.AddMinutes(5), CancellationToken.None);

        var state = Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None));
        Assert.Equal(moved.Source, state.Source);
        Assert.Null(state.ETag);
        Assert.Null(state.LastModified);
        Assert.Equal(T0.AddMinutes(5), state.NextCheckAt);
    }

    [Fact]
    public async Task SyncFeedsAsync_UrlChangedToTheAddressTheFeedWasFetchedFrom_KeepsItsValidatorsAndSchedule()
    {
        // Configured by its web page, fetched from the feed the page advertises (or a redirect's target).
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var fetchedFrom = new Uri("https://harbor.example/v2/feed.xml");
        await store.SaveStateAsync(State(Harbor, etag: "\"h1\"", lastModified: "Tue, 10 Mar 2026 11:00:00 GMT", nextCheckAt: T0.AddHours(1)) with { FetchUri = fetchedFrom }, CancellationToken.None);

        await store.SyncFeedsAsync([Harbor with { Source = fetchedFrom }], T0.AddMinutes(5), CancellationToken.None);

        var state = Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None));
        Assert.Equal((fetchedFrom, fetchedFrom, "\"h1\"", T0.AddHours(1)), (state.Source, state.FetchUri, state.ETag, state.NextCheckAt));
    }

    [Fact]
    public async Task SyncFeedsAsync_UrlChanged_ForgetsTheOldSourcesErrors()
    {
        // The old URL's failures say nothing about the new one; keeping the count makes the new
        // source's first failure back off as if it had failed many times (up to MaxInterval).
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        await store.SaveStateAsync(new FeedState("harbor", Harbor.Source, null, null, T0, null, T0.AddHours(8), 5, "NotFound: 404"), CancellationToken.None);
        var moved = Harbor with { Source = new Uri("https://harbor.example/v2/feed.xml") };

        await store.SyncFeedsAsync([moved], T0.AddMinutes(5), CancellationToken.None);

        var state = Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None));
        Assert.Equal(0, state.ConsecutiveErrors);
        Assert.Null(state.LastError);
    }

    [Fact]
    public async Task SyncFeedsAsync_IdChangedUrlKept_RenamesTheFeed_WithItsStateStoriesAndKeys()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var saved = new FeedState("harbor", Harbor.Source, "\"h1\"", "Tue, 10 Mar 2026 11:00:00 GMT", T0, T0.AddHours(-2), T0.AddHours(1), 2, "Timeout: no answer in 30 s")
        {
            FailingSince = T0.AddHours(-1),
            AlertSent = true,
            GuidsUnstable = true,
            ItemsStored = true,
            TimeToLive = TimeSpan.FromMinutes(45),
        };
        await store.SaveFetchAsync(saved, [Story("guid:1", "One"), Story("hash:2", "Two")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var renamed = Harbor with { Id = "harbor-times" };

        var renames = await store.SyncFeedsAsync([renamed], T0.AddMinutes(5), CancellationToken.None);

        Assert.Equal([new FeedRename("harbor", "harbor-times", Harbor.Source)], renames.Renamed);
        Assert.Empty(renames.Ambiguous);
        Assert.Equal(saved with { FeedId = "harbor-times" }, Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)));
        Assert.All(await store.GetStoriesAfterAsync(0, 100, CancellationToken.None), s => Assert.Equal("harbor-times", s.FeedId));
        // Its stories are known under the new id: only a new item is new.
        var again = await store.SaveFetchAsync(
            State(renamed), [Story("guid:1", "One", "harbor-times"), Story("hash:2", "Two", "harbor-times"), Story("guid:3", "Three", "harbor-times")], EditedStoryPolicy.Ignore, CancellationToken.None);
        Assert.Equal(1, again.New);
        Assert.Equal(["One", "Two", "Three"], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => s.Title));
        Assert.Same(FeedRenames.None, await store.SyncFeedsAsync([renamed], T0.AddMinutes(6), CancellationToken.None));
    }

    [Fact]
    public async Task SyncFeedsAsync_FeedRemovedThenAddedBackUnderAnotherId_IsRenamed_AndDueNow()
    {
        // feeds remove harbor, then feeds add URL --id harbor-times: the sync between sees it removed.
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor, etag: "\"h1\"", nextCheckAt: T0.AddHours(1)), [Story("guid:1", "One")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SyncFeedsAsync([Wire], T0.AddMinutes(1), CancellationToken.None);

        var renames = await store.SyncFeedsAsync([Wire, Harbor with { Id = "harbor-times" }], T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal([new FeedRename("harbor", "harbor-times", Harbor.Source)], renames.Renamed);
        var state = (await store.GetFeedStatesAsync(CancellationToken.None)).Single(s => s.FeedId == "harbor-times");
        Assert.Equal("\"h1\"", state.ETag);
        Assert.True(state.ItemsStored);
        Assert.Equal(T0.AddMinutes(2), state.NextCheckAt);
        Assert.Equal(0, (await store.SaveFetchAsync(State(Harbor with { Id = "harbor-times" }), [Story("guid:1", "One", "harbor-times")], EditedStoryPolicy.Ignore, CancellationToken.None)).New);
    }

    [Fact]
    public async Task SyncFeedsAsync_NewFeedGivenARenamedFeedsOldId_SharesNoStoryKeysWithIt()
    {
        var renamed = Harbor with { Id = "harbor-times" };
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SyncFeedsAsync([renamed], T0.AddMinutes(1), CancellationToken.None);
        var other = new Feed("harbor", new Uri("https://harbor.example/opinion.xml"), null, [], null);

        Assert.Same(FeedRenames.None, await store.SyncFeedsAsync([renamed, other], T0.AddMinutes(2), CancellationToken.None));
        var added = await store.SaveFetchAsync(State(other), [Story("guid:1", "Opinion one")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var known = await store.SaveFetchAsync(State(renamed), [Story("guid:1", "One", "harbor-times")], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal(1, added.New);
        Assert.Equal(StoriesSaved.None, known);
        Assert.Equal([("harbor-times", "One"), ("harbor", "Opinion one")], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => (s.FeedId, s.Title)));
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(DISTINCT key_seed) FROM feeds"));
    }

    [Fact]
    public async Task SyncFeedsAsync_TwoRemovedFeedsHadTheUrl_RenamesNeither_TheNewIdIsANewFeed()
    {
        await store.SyncFeedsAsync([Harbor, Harbor with { Id = "harbor-copy" }], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor, etag: "\"h1\""), [Story("guid:1", "One")], EditedStoryPolicy.Ignore, CancellationToken.None);

        var renames = await store.SyncFeedsAsync([Harbor with { Id = "harbor-times" }], T0.AddMinutes(1), CancellationToken.None);

        Assert.Empty(renames.Renamed);
        var ambiguous = Assert.Single(renames.Ambiguous);
        Assert.Equal(["harbor-times"], ambiguous.NewIds);
        Assert.Equal(["harbor", "harbor-copy"], ambiguous.RemovedIds);
        Assert.Equal(new FeedState("harbor-times", Harbor.Source, null, null, null, null, T0.AddMinutes(1), 0, null), Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)));
        Assert.Equal("harbor", Assert.Single(await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).FeedId);
    }

    [Fact]
    public async Task SyncFeedsAsync_OldIdStillConfigured_RenamesNothing_TheNewIdIsANewFeed()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        await store.SaveStateAsync(State(Harbor, etag: "\"h1\""), CancellationToken.None);

        var renames = await store.SyncFeedsAsync([Harbor, Harbor with { Id = "harbor-times" }], T0.AddMinutes(1), CancellationToken.None);

        Assert.Empty(renames.Renamed);
        Assert.Equal(["harbor"], Assert.Single(renames.Ambiguous).ConfiguredIds);
        var states = await store.GetFeedStatesAsync(CancellationToken.None);
        Assert.Equal([("harbor", "\"h1\""), ("harbor-times", null)], states.Select(s => (s.FeedId, s.ETag)));
    }

    [Fact]
    public async Task SyncFeedsAsync_TwoFeedsSwapTheirIds_EachKeepsItsStoriesKeysAndState()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor, etag: "\"h1\""), [Story("guid:1", "Harbor one")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire, etag: "\"w1\""), [Story("guid:1", "Wire one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var harborNowWire = Harbor with { Id = "wire" };
        var wireNowHarbor = Wire with { Id = "harbor" };

        var renames = await store.SyncFeedsAsync([harborNowWire, wireNowHarbor], T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal([new FeedRename("harbor", "wire", Harbor.Source), new FeedRename("wire", "harbor", Wire.Source)], renames.Renamed);
        Assert.Equal([("harbor", Wire.Source, "\"w1\""), ("wire", Harbor.Source, "\"h1\"")], (await store.GetFeedStatesAsync(CancellationToken.None)).Select(s => (s.FeedId, s.Source, s.ETag)));
        Assert.Equal([("wire", "Harbor one"), ("harbor", "Wire one")], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => (s.FeedId, s.Title)));
        // Each feed's items are known under its new id: nothing is new.
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(harborNowWire), [Story("guid:1", "Harbor one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None));
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(wireNowHarbor), [Story("guid:1", "Wire one")], EditedStoryPolicy.Ignore, CancellationToken.None));
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(*) FROM feeds"));

        // And back again.
        Assert.Equal(2, (await store.SyncFeedsAsync([Harbor, Wire], T0.AddMinutes(2), CancellationToken.None)).Renamed.Count);
        Assert.Equal([("harbor", "Harbor one"), ("wire", "Wire one")], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => (s.FeedId, s.Title)));
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "Harbor one")], EditedStoryPolicy.Ignore, CancellationToken.None));
    }

    [Fact]
    public async Task SyncFeedsAsync_FeedRenamedAndItsOldIdGivenToAnotherUrl_RenamesIt_AndTheOtherIsANewFeedWithAKeySeedOfItsOwn()
    {
        await store.SyncFeedsAsync([Wire], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire, etag: "\"w1\""), [Story("guid:1", "Wire one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var newswire = Wire with { Id = "newswire" };
        var opinion = new Feed("wire", new Uri("https://wire.example/opinion.atom"), null, [], null);

        var renames = await store.SyncFeedsAsync([newswire, opinion], T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal([new FeedRename("wire", "newswire", Wire.Source)], renames.Renamed);
        Assert.Empty(renames.Ambiguous);
        var states = await store.GetFeedStatesAsync(CancellationToken.None);
        Assert.Equal([("newswire", Wire.Source, "\"w1\""), ("wire", opinion.Source, null)], states.Select(s => (s.FeedId, s.Source, s.ETag)));
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(newswire), [Story("guid:1", "Wire one", "newswire")], EditedStoryPolicy.Ignore, CancellationToken.None));
        Assert.Equal(1, (await store.SaveFetchAsync(State(opinion), [Story("guid:1", "Opinion one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None)).New);
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(DISTINCT key_seed) FROM feeds"));
    }

    [Fact]
    public async Task SyncFeedsAsync_RenamedToTheIdOfARemovedFeed_RenamesIt_AndArchivesTheRemovedFeedsRowWithItsStoriesAndKeys()
    {
        var gazette = new Feed("old", new Uri("https://gazette.example/rss"), null, [], null);
        await store.SyncFeedsAsync([gazette], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(gazette), [Story("guid:1", "Gazette one", "old")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SyncFeedsAsync([Wire], T0.AddMinutes(1), CancellationToken.None);
        await store.SaveFetchAsync(State(Wire, etag: "\"w1\""), [Story("guid:1", "Wire one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var renamed = Wire with { Id = "old" };

        var renames = await store.SyncFeedsAsync([renamed], T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal([new FeedRename("wire", "old", Wire.Source)], renames.Renamed);
        var archive = Assert.Single(renames.Archived).NewId;
        Assert.StartsWith("old~removed-", archive, StringComparison.Ordinal);
        Assert.Equal([("old", "\"w1\"")], (await store.GetFeedStatesAsync(CancellationToken.None)).Select(s => (s.FeedId, s.ETag)));
        Assert.Equal([(archive, "Gazette one"), ("old", "Wire one")], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => (s.FeedId, s.Title)));
        Assert.Equal(0L, await database.ScalarAsync<long>($"SELECT active FROM feeds WHERE id = '{archive}'"));
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(renamed), [Story("guid:1", "Wire one", "old")], EditedStoryPolicy.Ignore, CancellationToken.None));

        // The removed feed's Url configured again finds its archived row: its items are known.
        var back = gazette with { Id = "gazette" };
        Assert.Equal([new FeedRename(archive, "gazette", gazette.Source)], (await store.SyncFeedsAsync([renamed, back], T0.AddMinutes(3), CancellationToken.None)).Renamed);
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(back), [Story("guid:1", "Gazette one", "gazette")], EditedStoryPolicy.Ignore, CancellationToken.None));
    }

    [Fact]
    public async Task SyncFeedsAsync_RemovedFeedsWebPageAddedBackAsTheFeedItAdvertises_UnderAnotherId_IsRenamed()
    {
        // feeds remove wire, then feeds add PAGE --id newswire: the file now has the advertised feed's Url.
        var page = Wire with { Source = new Uri("https://wire.example/news/") };
        await store.SyncFeedsAsync([page], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(page) with { FetchUri = Wire.Source }, [Story("guid:1", "Wire one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SyncFeedsAsync([], T0.AddMinutes(1), CancellationToken.None);
        var newswire = Wire with { Id = "newswire" };

        var renames = await store.SyncFeedsAsync([newswire], T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal([new FeedRename("wire", "newswire", Wire.Source)], renames.Renamed);
        var state = Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None));
        Assert.Equal(("newswire", Wire.Source), (state.FeedId, state.Source));
        Assert.Equal(StoriesSaved.None, await store.SaveFetchAsync(State(newswire), [Story("guid:1", "Wire one", "newswire")], EditedStoryPolicy.Ignore, CancellationToken.None));
    }

    [Fact]
    public async Task SyncFeedsAsync_FeedRenamed_TheClustersOfItsStoriesKeepItAsTheirMainSource()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One"), Story("guid:2", "Two")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire), [Story("guid:3", "Three", feedId: "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        // Cluster 1 holds harbor's two stories, cluster 2 wire's one; cluster 3 was merged into 1.
        await ExecuteAsync(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"""
            INSERT INTO clusters (id, version, size, merged_into, centroid, main_source, main_source_lead) VALUES
                (1, 4, 1, NULL, x'', {MainSource.KeyOf("harbor")}, 1), (2, 1, 1, NULL, x'', {MainSource.KeyOf("wire")}, 1), (3, 1, 1, 1, x'', {MainSource.KeyOf("harbor")}, 1);
            INSERT INTO cluster_members (story_id, cluster_id) SELECT id, CASE title WHEN 'One' THEN 1 WHEN 'Two' THEN 3 ELSE 2 END FROM stories;
            """));
        var version = await database.ScalarAsync<long>("SELECT version FROM cluster_stats");

        await store.SyncFeedsAsync([Harbor with { Id = "harbor-times" }, Wire], T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(MainSource.KeyOf("harbor-times"), await database.ScalarAsync<long>("SELECT main_source FROM clusters WHERE id = 1"));
        Assert.Equal(5, await database.ScalarAsync<long>("SELECT version FROM clusters WHERE id = 1"));
        Assert.Equal(MainSource.KeyOf("wire"), await database.ScalarAsync<long>("SELECT main_source FROM clusters WHERE id = 2"));
        Assert.Equal(version + 1, await database.ScalarAsync<long>("SELECT version FROM cluster_stats"));
    }

    [Fact]
    public async Task GetUnconfiguredFeedsAsync_RemovedAndArchivedFeeds_AreListedWithTheirStoryCounts_ConfiguredOnesAreNot()
    {
        var gazette = new Feed("old", new Uri("https://gazette.example/news/"), null, [], null);
        var gazetteFeed = new Uri("https://gazette.example/rss");
        var quiet = new Feed("quiet", new Uri("https://quiet.example/rss"), null, [], null);
        await store.SyncFeedsAsync([Harbor, Ledger, gazette, quiet], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "Harbor one")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Ledger), [Story("guid:1", "Ledger one", "ledger"), Story("guid:2", "Ledger two", "ledger")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(
            State(gazette) with { FetchUri = gazetteFeed, LastSuccessAt = T0.AddMinutes(-5) },
            [Story("guid:1", "Gazette one", "old"), Story("guid:2", "Gazette two", "old"), Story("guid:3", "Gazette three", "old")],
            EditedStoryPolicy.Ignore,
            CancellationToken.None);
        Assert.Empty(await store.GetUnconfiguredFeedsAsync([Harbor.Id, Ledger.Id, gazette.Id, quiet.Id], CancellationToken.None));

        // Ledger and a feed never fetched removed from the configuration; Wire renamed to the Id of
        // the removed gazette, whose row is archived.
        await store.SyncFeedsAsync([Harbor, Wire], T0.AddMinutes(1), CancellationToken.None);
        await store.SaveFetchAsync(State(Wire), [Story("guid:1", "Wire one", "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var archive = Assert.Single((await store.SyncFeedsAsync([Harbor, Wire with { Id = "old" }], T0.AddMinutes(2), CancellationToken.None)).Archived).NewId;
        var unconfigured = await store.GetUnconfiguredFeedsAsync([Harbor.Id, "old"], CancellationToken.None);

        Assert.Equal(
            [
                new UnconfiguredFeed(new StoredFeed("ledger", Ledger.Source), 2, T0),
                new UnconfiguredFeed(new StoredFeed(archive, gazette.Source, gazetteFeed), 3, T0.AddMinutes(-5)),
                new UnconfiguredFeed(new StoredFeed("quiet", quiet.Source), 0, null),
            ],
            unconfigured);
        Assert.Equal([false, true, false], unconfigured.Select(f => f.Archived));

        // The Ids given are what counts, not what the store last applied: a feed just removed from the file is listed.
        Assert.Equal(["ledger", "old", archive, "quiet"], (await store.GetUnconfiguredFeedsAsync([Harbor.Id], CancellationToken.None)).Select(f => f.Feed.Id));
    }

    [Fact]
    public async Task SaveFetchAsync_SameStoriesTwice_InsertsThemOnce()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var state = State(Harbor, nextCheckAt: T0.AddMinutes(30));

        var first = await store.SaveFetchAsync(state, [Story("guid:1", "One"), Story("guid:2", "Two")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var second = await store.SaveFetchAsync(state, [Story("guid:1", "One"), Story("guid:2", "Two (edited)")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var third = await store.SaveFetchAsync(state, [Story("guid:2", "Two"), Story("guid:3", "Three")], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal(2, first.New);
        Assert.Equal(0, second.New);
        Assert.Equal(1, third.New);
        var stories = await store.GetStoriesAfterAsync(0, 100, CancellationToken.None);
        Assert.Equal(["One", "Two", "Three"], stories.Select(s => s.Title));
    }

    [Fact]
    public async Task SaveFetchAsync_StoryHashedTheOldWay_IsNoEditUntilItsTextChangesAgain()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One")], EditedStoryPolicy.IncludeOnce, CancellationToken.None);
        // What the SHA-256 content hash of an earlier version left: 32 hex digits.
        await using (var connection = await database.Connections.OpenAsync(CancellationToken.None))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE stories SET content_hash = '0123456789abcdef0123456789abcdef'";
            await command.ExecuteNonQueryAsync();
        }

        var rehashed = await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One")], EditedStoryPolicy.IncludeOnce, CancellationToken.None);
        var edited = await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One, corrected")], EditedStoryPolicy.IncludeOnce, CancellationToken.None);

        Assert.Equal(new StoriesSaved(0, 0, 0), rehashed);
        Assert.Equal(new StoriesSaved(0, 1, 0), edited);
        Assert.Equal(16, (await database.ScalarAsync<string>("SELECT content_hash FROM stories")).Length);
    }

    [Fact]
    public async Task SaveFetchAsync_StoryOfAnUnknownFeed_FailsAloneAndStoresNothingOfIt()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);

        var orphan = store.SaveFetchAsync(State(Wire), [Story("guid:1", "Orphan", feedId: "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var good = store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One")], EditedStoryPolicy.Ignore, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => orphan);
        Assert.Contains("FOREIGN KEY", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await good).New);
        Assert.Equal(["One"], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => s.Title));
    }

    [Fact]
    public async Task SaveFetchAsync_OneKeyTwiceInAFeedsFirstFetch_StoresOneStory()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);

        var saved = await store.SaveFetchAsync(State(Harbor), [Story("hash:1", "One"), Story("hash:1", "One"), Story("guid:2", "Two")], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal(2, saved.New);
        Assert.Equal(["One", "Two"], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => s.Title));
    }

    [Fact]
    public async Task SaveFetchAsync_SequencesKeepGrowingAcrossFetchesAndFeeds()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);

        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One"), Story("guid:2", "Two")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire), [Story("guid:1", "Wire one", feedId: "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor), [Story("guid:3", "Three")], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal([1L, 2L, 3L, 4L], (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Select(s => s.Sequence));
    }

    [Fact]
    public async Task SaveFetchAsync_SameKeyInAnotherFeed_IsADifferentStory()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);

        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "Harbor one")], EditedStoryPolicy.Ignore, CancellationToken.None);
        var added = await store.SaveFetchAsync(State(Wire), [Story("guid:1", "Wire one", feedId: "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal(1, added.New);
        Assert.Equal(2, (await store.GetStoriesAfterAsync(0, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveFetchAsync_NewState_IsStored_WithTheFeedsFirstItemsNoted()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var state = new FeedState("harbor", Harbor.Source, "\"abc\"", "Tue, 10 Mar 2026 11:59:00 GMT", T0.AddSeconds(3), T0.AddSeconds(3), T0.AddMinutes(30).AddTicks(1234567), 0, null);
        Assert.False(Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)).ItemsStored);

        await store.SaveFetchAsync(state, [Story("guid:1", "One")], EditedStoryPolicy.Ignore, CancellationToken.None);

        Assert.Equal(state with { ItemsStored = true }, Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task SaveStateAsync_Failure_IsStored()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var state = new FeedState("harbor", Harbor.Source, null, null, T0, null, T0.AddHours(2), 3, "Timeout: no answer in 30 s");

        await store.SaveStateAsync(state, CancellationToken.None);

        Assert.Equal(state, Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task SaveAlertSentAsync_ChangesTheFlagAlone()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var state = new FeedState("harbor", Harbor.Source, "\"h1\"", null, T0, T0, T0.AddHours(1), 0, null) { GuidsUnstable = true, AlertSent = true };
        await store.SaveFetchAsync(state, [Story("guid:1", "One")], EditedStoryPolicy.Ignore, CancellationToken.None);

        await store.SaveAlertSentAsync("harbor", false, CancellationToken.None);

        Assert.Equal(state with { ItemsStored = true, AlertSent = false }, Assert.Single(await store.GetFeedStatesAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task SaveFetchAsync_StoryFields_RoundTrip()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var published = new DateTimeOffset(2026, 3, 10, 8, 30, 0, TimeSpan.FromHours(8));
        var story = new NewStory("harbor", ["guid:1"], "网络审查 & more", "https://harbor.example/news/1", "Summary text", "Li Wei", ["Shipping", "天气"], published, published.AddHours(1), T0);

        await store.SaveFetchAsync(State(Harbor), [story], EditedStoryPolicy.Ignore, CancellationToken.None);

        var stored = Assert.Single(await store.GetStoriesAfterAsync(0, 10, CancellationToken.None));
        Assert.Equal("harbor", stored.FeedId);
        Assert.Equal("网络审查 & more", stored.Title);
        Assert.Equal("https://harbor.example/news/1", stored.Link);
        Assert.Equal("Summary text", stored.Summary);
        Assert.Equal("Li Wei", stored.Author);
        Assert.Equal(["Shipping", "天气"], stored.Categories);
        Assert.Equal(published, stored.PublishedAt);
        Assert.Equal(TimeSpan.Zero, stored.PublishedAt!.Value.Offset);
        Assert.Equal(T0, stored.FirstSeenAt);
    }

    [Fact]
    public async Task GetDueFeedsAsync_HonoursNextCheckAtOrderAndLimit()
    {
        await store.SyncFeedsAsync([Harbor, Wire, Ledger], T0, CancellationToken.None);
        await store.SaveStateAsync(State(Harbor, nextCheckAt: T0.AddMinutes(10)), CancellationToken.None);
        await store.SaveStateAsync(State(Wire, nextCheckAt: T0.AddMinutes(5)), CancellationToken.None);
        await store.SaveStateAsync(State(Ledger, nextCheckAt: T0.AddMinutes(20)), CancellationToken.None);

        Assert.Empty(await store.GetDueFeedsAsync(T0.AddMinutes(4), DateTimeOffset.MaxValue, 10, CancellationToken.None));
        Assert.Equal(["wire", "harbor"], (await store.GetDueFeedsAsync(T0.AddMinutes(10), DateTimeOffset.MaxValue, 10, CancellationToken.None)).Select(f => f.FeedId));
        Assert.Equal(["wire"], (await store.GetDueFeedsAsync(T0.AddMinutes(30), DateTimeOffset.MaxValue, 1, CancellationToken.None)).Select(f => f.FeedId));
    }

    [Fact]
    public async Task GetFeedsDueAfterAsync_GivesTheActiveFeedsDueLater_InOrder()
    {
        await store.SyncFeedsAsync([Harbor, Wire, Ledger], T0, CancellationToken.None);
        await store.SaveStateAsync(State(Harbor, nextCheckAt: T0.AddDays(3)), CancellationToken.None);
        await store.SaveStateAsync(State(Wire, nextCheckAt: T0.AddDays(2)), CancellationToken.None);
        await store.SaveStateAsync(State(Ledger, nextCheckAt: T0.AddHours(6)), CancellationToken.None);

        Assert.Equal(["wire", "harbor"], (await store.GetFeedsDueAfterAsync(T0.AddDays(1), CancellationToken.None)).Select(f => f.FeedId));
        await store.SyncFeedsAsync([Wire, Ledger], T0, CancellationToken.None);
        Assert.Equal(["wire"], (await store.GetFeedsDueAfterAsync(T0.AddDays(1), CancellationToken.None)).Select(f => f.FeedId));
    }

    [Fact]
    public async Task GetFeedsCheckedAfterAsync_GivesFeedsCheckedLater_AndThoseNeverCheckedDueLater()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0.AddMinutes(30), CancellationToken.None);
        await store.SyncFeedsAsync([Harbor, Wire, Ledger], T0.AddMinutes(5), CancellationToken.None);
        await store.SaveStateAsync(State(Harbor) with { LastCheckedAt = T0.AddMinutes(20) }, CancellationToken.None);
        await store.SaveStateAsync(State(Ledger) with { LastCheckedAt = T0.AddMinutes(-5), NextCheckAt = T0.AddHours(3) }, CancellationToken.None);

        // harbor checked after T0, wire never checked and due after it; ledger checked before, however late it is due.
        Assert.Equal(["harbor", "wire"], (await store.GetFeedsCheckedAfterAsync(T0.AddMinutes(10), CancellationToken.None)).Select(f => f.FeedId));
        Assert.Empty(await store.GetFeedsCheckedAfterAsync(T0.AddMinutes(30), CancellationToken.None));
    }

    [Fact]
    public async Task SaveStatesAsync_RecordsEveryState()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
        var states = new[] { State(Harbor, etag: "\"h\"", nextCheckAt: T0.AddHours(1)), State(Wire, nextCheckAt: T0.AddHours(2)) with { LastCheckedAt = T0.AddMinutes(-3) } };

        await store.SaveStatesAsync(states, CancellationToken.None);

        Assert.Equal(states, await store.GetFeedStatesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RecordPollAsync_IsWhatGetLastPollAsyncReads_ApartFromThePrune()
    {
        Assert.Null(await store.GetLastPollAsync(CancellationToken.None));

        await store.RecordPollAsync(T0.AddMinutes(30), CancellationToken.None);
        await store.RecordPollAsync(T0, CancellationToken.None);
        await store.RecordPruneAsync(T0.AddDays(1), CancellationToken.None);

        Assert.Equal(T0, await store.GetLastPollAsync(CancellationToken.None));
        Assert.Equal(T0.AddDays(1), await store.GetLastPruneAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetDueFeedsAsync_NextCheckLaterThanAnyScheduleSets_IsDueNow()
    {
        await store.SyncFeedsAsync([Harbor, Wire, Ledger], T0, CancellationToken.None);
        await store.SaveStateAsync(State(Harbor, nextCheckAt: T0.AddYears(1)), CancellationToken.None);
        await store.SaveStateAsync(State(Wire, nextCheckAt: T0.AddHours(6)), CancellationToken.None);
        await store.SaveStateAsync(State(Ledger, nextCheckAt: T0.AddMinutes(5)), CancellationToken.None);

        var due = await store.GetDueFeedsAsync(T0.AddMinutes(10), latestScheduledCheck: T0.AddDays(2), 10, CancellationToken.None);

        Assert.Equal(["ledger", "harbor"], due.Select(f => f.FeedId));
    }

    [Fact]
    public async Task GetStoriesAfterAsync_ReturnsIncreasingSequencesAfterTheCutoff()
    {
        await store.SyncFeedsAsync([Harbor, Wire], T0, CancellationToken.None);
        await store.SaveFetchAsync(State(Harbor), [Story("guid:1", "One"), Story("guid:2", "Two")], EditedStoryPolicy.Ignore, CancellationToken.None);
        await store.SaveFetchAsync(State(Wire), [Story("guid:3", "Three", feedId: "wire"), Story("guid:4", "Four", feedId: "wire")], EditedStoryPolicy.Ignore, CancellationToken.None);

        var all = await store.GetStoriesAfterAsync(0, 100, CancellationToken.None);
        var page = await store.GetStoriesAfterAsync(all[0].Sequence, 2, CancellationToken.None);

        Assert.Equal(["One", "Two", "Three", "Four"], all.Select(s => s.Title));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
        Assert.Equal(["Two", "Three"], page.Select(s => s.Title));
        Assert.Empty(await store.GetStoriesAfterAsync(all[^1].Sequence, 100, CancellationToken.None));
    }

    [Fact]
    public async Task GetStoriesToClusterAfterIdAsync_ReadsFeedTextAndDates_OfDeliverableStoriesInIdOrder()
    {
        await store.SyncFeedsAsync([Harbor], T0, CancellationToken.None);
        var published = new DateTimeOffset(2026, 3, 10, 8, 30, 0, TimeSpan.FromHours(8));
        await store.SaveFetchAsync(
            State(Harbor),
            [
                Story("guid:1", "One") with { Summary = "网络审查 first", PublishedAt = published },
                Story("guid:2", "Archive") with { HeldBack = true },
                Story("guid:3", "Three"),
                Story("guid:4", "Four"),
            ],
            EditedStoryPolicy.Ignore,
            CancellationToken.None);

        var all = await store.GetStoriesToClusterAfterIdAsync(0, 100, CancellationToken.None);
        var page = await store.GetStoriesToClusterAfterIdAsync(all[0].Id, 1, CancellationToken.None);

        // The held-back story (an archive item of a new feed) is never delivered, so never clustered.
        Assert.Equal(["One", "Three", "Four"], all.Select(s => s.Title));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Id < p.Second.Id));
        Assert.Equal(new StoryToCluster(all[0].Id, Harbor.Id, "One", "网络审查 first", published, T0), all[0]);
        Assert.Null(all[1].PublishedAt);
        Assert.Equal(["Three"], page.Select(s => s.Title));
        Assert.Empty(await store.GetStoriesToClusterAfterIdAsync(all[^1].Id, 100, CancellationToken.None));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await database.Connections.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static FeedState State(Feed feed, string? etag = null, string? lastModified = null, DateTimeOffset? nextCheckAt = null) =>
        new(feed.Id, feed.Source, etag, lastModified, T0, T0, nextCheckAt ?? T0.AddMinutes(30), 0, null);

    private static NewStory Story(string key, string title, string feedId = "harbor") =>
        new(feedId, [key], title, $"https://{feedId}.example/{key}", "summary", null, [], null, null, T0);
}
