using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.Tests.Storage;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the index through IAsyncLifetime.DisposeAsync.")]
public sealed class SqliteStoryClusterIndexTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly ClusterCentroid Centroid = new([new CentroidTerm(-5, 0.75f), new CentroidTerm(long.MaxValue, 0.25f)]);

    private SqliteTestDatabase database = null!;
    private SqliteStoryClusterIndex index = null!;

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
    public async Task FindCandidatesAsync_ThousandsStored_ReturnsOnlyTheClusterSharingABandKey()
    {
        for (var i = 1; i <= 2_000; i++)
        {
            await index.AddAsync(Entry(i, null, [i * 10L], T0.AddMinutes(i)), CancellationToken.None);
        }

        var target = await index.AddAsync(Entry(5_000, null, [424242L, 77L], T0), CancellationToken.None);

        var found = await index.FindCandidatesAsync(Query([424242L, 999_999L], T0.AddHours(-1), T0.AddHours(1)), CancellationToken.None);

        var cluster = Assert.Single(found.Clusters);
        Assert.Equal(target.ClusterId, cluster.ClusterId);
        Assert.Equal(1, cluster.SharedBands);
        Assert.Equal(1, cluster.Version);
        Assert.Equal(Centroid.Terms, cluster.Centroid.Terms);
        Assert.Equal(2_001, found.DocumentCount);
    }

    [Fact]
    public async Task FindCandidatesAsync_CommonBandKey_ReadsTheNearestTheStorysTimeWithinTheWindowOnly()
    {
        var clusters = new Dictionary<int, long>();
        for (var minute = 0; minute < 30; minute++)
        {
            clusters[minute] = (await index.AddAsync(Entry(minute + 1, null, [7L], T0.AddMinutes(minute)), CancellationToken.None)).ClusterId;
        }

        // A story's window is its time less and plus the same span: here minute 15, and minute 37.
        var found = await index.FindCandidatesAsync(Query([7L], T0.AddMinutes(5), T0.AddMinutes(25)) with { CandidatesPerBand = 5 }, CancellationToken.None);
        var atTheEnd = await index.FindCandidatesAsync(Query([7L], T0.AddMinutes(27), T0.AddMinutes(47)) with { CandidatesPerBand = 5 }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(13, 5).Select(m => clusters[m]).Order(), found.Clusters.Select(c => c.ClusterId).Order());
        Assert.Equal(Enumerable.Range(27, 3).Select(m => clusters[m]).Order(), atTheEnd.Clusters.Select(c => c.ClusterId).Order());
    }

    [Fact]
    public async Task FindCandidatesAsync_ClustersRankedBySharedBandsAndCut()
    {
        var big = await index.AddAsync(Entry(1, null, [1L, 2L, 3L], T0), CancellationToken.None);
        var small = await index.AddAsync(Entry(2, null, [3L], T0), CancellationToken.None);
        await index.AddAsync(Entry(3, null, [9L], T0), CancellationToken.None);

        var found = await index.FindCandidatesAsync(Query([1L, 2L, 3L, 9L], T0, T0) with { MaxClusters = 2 }, CancellationToken.None);

        Assert.Equal([(big.ClusterId, 3), (small.ClusterId, 1)], found.Clusters.Select(c => (c.ClusterId, c.SharedBands)));
    }

    [Fact]
    public async Task FindCandidatesAsync_UndatedStories_AreCandidatesForAnyTimeAndSeeAll()
    {
        var undated = await index.AddAsync(Entry(1, null, [5L], null), CancellationToken.None);
        var old = await index.AddAsync(Entry(2, null, [5L], T0.AddDays(-100)), CancellationToken.None);

        var forDated = await index.FindCandidatesAsync(Query([5L], T0.AddDays(-1), T0.AddDays(1)), CancellationToken.None);
        var forUndated = await index.FindCandidatesAsync(Query([5L], null, null), CancellationToken.None);

        Assert.Equal([undated.ClusterId], forDated.Clusters.Select(c => c.ClusterId));
        Assert.Equal(new[] { old.ClusterId, undated.ClusterId }.Order(), forUndated.Clusters.Select(c => c.ClusterId).Order());
    }

    [Fact]
    public async Task AddAsync_Terms_CountDocumentFrequencies()
    {
        await index.AddAsync(Entry(1, null, [1L], T0) with { Terms = [100L, 200L] }, CancellationToken.None);
        await index.AddAsync(Entry(2, null, [1L], T0) with { Terms = [200L, 300L] }, CancellationToken.None);

        var found = await index.FindCandidatesAsync(Query([], T0, T0) with { Terms = [100L, 200L, 300L, 400L] }, CancellationToken.None);

        Assert.Equal(2, found.DocumentCount);
        Assert.Equal([1L, 2L, 1L, 0L], found.DocumentFrequencies);
    }

    [Fact]
    public async Task AddAsync_Terms_ReachTheTableWhenTheIndexCloses_AndCountBeforeThat()
    {
        await index.AddAsync(Entry(1, null, [1L], T0) with { Terms = [100L] }, CancellationToken.None);

        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_terms"));
        Assert.Equal(1, (await index.FindCandidatesAsync(Query([], T0, T0) with { Terms = [100L] }, CancellationToken.None)).DocumentFrequencies[0]);

        await index.DisposeAsync();
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT df FROM cluster_terms WHERE term = 100"));
        index = new SqliteStoryClusterIndex(database.Connections);
        Assert.Equal(1, (await index.FindCandidatesAsync(Query([], T0, T0) with { Terms = [100L] }, CancellationToken.None)).DocumentFrequencies[0]);
    }

    [Fact]
    public async Task AddAsync_Terms_ReachTheTableInBatches()
    {
        for (var story = 1; story <= SqliteStoryClusterIndex.TermFlushInterval; story++)
        {
            await index.AddAsync(Entry(story, null, [story], T0) with { Terms = [7L, 1000L + story] }, CancellationToken.None);
        }

        Assert.Equal(SqliteStoryClusterIndex.TermFlushInterval, await database.ScalarAsync<long>("SELECT df FROM cluster_terms WHERE term = 7"));
        Assert.Equal(SqliteStoryClusterIndex.TermFlushInterval + 1, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_terms"));
    }

    [Fact]
    public async Task AddAsync_JoinWithTheVersionRead_UpdatesCentroidAndVersion()
    {
        var created = await index.AddAsync(Entry(1, null, [1L], T0), CancellationToken.None);
        var newer = new ClusterCentroid([new CentroidTerm(42, 1.5f)]);

        var joined = await index.AddAsync(Entry(2, created.ClusterId, [1L], T0) with { ExpectedVersion = 1, Centroid = newer }, CancellationToken.None);

        Assert.Equal(ClusterIndexOutcome.Added, joined.Outcome);
        var cluster = Assert.Single((await index.FindCandidatesAsync(Query([1L], T0, T0), CancellationToken.None)).Clusters);
        Assert.Equal(2, cluster.Version);
        Assert.Equal(2, cluster.SharedBands);
        Assert.Equal(newer.Terms, cluster.Centroid.Terms);
    }

    [Fact]
    public async Task AddAsync_JoinWithAStaleVersion_ConflictsAndWritesNothing()
    {
        var created = await index.AddAsync(Entry(1, null, [1L], T0), CancellationToken.None);

        var stale = await index.AddAsync(Entry(2, created.ClusterId, [1L], T0) with { ExpectedVersion = 0 }, CancellationToken.None);

        Assert.Equal(ClusterIndexOutcome.Conflict, stale.Outcome);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT documents FROM cluster_stats"));
    }

    [Fact]
    public async Task AddAsync_WithMerges_TheMergedClustersStoriesAndCandidatesFollowTheSurvivor()
    {
        var a = await index.AddAsync(Entry(1, null, [1L], T0), CancellationToken.None);
        var b = await index.AddAsync(Entry(2, null, [2L], T0), CancellationToken.None);
        var c = await index.AddAsync(Entry(3, null, [3L], T0), CancellationToken.None);
        await index.AddAsync(Entry(4, c.ClusterId, [3L], T0) with { ExpectedVersion = 1, Merges = [new ClusterMerge(b.ClusterId, 1)] }, CancellationToken.None);

        var merged = await index.AddAsync(Entry(5, a.ClusterId, [1L, 2L], T0) with { ExpectedVersion = 1, Merges = [new ClusterMerge(c.ClusterId, 2)] }, CancellationToken.None);

        Assert.Equal(ClusterIndexOutcome.Added, merged.Outcome);
        Assert.All((await index.GetClustersAsync([1, 2, 3, 4, 5], CancellationToken.None)).Values, cluster => Assert.Equal(a.ClusterId, cluster));
        Assert.Equal(5, await database.ScalarAsync<long>($"SELECT size FROM clusters WHERE id = {a.ClusterId}"));
        Assert.Equal(2, await database.ScalarAsync<long>($"SELECT count(*) FROM clusters WHERE merged_into = {a.ClusterId}"));
        // The rows are not rewritten: a member names the cluster it joined, readers follow the merge.
        Assert.Equal(b.ClusterId, await database.ScalarAsync<long>("SELECT cluster_id FROM cluster_members WHERE story_id = 2"));

        // Band rows loaded afresh name the members' clusters; candidates are the live cluster either way.
        var found = await index.FindCandidatesAsync(Query([1L, 2L, 3L], T0, T0), CancellationToken.None);
        var live = Assert.Single(found.Clusters);
        Assert.Equal(a.ClusterId, live.ClusterId);
        Assert.Equal(6, live.SharedBands);
        await using var reopened = new SqliteStoryClusterIndex(database.Connections);
        Assert.Equal((a.ClusterId, 6), (await reopened.FindCandidatesAsync(Query([1L, 2L, 3L], T0, T0), CancellationToken.None)).Clusters.Select(c => (c.ClusterId, c.SharedBands)).Single());
    }

    [Fact]
    public async Task AddAsync_MergeOfAClusterThatChanged_ConflictsAndWritesNothing()
    {
        var a = await index.AddAsync(Entry(1, null, [1L], T0), CancellationToken.None);
        var b = await index.AddAsync(Entry(2, null, [2L], T0), CancellationToken.None);

        var stale = await index.AddAsync(Entry(3, a.ClusterId, [1L], T0) with { ExpectedVersion = 1, Merges = [new ClusterMerge(b.ClusterId, 7)] }, CancellationToken.None);

        Assert.Equal(ClusterIndexOutcome.Conflict, stale.Outcome);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM clusters WHERE merged_into IS NOT NULL"));
        Assert.Equal(1, await database.ScalarAsync<long>($"SELECT version FROM clusters WHERE id = {a.ClusterId}"));
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
    }

    [Fact]
    public async Task Storage_OneStory_IsCompact()
    {
        var features = Enumerable.Range(1, 15).Select(i => (long)i * 1_000_003).ToList();
        await index.AddAsync(Entry(1, null, features, T0), CancellationToken.None);

        // A member keeps 8 bytes a band key: no vector, no signature, no text. Its cluster keeps 12 bytes a term.
        Assert.Equal(15 * 8, await database.ScalarAsync<long>("SELECT length(bands) FROM cluster_members"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM pragma_table_info('cluster_members') WHERE name NOT IN ('story_id', 'cluster_id', 'at', 'bands')"));
        Assert.Equal(24, await database.ScalarAsync<long>("SELECT length(centroid) FROM clusters"));
    }

    [Fact]
    public async Task FindCandidatesAsync_AnotherIndexOpened_FindsTheStoriesStoredBefore()
    {
        var first = await index.AddAsync(Entry(1, null, [10L, 11L], T0), CancellationToken.None);
        await index.AddAsync(Entry(2, null, [12L], null), CancellationToken.None);

        await using var reopened = new SqliteStoryClusterIndex(database.Connections);
        var found = await reopened.FindCandidatesAsync(Query([11L, 12L], T0.AddHours(-1), T0.AddHours(1)), CancellationToken.None);

        Assert.Equal(2, found.Clusters.Count);
        Assert.Equal(first.ClusterId, found.Clusters[0].ClusterId);
    }

    [Fact]
    public async Task FindCandidatesAsync_AStoryDatedBeforeTheRowsInMemory_FindsItsNeighboursOfThatTime()
    {
        var old = await index.AddAsync(Entry(1, null, [10L], T0), CancellationToken.None);
        await index.AddAsync(Entry(2, null, [10L], T0.AddDays(30)), CancellationToken.None);
        // A late item of T0, stored after the story a month on: its day's stories are not one run of ids.
        var late = await index.AddAsync(Entry(3, null, [10L], T0.AddMinutes(5)), CancellationToken.None);

        // The second story moved the band index's horizon a month on; a late item dated at T0 still finds the first.
        await using var reopened = new SqliteStoryClusterIndex(database.Connections);
        var found = await reopened.FindCandidatesAsync(Query([10L], T0.AddHours(-1), T0.AddHours(1)), CancellationToken.None);

        Assert.Equal([old.ClusterId, late.ClusterId], found.Clusters.Select(c => c.ClusterId).Order());
        Assert.Equal(
            $"{T0.ToUnixTimeSeconds() / 86400} 1 3,{T0.AddDays(30).ToUnixTimeSeconds() / 86400} 2 2",
            await database.ScalarAsync<string>("SELECT group_concat(day || ' ' || first_story || ' ' || last_story) FROM (SELECT * FROM cluster_member_days ORDER BY day)"));
    }

    [Fact]
    public async Task FindCandidatesAsync_AnotherWriterAddedStories_SeesThem()
    {
        Assert.Empty((await index.FindCandidatesAsync(Query([10L], T0, T0), CancellationToken.None)).Clusters);

        await using (var other = new SqliteStoryClusterIndex(database.Connections))
        {
            await other.AddAsync(Entry(1, null, [10L], T0), CancellationToken.None);
        }

        Assert.Single((await index.FindCandidatesAsync(Query([10L], T0, T0), CancellationToken.None)).Clusters);
    }

    [Fact]
    public async Task Batch_SeesItsOwnStories_AndWithoutACommitLeavesNothing()
    {
        await using (var batch = await index.BeginBatchAsync(CancellationToken.None))
        {
            await batch.AddAsync(Entry(1, null, [10L], T0) with { Terms = [77L] }, CancellationToken.None);
            var seen = await batch.FindCandidatesAsync(Query([10L], T0, T0) with { Terms = [77L] }, CancellationToken.None);
            Assert.Single(seen.Clusters);
            Assert.Equal(1, seen.DocumentCount);
            Assert.Equal(1, seen.DocumentFrequencies[0]);
        }

        var after = await index.FindCandidatesAsync(Query([10L], T0, T0) with { Terms = [77L] }, CancellationToken.None);
        Assert.Empty(after.Clusters);
        Assert.Equal(0, after.DocumentCount);
        Assert.Equal([0L], after.DocumentFrequencies);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
    }

    [Fact]
    public async Task Batch_Committed_KeepsEveryStory()
    {
        await using (var batch = await index.BeginBatchAsync(CancellationToken.None))
        {
            for (var story = 1; story <= 3; story++)
            {
                await batch.AddAsync(Entry(story, null, [10L + story], T0), CancellationToken.None);
            }

            await batch.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(3, await database.ScalarAsync<long>("SELECT count(*) FROM cluster_members"));
        Assert.Equal(3, await database.ScalarAsync<long>("SELECT documents FROM cluster_stats"));
        Assert.Equal(3, (await index.FindCandidatesAsync(Query([11L, 12L, 13L], T0, T0), CancellationToken.None)).Clusters.Count);
    }

    [Fact]
    public async Task Batch_MoreClustersThanKeptInMemory_AnEarlyOneIsReadBackAsStored_AndCanBeJoined()
    {
        var first = new ClusterCentroid([new CentroidTerm(31, 0.5f), new CentroidTerm(32, 0.25f)]);
        var stories = SqliteStoryClusterIndex.MaxKnownClusters + 100;
        long firstCluster = 0;
        await using (var batch = await index.BeginBatchAsync(CancellationToken.None))
        {
            for (var story = 1; story <= stories; story++)
            {
                var added = await batch.AddAsync(Entry(story, null, [100_000L + story], T0.AddSeconds(story)) with { Centroid = story == 1 ? first : Centroid }, CancellationToken.None);
                firstCluster = story == 1 ? added.ClusterId : firstCluster;
            }

            Assert.True(await batch.CommitAsync(CancellationToken.None));
        }

        // The commit left the most recently used half in memory: the first story's cluster is read from the table.
        var found = Assert.Single((await index.FindCandidatesAsync(Query([100_001L], T0, T0.AddHours(1)), CancellationToken.None)).Clusters);
        Assert.Equal((firstCluster, 1L, 1L), (found.ClusterId, found.Version, found.Size));
        Assert.Equal(first.Terms, found.Centroid.Terms);

        var joined = await index.AddAsync(Entry(stories + 1, firstCluster, [100_001L], T0) with { ExpectedVersion = 1 }, CancellationToken.None);

        Assert.Equal((ClusterIndexOutcome.Added, firstCluster), (joined.Outcome, joined.ClusterId));
        Assert.Equal((2L, 2L), (await database.ScalarAsync<long>($"SELECT version FROM clusters WHERE id = {firstCluster}"), await database.ScalarAsync<long>($"SELECT size FROM clusters WHERE id = {firstCluster}")));
    }

    [Fact]
    public async Task Batch_WhileOpen_LeavesTheDatabaseToOtherWriters_AndOneThatCommittedFirstMakesItFail()
    {
        await using var other = new SqliteStoryClusterIndex(database.Connections);
        await using (var batch = await index.BeginBatchAsync(CancellationToken.None))
        {
            await batch.AddAsync(Entry(1, null, [10L], T0) with { Terms = [77L] }, CancellationToken.None);

            // The open batch holds no lock: another index (another process, in production) writes meanwhile.
            var written = await other.AddAsync(Entry(2, null, [10L], T0) with { Terms = [77L] }, CancellationToken.None);
            Assert.Equal(ClusterIndexOutcome.Added, written.Outcome);

            Assert.False(await batch.CommitAsync(CancellationToken.None));
        }

        Assert.Equal(2, await database.ScalarAsync<long>("SELECT group_concat(story_id) FROM cluster_members"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT documents FROM cluster_stats"));
        var otherCluster = (await other.GetClustersAsync([2], CancellationToken.None))[2];
        await other.DisposeAsync(); // writes its pending term counts
        var found = await index.FindCandidatesAsync(Query([10L], T0, T0) with { Terms = [77L] }, CancellationToken.None);
        Assert.Equal(1, found.DocumentCount);
        Assert.Equal(1, found.DocumentFrequencies[0]);
        Assert.Equal(otherCluster, Assert.Single(found.Clusters).ClusterId);
    }

    [Fact]
    public async Task Batch_ClustersItCreatedAndMerged_AreWrittenAsTheyEndedUp()
    {
        long survivor;
        await using (var batch = await index.BeginBatchAsync(CancellationToken.None))
        {
            var a = await batch.AddAsync(Entry(1, null, [1L], T0), CancellationToken.None);
            var b = await batch.AddAsync(Entry(2, null, [2L], T0), CancellationToken.None);
            var joined = await batch.AddAsync(Entry(3, b.ClusterId, [2L], T0) with { ExpectedVersion = 1, Merges = [new ClusterMerge(a.ClusterId, 1)] }, CancellationToken.None);
            survivor = joined.ClusterId;
            Assert.True(await batch.CommitAsync(CancellationToken.None));
        }

        Assert.All((await index.GetClustersAsync([1, 2, 3], CancellationToken.None)).Values, cluster => Assert.Equal(survivor, cluster));
        Assert.Equal(3, await database.ScalarAsync<long>($"SELECT size FROM clusters WHERE id = {survivor}"));
        Assert.Equal(2, await database.ScalarAsync<long>($"SELECT version FROM clusters WHERE id = {survivor}"));
        Assert.Equal(1, await database.ScalarAsync<long>($"SELECT count(*) FROM clusters WHERE merged_into = {survivor}"));
        await using var reopened = new SqliteStoryClusterIndex(database.Connections);
        Assert.Equal((survivor, 3), (await reopened.FindCandidatesAsync(Query([1L, 2L], T0, T0), CancellationToken.None)).Clusters.Select(c => (c.ClusterId, c.SharedBands)).Single());
    }

    [Fact]
    public async Task Batch_AStoryDatedBeforeTheRowsInMemory_IsFoundByALaterStoryOfThatTime()
    {
        await index.AddAsync(Entry(1, null, [10L], T0.AddDays(30)), CancellationToken.None);
        await using var reopened = new SqliteStoryClusterIndex(database.Connections);
        await using var batch = await reopened.BeginBatchAsync(CancellationToken.None);

        // Dated a month before the rows in memory, and not in the table until the commit.
        var late = await batch.AddAsync(Entry(2, null, [20L], T0), CancellationToken.None);
        var found = await batch.FindCandidatesAsync(Query([20L], T0.AddHours(-1), T0.AddHours(1)), CancellationToken.None);

        Assert.Equal([late.ClusterId], found.Clusters.Select(c => c.ClusterId));
    }

    [Fact]
    public async Task FindCandidatesAsync_InANewProcess_GivesEachClustersMainSource()
    {
        var usgs = MainSource.KeyOf("usgs");
        var alerts = await index.AddAsync(Entry(1, null, [1L], T0) with { MainSource = MainSource.Of(usgs) }, CancellationToken.None);
        await index.AddAsync(Entry(2, alerts.ClusterId, [1L], T0) with { ExpectedVersion = 1, MainSource = MainSource.Of(usgs).With(usgs) }, CancellationToken.None);
        var unknown = await index.AddAsync(Entry(3, null, [2L], T0), CancellationToken.None);
        await using var reopened = new SqliteStoryClusterIndex(database.Connections);

        var found = await reopened.FindCandidatesAsync(Query([1L, 2L], T0.AddHours(-1), T0.AddHours(1)), CancellationToken.None);

        Assert.Equal(new MainSource(usgs, 2), found.Clusters.Single(c => c.ClusterId == alerts.ClusterId).MainSource);
        Assert.Equal(default, found.Clusters.Single(c => c.ClusterId == unknown.ClusterId).MainSource);
    }

    private static ClusterIndexEntry Entry(long storyId, long? clusterId, IReadOnlyList<long> bands, DateTimeOffset? time) =>
        new(storyId, clusterId, 0, Centroid, bands, [], time);

    private static ClusterQuery Query(IReadOnlyList<long> bands, DateTimeOffset? from, DateTimeOffset? to) =>
        new([], bands, from, to, 20, 32);
}
