using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Tests.Storage;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>The clusterer on the real SQLite index, in a temporary database file.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the index through IAsyncLifetime.DisposeAsync.")]
public sealed class StoryClustererTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private SqliteTestDatabase database = null!;
    private SqliteStoryClusterIndex index = null!;
    private long nextStoryId;

    public async Task InitializeAsync()
    {
        database = await SqliteTestDatabase.CreateAsync();
        index = new SqliteStoryClusterIndex(database.Connections);
    }

    public async Task DisposeAsync()
    {
        await index.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task AssignAsync_ChineseStoriesAboutTheSameCensorshipRules_JoinOneCluster()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        await SeedUnrelatedAsync(clusterer);

        var first = await AssignAsync(clusterer, "国家网信办发布新规 加强网络内容审查", "新规要求平台对用户发布的内容进行审查。", T0);
        var second = await AssignAsync(clusterer, "网信办新规出台：网络内容审查全面加强", null, T0.AddHours(3));
        var other = await AssignAsync(clusterer, "上海股市周一收盘大涨 科技股领涨", "沪指上涨百分之二。", T0.AddHours(4));

        Assert.True(first.IsNewCluster);
        Assert.False(second.IsNewCluster);
        Assert.Equal(first.ClusterId, second.ClusterId);
        Assert.True(other.IsNewCluster);
    }

    [Fact]
    public async Task AssignAsync_StoriesOfOneWord_StayApart_ButOneJoinsAClusterThatSaysMore()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        await SeedUnrelatedAsync(clusterer);

        // Photo posts: the service's placeholder title, and feeds' own.
        var untitled = await AssignAsync(clusterer, "(untitled)", null, T0);
        var againUntitled = await AssignAsync(clusterer, "(untitled)", "", T0.AddHours(1));
        var photo = await AssignAsync(clusterer, "Untitled", null, T0.AddHours(2));
        var otherPhoto = await AssignAsync(clusterer, "Untitled", null, T0.AddHours(3));
        var series = await AssignAsync(clusterer, "Cosmos premiere draws big ratings for Fox", null, T0.AddHours(4));
        var oneWordHeadline = await AssignAsync(clusterer, "COSMOS Then and Now", null, T0.AddHours(5));

        Assert.All([untitled, againUntitled, photo, otherPhoto], assignment => Assert.True(assignment.IsNewCluster));
        Assert.Equal(series.ClusterId, oneWordHeadline.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_Explaining_SaysTheSimilarityNeededAndTheNearestMissed_WithoutChangingWhereStoriesGo()
    {
        var explaining = new StoryClusterer(index, new ClusteringOptions(), explain: true);
        await SeedUnrelatedAsync(explaining);

        var first = await AssignAsync(explaining, "国家网信办发布新规 加强网络内容审查", "新规要求平台对用户发布的内容进行审查。", T0);
        var copy = await AssignAsync(explaining, "网信办新规出台：网络内容审查全面加强", null, T0.AddHours(3));
        // Shares 网信办 and 新规 with the cluster, and little else.
        var missed = await AssignAsync(explaining, "网信办新规涉及网约车平台", "交通部门同日发布网约车管理办法。", T0.AddHours(4));

        Assert.Equal(first.ClusterId, copy.ClusterId);
        Assert.NotNull(copy.Needed);
        Assert.InRange(copy.Needed!.Value, 0.22, copy.Similarity);
        Assert.Null(copy.Nearest);
        Assert.True(missed.IsNewCluster);
        Assert.NotNull(missed.Nearest);
        Assert.InRange(missed.Nearest!.Value, 0.01, missed.Needed!.Value - 1e-9);

        // Without explaining, the same stories go to the same clusters and nothing is said.
        await using var database2 = await SqliteTestDatabase.CreateAsync();
        await using var index2 = new SqliteStoryClusterIndex(database2.Connections);
        var placing = new StoryClusterer(index2, new ClusteringOptions());
        await SeedUnrelatedAsync(placing);
        var plain = new[]
        {
            await AssignAsync(placing, "国家网信办发布新规 加强网络内容审查", "新规要求平台对用户发布的内容进行审查。", T0),
            await AssignAsync(placing, "网信办新规出台：网络内容审查全面加强", null, T0.AddHours(3)),
            await AssignAsync(placing, "网信办新规涉及网约车平台", "交通部门同日发布网约车管理办法。", T0.AddHours(4)),
        };
        Assert.Equal([true, false, true], plain.Select(a => a.IsNewCluster));
        Assert.Equal(copy.Similarity, plain[1].Similarity, 12);
        Assert.All(plain, a => Assert.Null(a.Needed));
        Assert.All(plain, a => Assert.Null(a.Nearest));
    }

    [Fact]
    public async Task AssignAsync_Explaining_AStoryThatStartsACluster_NamesTheCandidateItCameNearestToJoining()
    {
        // The follow-up is most like its own feed's report, but a cluster of its own feed needs 0.65;
        // the other outlet's ferry story, which it mentions, it misses by less.
        var clusterer = new StoryClusterer(index, new ClusteringOptions(), explain: true);
        var time = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "Northport mayor declares flood emergency after record storm", "Mayor Ellen Vance declared a state of emergency in Northport as the river burst its banks.", time) { Source = "X" }, CancellationToken.None);
        await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "Ferry services suspended across the strait", "Gale force winds halted ferry crossings between Southgate and the islands.", time.AddHours(1)) { Source = "Y" }, CancellationToken.None);
        var followUp = await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "Northport flood emergency: mayor Vance orders evacuations, ferry services suspended", "Ellen Vance ordered evacuations as the river rose; crossings were halted.", time.AddHours(2)) { Source = "X" }, CancellationToken.None);

        Assert.True(followUp.IsNewCluster);
        Assert.True(followUp.Needed < new ClusteringOptions().SameSourceThreshold, $"needed {followUp.Needed}: the bar of the feed's own cluster, which it missed by more");
        Assert.InRange(followUp.Nearest!.Value, followUp.Needed!.Value - 0.05, followUp.Needed.Value - 1e-9);
    }

    [Fact]
    public async Task AssignAsync_TwoQuakesOfOneRegionOnASmallDesk_StayApart()
    {
        // ECB+ (the dedup DEV set): a 4.4 quake near The Geysers on a Sunday, and a 4.6 one near
        // Healdsburg on a Thursday, on a desk of four stories. A background taken less one story of
        // the Sunday's cluster (tried, and reverted) let the Thursday's "4-Plus Earthquake" join it.
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        var sunday = await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "A light earthquake has struck Northern California, and there are no reports of injuries or damage.", "The U.S. Geological Survey says the 4.4-magnitude temblor on Sunday at 9:27 a.m. was centered 23 miles north of Santa Rosa, and two miles from The Geysers.", null) { Source = "" }, CancellationToken.None);
        await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "California Earthquake Today 2013 Erupts Outside Sacramento", "A California earthquake today 2013 has erupted outside Santa Rosa. The strong and shallow quake began in the predawn morning hours today Thursday, March 14,2013.", null) { Source = "news.lalate.com" }, CancellationToken.None);
        await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "4.6-magnitude earthquake shakes Lake County", "Lake County's Cobb Mountain community was shaken awake early Thursday morning by a magnitude 4.6 earthquake that startled even folks accustomed to seismic activity because of its size. While shakers around magnitude 2 and 3 are common to the area, Thursday's 2:09 a.m. jolt lasted longer and proved stronger than usual, residents said.", null) { Source = "pressdemocrat.com" }, CancellationToken.None);
        var thursday = await clusterer.AssignAsync(new StoryForClustering(++nextStoryId, "4-Plus Earthquake Recorded Near Healdsburg", "At a Richter magnitude of 4.6, this one should have awakened sleepers An earthquake with a preliminary magnitude of 4.6 was recorded in the North Bay this morning, according to the U.S. Geological Survey.", null) { Source = "rohnertpark-cotati.patch.com" }, CancellationToken.None);

        Assert.NotEqual(sunday.ClusterId, thursday.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_JapaneseAndKoreanStoriesOfOneEvent_JoinOneCluster()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        await SeedUnrelatedAsync(clusterer);

        var japanese = await AssignAsync(clusterer, "日銀が追加利上げを決定", null, T0);
        var japaneseAgain = await AssignAsync(clusterer, "日銀、追加利上げ決定 金融政策決定会合", null, T0.AddHours(1));
        var korean = await AssignAsync(clusterer, "한국은행 기준금리 동결 결정", null, T0.AddHours(2));
        var koreanAgain = await AssignAsync(clusterer, "한국은행, 기준금리 동결", null, T0.AddHours(3));

        Assert.Equal(japanese.ClusterId, japaneseAgain.ClusterId);
        Assert.Equal(korean.ClusterId, koreanAgain.ClusterId);
        Assert.NotEqual(japanese.ClusterId, korean.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_EnglishCoverageOfTwoEvents_GivesTwoClusters()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        await SeedUnrelatedAsync(clusterer);

        var a1 = await AssignAsync(clusterer, "Chiquita and Fyffes merge to create world's largest banana company", null, T0);
        var b1 = await AssignAsync(clusterer, "Mt. Gox files for US bankruptcy protection", null, T0.AddMinutes(10));
        var a2 = await AssignAsync(clusterer, "Banana giants Chiquita, Fyffes agree to $1.07B merger", null, T0.AddMinutes(20));
        var b2 = await AssignAsync(clusterer, "Bitcoin exchange Mt. Gox seeks bankruptcy protection in US", null, T0.AddMinutes(30));

        Assert.Equal(a1.ClusterId, a2.ClusterId);
        Assert.Equal(b1.ClusterId, b2.ClusterId);
        Assert.NotEqual(a1.ClusterId, b1.ClusterId);
    }

    [Theory]
    [InlineData(71, true)]
    [InlineData(-71, true)]
    [InlineData(73, false)]
    [InlineData(-73, false)]
    public async Task AssignAsync_SameStoryHoursApart_JoinsOnlyWithinTheWindow(int hours, bool joins)
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions { Window = TimeSpan.FromHours(72) });
        const string Title = "Magnitude 6.1 earthquake strikes off the coast of northern Honshu";

        var first = await AssignAsync(clusterer, Title, null, T0);
        var later = await AssignAsync(clusterer, Title, null, T0.AddHours(hours));

        Assert.Equal(joins, later.ClusterId == first.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_UndatedStory_IsComparedWithDatedOnesAndTheyWithIt()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        const string Title = "Tara Reid checks into rehab at Promises treatment center";

        var dated = await AssignAsync(clusterer, Title, null, T0);
        var undated = await AssignAsync(clusterer, Title, null, null);
        var datedLater = await AssignAsync(clusterer, "Tara Reid enters Promises rehab center", null, T0.AddDays(30));

        Assert.Equal(dated.ClusterId, undated.ClusterId);
        Assert.Equal(dated.ClusterId, datedLater.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_Threshold_DecidesWhetherAStoryJoins()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions { Threshold = 0.05 });
        await SeedUnrelatedAsync(clusterer);
        await AssignAsync(clusterer, "Apple releases iOS 7.1 with CarPlay and a fix for reboots", null, T0);
        var joined = await AssignAsync(clusterer, "iOS 7.1 update brings CarPlay to the iPhone", null, T0.AddHours(1));
        Assert.False(joined.IsNewCluster);
        Assert.InRange(joined.Similarity, 0.1, 0.9);

        // The same stories into a fresh index with the threshold just above that similarity.
        await using var other = await SqliteTestDatabase.CreateAsync();
        await using var otherIndex = new SqliteStoryClusterIndex(other.Connections);
        var strict = new StoryClusterer(otherIndex, new ClusteringOptions { Threshold = joined.Similarity + 0.001 });
        nextStoryId = 0;
        await SeedUnrelatedAsync(strict);
        await AssignAsync(strict, "Apple releases iOS 7.1 with CarPlay and a fix for reboots", null, T0);
        var alone = await AssignAsync(strict, "iOS 7.1 update brings CarPlay to the iPhone", null, T0.AddHours(1));
        Assert.True(alone.IsNewCluster);
    }

    [Fact]
    public async Task AssignAsync_SameStoryTwice_ReturnsItsClusterAndChangesNothing()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        var story = new StoryForClustering(7, "Stacy Keibler marries Jared Pobre in Mexico", null, T0);

        var first = await clusterer.AssignAsync(story, CancellationToken.None);
        var again = await clusterer.AssignAsync(story with { Title = "Something else entirely" }, CancellationToken.None);

        Assert.True(again.AlreadyAssigned);
        Assert.Equal(first.ClusterId, again.ClusterId);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT documents FROM cluster_stats"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT size FROM clusters"));
    }

    [Fact]
    public async Task AssignAsync_StoryWithoutWords_StartsItsOwnCluster()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());

        var first = await AssignAsync(clusterer, "!!!", null, T0);
        var second = await AssignAsync(clusterer, "", null, T0);

        Assert.True(first.IsNewCluster);
        Assert.True(second.IsNewCluster);
        Assert.NotEqual(first.ClusterId, second.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_StoryMatchingTwoClustersOfOneEvent_MergesThem()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions { Threshold = 0.2, MergeThreshold = 0.2 });
        await SeedUnrelatedAsync(clusterer);
        var first = await AssignAsync(clusterer, "Malaysia Airlines jet vanishes with 239 aboard", null, T0);
        var second = await AssignAsync(clusterer, "Flight MH370 search widens over the South China Sea", null, T0.AddHours(1));
        Assert.NotEqual(first.ClusterId, second.ClusterId);

        var bridge = await AssignAsync(clusterer, "Search for Malaysia Airlines flight MH370 and its 239 aboard widens", null, T0.AddHours(2));

        Assert.Equal([first.ClusterId == bridge.ClusterId ? second.ClusterId : first.ClusterId], bridge.MergedClusterIds);
        var clusters = await index.GetClustersAsync([nextStoryId - 2, nextStoryId - 1, nextStoryId], CancellationToken.None);
        Assert.Single(clusters.Values.Distinct());
    }

    [Fact]
    public async Task GetClusterStoriesAsync_MembersOfMergedClusters_AreFoundByTheSurvivorOrAnAbsorbedOne_WithinTheSpanAsked()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions { Threshold = 0.2, MergeThreshold = 0.2 });
        await SeedUnrelatedAsync(clusterer);
        var first = await AssignAsync(clusterer, "Malaysia Airlines jet vanishes with 239 aboard", null, T0);
        var firstId = nextStoryId;
        var second = await AssignAsync(clusterer, "Flight MH370 search widens over the South China Sea", null, T0.AddHours(1));
        var secondId = nextStoryId;
        var bridge = await AssignAsync(clusterer, "Search for Malaysia Airlines flight MH370 and its 239 aboard widens", null, T0.AddHours(2));
        var bridgeId = nextStoryId;
        Assert.NotEmpty(bridge.MergedClusterIds);

        var all = await index.GetClusterStoriesAsync([new ClusterSpan(bridge.ClusterId, T0.AddDays(-1), T0.AddDays(1))], CancellationToken.None);
        var firstTwoHours = await index.GetClusterStoriesAsync([new ClusterSpan(bridge.ClusterId, T0, T0.AddHours(2))], CancellationToken.None);
        // A caller that read the absorbed cluster before the merge gets the whole cluster as it is now, under the id it knows.
        var absorbedId = Assert.Single(bridge.MergedClusterIds);
        var absorbed = await index.GetClusterStoriesAsync([new ClusterSpan(absorbedId, T0.AddDays(-1), T0.AddDays(1))], CancellationToken.None);

        Assert.Equal(new Dictionary<long, long> { [firstId] = bridge.ClusterId, [secondId] = bridge.ClusterId, [bridgeId] = bridge.ClusterId }, all);
        Assert.Equal([firstId, secondId], firstTwoHours.Keys.Order());
        Assert.Equal(new Dictionary<long, long> { [firstId] = absorbedId, [secondId] = absorbedId, [bridgeId] = absorbedId }, absorbed);
        Assert.NotEqual(first.ClusterId, second.ClusterId);
    }

    [Fact]
    public async Task AssignAllAsync_StoriesDatedAtTheEndsOfTime_ArePlaced_AndClusteringGoesOn()
    {
        // A feed's empty date read as the year 1, or a far-future one: the window around them
        // reaches past what a DateTimeOffset holds.
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        var stories = new[]
        {
            new StoryForClustering(1, "Malaysia Airlines flight MH370 missing over the South China Sea", null, DateTimeOffset.MinValue),
            new StoryForClustering(2, "Search for missing Malaysia Airlines flight MH370 widens", null, DateTimeOffset.MaxValue),
            new StoryForClustering(3, "Search for missing Malaysia Airlines flight MH370 widens again", null, T0),
        };

        var assignments = await clusterer.AssignAllAsync(stories, CancellationToken.None);

        Assert.Equal(3, assignments.Count);
        Assert.Equal(3, (await index.GetClustersAsync([1, 2, 3], CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AssignAsync_MergeThresholdOne_NeverMerges()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions { Threshold = 0.2, MergeThreshold = 1 });
        await SeedUnrelatedAsync(clusterer);
        var first = await AssignAsync(clusterer, "Malaysia Airlines jet vanishes with 239 aboard", null, T0);
        var second = await AssignAsync(clusterer, "Flight MH370 search widens over the South China Sea", null, T0.AddHours(1));

        var bridge = await AssignAsync(clusterer, "Search for Malaysia Airlines flight MH370 and its 239 aboard widens", null, T0.AddHours(2));

        Assert.Empty(bridge.MergedClusterIds);
        Assert.Contains(bridge.ClusterId, new[] { first.ClusterId, second.ClusterId });
        Assert.Equal(2, (await index.GetClustersAsync([nextStoryId - 2, nextStoryId - 1], CancellationToken.None)).Values.Distinct().Count());
    }

    [Fact]
    public async Task GetClustersAsync_AssignedStories_AreFoundByStoryId()
    {
        var clusterer = new StoryClusterer(index, new ClusteringOptions());
        var a = await clusterer.AssignAsync(new StoryForClustering(11, "Malaysia Airlines flight MH370 missing over the South China Sea", null, T0), CancellationToken.None);
        var b = await clusterer.AssignAsync(new StoryForClustering(12, "Search for missing Malaysia Airlines flight MH370 widens", null, T0.AddHours(2)), CancellationToken.None);

        var clusters = await index.GetClustersAsync([11, 12, 13], CancellationToken.None);

        Assert.Equal(new Dictionary<long, long> { [11] = a.ClusterId, [12] = b.ClusterId }, clusters);
        Assert.Equal(a.ClusterId, b.ClusterId);
    }

    [Fact]
    public async Task AssignAsync_ClusterChangedMeanwhile_ReadsAgainAndJoins()
    {
        var fake = new FakeClusterIndex { ConflictsLeft = 1 };
        var centroid = ClusterCentroid.Empty.Add(TermVector.Weigh(new Dictionary<long, int> { [TermHash.Of("stacy")] = 1, [TermHash.Of("keibler")] = 1 }, 10, _ => 1), 64);
        fake.Candidates.Add(new CandidateCluster(5, 3, 1, centroid, Size: 4));
        var clusterer = new StoryClusterer(fake, new ClusteringOptions());

        var assignment = await clusterer.AssignAsync(new StoryForClustering(1, "Stacy Keibler", null, T0), CancellationToken.None);

        Assert.Equal(5, assignment.ClusterId);
        Assert.Equal(2, fake.Reads);
        Assert.All(fake.Writes, w => Assert.Equal(3, w.ExpectedVersion));
    }

    [Fact]
    public async Task AssignAsync_Explaining_AJoinRefusedAfterRepeatedConflicts_IsNotExplained()
    {
        var fake = new FakeClusterIndex { ConflictsLeft = 10 };
        var centroid = ClusterCentroid.Empty.Add(TermVector.Weigh(new Dictionary<long, int> { [TermHash.Of("stacy")] = 1, [TermHash.Of("keibler")] = 1 }, 10, _ => 1), 64);
        fake.Candidates.Add(new CandidateCluster(5, 3, 1, centroid, Size: 4));
        var clusterer = new StoryClusterer(fake, new ClusteringOptions(), explain: true);

        var assignment = await clusterer.AssignAsync(new StoryForClustering(1, "Stacy Keibler", null, T0), CancellationToken.None);

        // It started a cluster though it reached the bar: there is no miss to tell.
        Assert.True(assignment.IsNewCluster);
        Assert.Null(assignment.Needed);
        Assert.Null(assignment.Nearest);
    }

    /// <summary>Unrelated stories, so that IDF has something to learn from.</summary>
    [Fact]
    public async Task AssignAllAsync_AnotherWriterCommitsFirst_AssignsTheBatchAgainAndKeepsEveryStory()
    {
        await using var other = new SqliteStoryClusterIndex(database.Connections);
        var overtaken = new OvertakenIndex(index, () => other.AddAsync(new ClusterIndexEntry(100, null, 0, ClusterCentroid.Empty, [5L], [], T0), CancellationToken.None));
        var clusterer = new StoryClusterer(overtaken, new ClusteringOptions());
        var stories = Enumerable.Range(1, 3)
            .Select(i => new StoryForClustering(i, $"Flood warning for river towns as Danube rises, day {i}", "The Danube rose overnight; river towns were warned of floods.", T0.AddHours(i)))
            .ToList();

        var assignments = await clusterer.AssignAllAsync(stories, CancellationToken.None);

        Assert.Equal(2, overtaken.Batches);
        Assert.Equal(4, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
        Assert.Equal(4, await database.ScalarAsync<long>("SELECT documents FROM cluster_stats"));
        var stored = await index.GetClustersAsync([1, 2, 3], CancellationToken.None);
        Assert.Equal(assignments.Select(a => a.ClusterId), [stored[1], stored[2], stored[3]]);
        Assert.Single(assignments.Select(a => a.ClusterId).Distinct());
    }

    [Fact]
    public async Task AssignAllAsync_AFeedWrittenFromATemplate_KeepsItsUnrelatedItemsApart_AndTwoReportsOfOneItemJoin()
    {
        // A digest that merged these alerts would show one quake and hide the rest.
        var stories = TemplateAlerts.Generate(400, seed: 7)
            .Select((alert, i) => new StoryForClustering(++nextStoryId, alert.Title, alert.Summary, T0.AddMinutes(10 * i)))
            .ToList();

        const string Title = "Magnitude 6.4 earthquake shakes Petrolia and the Lost Coast";
        const string Summary = "A magnitude 6.4 earthquake struck near Petrolia on the Lost Coast early on Tuesday, cutting power to thousands in Humboldt County and damaging a bridge on Mattole Road.";
        var report = new StoryForClustering(++nextStoryId, Title, Summary, T0.AddMinutes(4000));
        var secondReport = new StoryForClustering(++nextStoryId, "Lost Coast earthquake: magnitude 6.4 quake near Petrolia cuts power in Humboldt County", Summary.Replace("early on Tuesday", "on Tuesday morning", StringComparison.Ordinal), T0.AddMinutes(4030));
        var clusterer = new StoryClusterer(index, new ClusteringOptions());

        var assignments = await clusterer.AssignAllAsync([.. stories, report, secondReport], CancellationToken.None);

        var clusters = await index.GetClustersAsync(stories.Select(story => story.StoryId).ToList(), CancellationToken.None);
        var largest = clusters.Values.GroupBy(cluster => cluster).Max(group => group.Count());
        Assert.True(largest <= 10, $"{largest} of 400 unrelated alerts share one cluster (399 before the background was compared).");
        Assert.Equal(assignments[^2].ClusterId, (await index.GetClustersAsync([report.StoryId, secondReport.StoryId], CancellationToken.None))[secondReport.StoryId]);
    }

    [Fact]
    public async Task AssignAllAsync_AFirstPollOfFeedsListingTheirArchives_JoinsTwoOutletsReportsOfOneQuake()
    {
        // An alerts feed lists three days of alerts newest first, the oldest a quake near Petrolia;
        // then a second outlet's report of that quake. Every word of the report is in alerts days
        // newer than it, which were all its candidates when a key's newest stories were taken.
        var alerts = TemplateAlerts.Generate(216, seed: 13);
        var quake = TemplateAlerts.Alert(new Random(17), "Petrolia");
        var feed = alerts
            .Select((alert, i) => new StoryForClustering(++nextStoryId, alert.Title, alert.Summary, T0.AddMinutes(20 * (216 - i))))
            .Append(new StoryForClustering(++nextStoryId, quake.Title, quake.Summary, T0))
            .ToList();
        var report = new StoryForClustering(++nextStoryId, "Earthquake: " + quake.Title, quake.Summary, T0.AddMinutes(10));
        var clusterer = new StoryClusterer(index, new ClusteringOptions());

        var assignments = await clusterer.AssignAllAsync([.. feed, report], CancellationToken.None);

        Assert.Equal(assignments[^2].ClusterId, assignments[^1].ClusterId);
    }

    [Theory]
    [InlineData(0.65, 1, 10)]
    // Without the rule (the usual threshold for a cluster of one's own feed too) most collapse into one.
    [InlineData(0.22, 100, 160)]
    public async Task AssignAllAsync_ATemplateFeedAmongManyOtherFeeds_KeepsItsAlertsApart_AndTwoOutletsReportsOfOneQuakeJoin(double sameSourceThreshold, int least, int most)
    {
        // A quake-alerts feed is a twentieth of the stories: the background of their writing system
        // is everyone's news, not the alerts' template, and any two alerts reach the threshold.
        var random = new Random(23);
        var words = Enumerable.Range(0, 20_000).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var alerts = TemplateAlerts.Generate(160, seed: 19);
        var stories = new List<StoryForClustering>();
        for (var i = 0; i < 3200; i++)
        {
            var time = T0.AddMinutes(i);
            stories.Add(i % 20 == 0
                ? new StoryForClustering(++nextStoryId, alerts[i / 20].Title, alerts[i / 20].Summary, time) { Source = "usgs" }
                : new StoryForClustering(++nextStoryId, string.Join(' ', Enumerable.Range(0, 9).Select(_ => words[random.Next(words.Length)])), null, time) { Source = "outlet-" + (i % 50) });
        }

        var quake = TemplateAlerts.Alert(new Random(29), "Petrolia");
        var reports = new[]
        {
            new StoryForClustering(++nextStoryId, quake.Title, quake.Summary, T0.AddMinutes(3200)) { Source = "usgs" },
            new StoryForClustering(++nextStoryId, "Earthquake near Petrolia: " + quake.Title, quake.Summary, T0.AddMinutes(3210)) { Source = "outlet-7" },
        };
        var clusterer = new StoryClusterer(index, new ClusteringOptions { SameSourceThreshold = sameSourceThreshold });

        var assignments = await clusterer.AssignAllAsync([.. stories, .. reports], CancellationToken.None);

        var alertClusters = assignments.Take(stories.Count).Where((_, i) => i % 20 == 0).Select(a => a.ClusterId).ToList();
        var largest = alertClusters.GroupBy(cluster => cluster).Max(group => group.Count());
        Assert.InRange(largest, least, most);
        Assert.Equal(assignments[^2].ClusterId, assignments[^1].ClusterId);
    }

    private async Task SeedUnrelatedAsync(StoryClusterer clusterer)
    {
        string[] titles =
        [
            "Central bank holds interest rates steady amid inflation worries",
            "Local team wins championship after dramatic overtime goal",
            "New study links sleep to memory in older adults",
            "Storm knocks out power to thousands across the region",
            "City council approves budget for new library",
            "俄罗斯总统访问北京 两国签署能源协议",
            "东京奥运会门票开始发售",
        ];
        foreach (var title in titles)
        {
            await AssignAsync(clusterer, title, null, T0.AddDays(-1));
        }
    }

    private Task<ClusterAssignment> AssignAsync(StoryClusterer clusterer, string title, string? summary, DateTimeOffset? time) =>
        clusterer.AssignAsync(new StoryForClustering(++nextStoryId, title, summary, time), CancellationToken.None);

    /// <summary>The index, but before its first batch commits another writer commits (<paramref name="interloper"/>).</summary>
    private sealed class OvertakenIndex(SqliteStoryClusterIndex inner, Func<Task> interloper) : IStoryClusterIndex
    {
        public int Batches { get; private set; }

        public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken) => inner.FindCandidatesAsync(query, cancellationToken);

        public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken) => inner.AddAsync(entry, cancellationToken);

        public async Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken)
        {
            Batches++;
            var batch = await inner.BeginBatchAsync(cancellationToken);
            return Batches == 1 ? new Batch(batch, interloper) : batch;
        }

        public Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken) => inner.GetLastClusteredStoryIdAsync(cancellationToken);

        public Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken) => inner.GetClustersAsync(storyIds, cancellationToken);

        public Task<IReadOnlyDictionary<long, long>> GetClusterStoriesAsync(IReadOnlyCollection<ClusterSpan> spans, CancellationToken cancellationToken) =>
            inner.GetClusterStoriesAsync(spans, cancellationToken);

        public Task<ClusterPruneReport> PruneAsync(CancellationToken cancellationToken) => inner.PruneAsync(cancellationToken);

        private sealed class Batch(IStoryClusterBatch batch, Func<Task> interloper) : IStoryClusterBatch
        {
            public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken) => batch.FindCandidatesAsync(query, cancellationToken);

            public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken) => batch.AddAsync(entry, cancellationToken);

            public async Task<bool> CommitAsync(CancellationToken cancellationToken)
            {
                await interloper();
                return await batch.CommitAsync(cancellationToken);
            }

            public ValueTask DisposeAsync() => batch.DisposeAsync();
        }
    }
}
