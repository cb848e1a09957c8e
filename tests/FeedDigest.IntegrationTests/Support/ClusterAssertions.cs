using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FeedDigest.IntegrationTests.Support;

internal static class ClusterAssertions
{
    /// <summary>A test's precondition: the stories with these titles are stored and placed in one cluster (placed first, as every digest run does).</summary>
    public static async Task AssertOneClusterAsync(IHost host, params string[] titles)
    {
        await host.Services.GetRequiredService<ClusteringCatchUp>().CatchUpAsync(default);
        var stored = (await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 100, default)).Where(s => titles.Contains(s.Title)).ToList();
        var clusters = await host.Services.GetRequiredService<IStoryClusterIndex>().GetClustersAsync(stored.Select(s => s.Id).ToList(), default);
        Assert.True(stored.Count == titles.Length && clusters.Count == titles.Length && clusters.Values.Distinct().Count() == 1, $"precondition: the stories are one cluster ({string.Join(", ", stored.Select(s => $"{s.Title} -> {clusters.GetValueOrDefault(s.Id)}"))})");
    }
}
