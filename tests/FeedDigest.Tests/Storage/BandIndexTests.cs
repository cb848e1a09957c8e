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

        var ranked = bands.Rank([1L, 2L, 3L], At - 3600, At + 3600, perBand: 10, maxClusters: 3);

        Assert.Equal([(high, 3), (low, 2), (middle, 2)], ranked);
    }

    [Fact]
    public void Rank_MergedClusters_CountForTheLiveOne()
    {
        var bands = new BandIndex(long.MinValue, At, []);
        bands.Add([1L], At, storyId: 1, clusterId: 1);
        bands.Add([2L], At, storyId: 2, clusterId: 2);
        bands.Add([1L, 2L], At, storyId: 3, clusterId: 3);
        bands.Merged(1, 2);

        var ranked = bands.Rank([1L, 2L], At - 3600, At + 3600, perBand: 10, maxClusters: 5);

        Assert.Equal([(2L, 2), (3L, 2)], ranked);
    }
}
