using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Places the stories stored since the last run into clusters, oldest first (the clusterer expects
/// stories in the order they were first seen), a page at a time in one batch of the index. Runs
/// alongside each poll (<see cref="CatchUpDuringAsync"/>) and before digests are composed, so a digest never lists a story its cluster
/// does not know yet. Resumes from the index's last clustered story, so a crash loses nothing:
/// a page not committed is assigned again. Does nothing while clustering is off
/// (<see cref="ClusteringOptions.Enabled"/>).
/// </summary>
public sealed class ClusteringCatchUp(IFeedStore feedStore, IStoryClusterIndex index, StoryClusterer clusterer, IOptions<ClusteringOptions> options, ILogger<ClusteringCatchUp> logger) : IDisposable
{
    // A page is one batch: big enough that its commit is a small share of its cost, small enough
    // that the write transaction it holds keeps other writers (a digest's claim) waiting well under a
    // second. A commit rewrites each cluster the page changed and the index pages its members land
    // on, once per page: at 2,000 stories a first poll's commits cost about a third less CPU than at
    // 500, and the commit holds the write turn for some 70 ms.
    public const int PageSize = 2000;

    // The stories clustered last that the clusterer's background is learned from when this process
    // first clusters: a fifth of what the background stands for, one page to read.
    private const int BackgroundStories = PageSize;

    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim running = new(1, 1);
    private bool backgroundLearned;

    public void Dispose() => running.Dispose();

    /// <summary>
    /// Places stories while <paramref name="work"/> (a poll) stores them, and those it stored last
    /// once it is done. A poll spends much of its time waiting on the network, and parses on other
    /// cores than this one: clustering alongside it adds less to its wall time than after it.
    /// </summary>
    /// <returns>How many stories were placed.</returns>
    public async Task<int> CatchUpDuringAsync(Task work, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var placed = 0;
        try
        {
            while (!work.IsCompleted)
            {
                var now = await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                placed += now;
                if (now == 0)
                {
                    // Nothing stored since the last look: wait for more, or for the end of the work.
                    await Task.WhenAny(work, Task.Delay(IdleWait, timeProvider, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        catch
        {
            // The work goes on without this: it must not outlive the caller's wait.
            await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return placed + await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <returns>How many stories were placed.</returns>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return 0;
        }

        await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var placed = 0;
            var after = await index.GetLastClusteredStoryIdAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var page = await feedStore.GetStoriesToClusterAfterIdAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
                if (page.Count > 0 && !backgroundLearned)
                {
                    // Only when there is something to place: a poll that found nothing new reads nothing more.
                    var recent = await feedStore.GetStoriesToClusterAfterIdAsync(Math.Max(0, after - BackgroundStories), BackgroundStories, cancellationToken).ConfigureAwait(false);
                    await clusterer.LearnBackgroundAsync(recent.Where(story => story.Id <= after).Select(ForClustering).ToList(), cancellationToken).ConfigureAwait(false);
                    backgroundLearned = true;
                }

                var stories = page.Select(ForClustering).ToList();
                await clusterer.AssignAllAsync(stories, cancellationToken).ConfigureAwait(false);
                placed += stories.Count;

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

    // A feed's date in the future would put the story outside every window.
    private static StoryForClustering ForClustering(StoryToCluster story) => new(
        story.Id,
        story.Title,
        story.Summary,
        story.PublishedAt is { } published && published < story.FirstSeenAt ? published : story.FirstSeenAt)
    {
        Source = story.FeedId,
    };
}
