using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.Tests.Storage;

/// <summary>The LSH index in memory: which clusters a story's band keys reach, the most hit first.</summary>
public sealed class BandIndexTests
{
    private const long At = 1_800_000_000;

    [Theory]
    [InlineData(10L, 20L, 30L)]
    // Cluster ids beyond 32 bits take the comparer's sort: the same order.
    [InlineData(10L, 5_000_000_000L, 7_000_000_000L)]
    public void Rank_MostSharedKeysFirst_TiesByClusterId(long low, long middle, long high)
    {
        var bands = new BandIndex(long.MinValue, At, []);
        // `high` shares three keys, `low` and `middle` two each, and a fourth cluster one.
        bands.Add([1L, 2L, 3L], At, storyId: 1, clusterId: high);
        bands.Add([1L, 2L], At, storyId: 2, clusterId: middle);
        bands.Add([2L, 3L], At, storyId: 3, clusterId: low);
        bands.Add([3L], At, storyId: 4, clusterId: 99);

        var ranked = bands.Rank([1L, 2L, 3L], At - 3600, At + 3600, near: At, perBand: 10, maxClusters: 3);

        Assert.Equal([(high, 3), (low, 2), (middle, 2)], ranked);
    }

    [Fact]
    public void Rank_AKeyManyStoriesShare_TakesTheRowsNearestTheStorysTime()
    {
        // A first poll: the key's stories span the story's whole window, and its copy (cluster 5)
        // is an hour from it; the newest rows are two days on.
        var bands = new BandIndex(long.MinValue, At, []);
        for (var hour = -60; hour <= 60; hour += 6)
        {
            bands.Add([1L], At + (hour * 3600L), storyId: 100 + hour, clusterId: 1000 + hour);
        }

        bands.Add([1L], At + 3600, storyId: 500, clusterId: 5);

        var nearest = bands.Rank([1L], At - (72 * 3600L), At + (72 * 3600L), near: At + 600, perBand: 3, maxClusters: 10).ToList();
        var newest = bands.Rank([1L], At - (72 * 3600L), At + (72 * 3600L), near: null, perBand: 3, maxClusters: 10).ToList();

        Assert.Equal([5L, 1000L, 1006L], nearest.Select(r => r.ClusterId).Order());
        Assert.DoesNotContain(newest, r => r.ClusterId == 5);
    }

    [Fact]
    public void Rank_RowsOfTheSameTime_AreAllTaken()
    {
        // Feeds that give dates only: every story of the day is as near as any other.
        var bands = new BandIndex(long.MinValue, At, []);
        bands.Add([1L], At - 86_400, storyId: 1, clusterId: 1);
        for (var story = 2; story <= 7; story++)
        {
            bands.Add([1L], At, storyId: story, clusterId: story);
        }

        bands.Add([1L], At + 86_400, storyId: 8, clusterId: 8);

        var ranked = bands.Rank([1L], At - (72 * 3600L), At + (72 * 3600L), near: At, perBand: 3, maxClusters: 10);

        Assert.Equal([2L, 3L, 4L, 5L, 6L, 7L], ranked.Select(r => r.ClusterId).Order());
    }

    [Fact]
    public void Rank_MergedClusters_CountForTheLiveOne()
    {
        var bands = new BandIndex(long.MinValue, At, []);
        bands.Add([1L], At, storyId: 1, clusterId: 1);
        bands.Add([2L], At, storyId: 2, clusterId: 2);
        bands.Add([1L, 2L], At, storyId: 3, clusterId: 3);
        bands.Merged(1, 2);

        var ranked = bands.Rank([1L, 2L], At - 3600, At + 3600, near: At, perBand: 10, maxClusters: 5);

        Assert.Equal([(2L, 2), (3L, 2)], ranked);
    }
}
