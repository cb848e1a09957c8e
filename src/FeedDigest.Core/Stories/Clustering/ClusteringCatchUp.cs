using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Places the stories stored since the last run into clusters, oldest first, one at a time (the
/// clusterer expects stories in the order they were first seen). Runs after each poll and before
/// digests are composed, so a digest never lists a story its cluster does not know yet. Resumes
/// from the index's last clustered story, so a crash loses nothing: assigning again changes nothing.
/// </summary>
public sealed class ClusteringCatchUp(IFeedStore feedStore, IStoryClusterIndex index, StoryClusterer clusterer, ILogger<ClusteringCatchUp> logger) : IDisposable
{
    private const int PageSize = 500;
    private readonly SemaphoreSlim running = new(1, 1);

    public void Dispose() => running.Dispose();

    /// <returns>How many stories were placed.</returns>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var placed = 0;
            var after = await index.GetLastClusteredStoryIdAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var page = await feedStore.GetDeliverableStoriesAfterIdAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var story in page)
                {
                    // A feed's date in the future would put the story outside every window.
                    var time = story.PublishedAt is { } published && published < story.FirstSeenAt ? published : story.FirstSeenAt;
                    await clusterer.AssignAsync(new StoryForClustering(story.Id, story.Title, story.Summary, time), cancellationToken).ConfigureAwait(false);
                    placed++;
                }

                if (page.Count < PageSize)
                {
                    if (placed > 0)
                    {
                        logger.LogInformation("Clustered {Count} new stories", placed);
                    }

                    return placed;
                }

                after = page[^1].Id;
            }
        }
        finally
        {
            running.Release();
        }
    }
}
