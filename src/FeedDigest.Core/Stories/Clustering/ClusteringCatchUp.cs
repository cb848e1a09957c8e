using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Places the stories stored since the last run into clusters, a page at a time in one batch of the
/// index, each page in the order its stories were published (<see cref="PlacePageAsync"/>). Runs
/// alongside each poll (<see cref="CatchUpDuringAsync"/>) and before digests are composed, so a digest never lists a story its cluster
/// does not know yet. Resumes from the index's last clustered story, so a crash loses nothing:
/// a page not committed is assigned again. Does nothing while clustering is off
/// (<see cref="ClusteringOptions.Enabled"/>).
/// </summary>
public sealed class ClusteringCatchUp(IFeedStore feedStore, IStoryClusterIndex index, StoryClusterer clusterer, IOptions<ClusteringOptions> options, ILogger<ClusteringCatchUp> logger, ILowPriorityRunner? lowPriority = null) : IDisposable
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

    // Stories a new database's first poll stores before clustering starts beside it (unless the poll
    // ends first): a small desk's whole first poll, placed as one page in the order published. A
    // full page would leave clustering a page behind a big first poll, at the poll's priority.
    private const int FirstPollPage = 500;

    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim running = new(1, 1);
    private bool backgroundLearned;

    /// <summary>Whether stories are placed in clusters at all (<see cref="ClusteringOptions.Enabled"/>).</summary>
    public bool Enabled => options.Value.Enabled;

    public void Dispose() => running.Dispose();

    /// <summary>
    /// Places stories while <paramref name="work"/> (a poll) stores them, and those it stored last
    /// once it is done. A poll spends much of its time waiting on the network, and parses on other
    /// cores than this one: clustering alongside it adds less to its wall time than after it. While
    /// clustering keeps up, it runs at low priority (<see cref="ILowPriorityRunner"/>) and takes only
    /// the processor time the poll leaves; once a full page waits, the poll's end waits for
    /// clustering, and it runs at normal priority (bench/README.md, "Sixteenth session").
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
                // Alongside the work, at low priority where there is a runner for it: the work comes first.
                var now = await CatchUpAsync(work, cancellationToken).ConfigureAwait(false);
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
    public Task<int> CatchUpAsync(CancellationToken cancellationToken) => CatchUpAsync(alongside: null, cancellationToken);

    /// <summary>
    /// Places the stories not placed yet, a page at a time; while <paramref name="alongside"/> runs,
    /// on the low-priority runner (if there is one), so that it yields the processor to that work.
    /// </summary>
    /// <returns>How many stories were placed.</returns>
    private async Task<int> CatchUpAsync(Task? alongside, CancellationToken cancellationToken)
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

            // On a database where nothing is clustered yet, a first poll's stories wait for the poll
            // (or FirstPollPage of them): placed as each feed is stored, every outlet's copy of a
            // story would come after that feed's whole backlog, weighed against a background of a
            // few dozen stories that holds the story it copies (StoryBackground), and stay apart.
            var waitForAFirstPollPage = after == 0 && alongside is { IsCompleted: false };
            for (var behind = false; ; behind = true)
            {
                // A page at a time: a page's commit finishes on another thread (the index's write
                // turn is never held at low priority), and the next page starts on the runner again.
                // Only while this keeps up with the work (the first page of a catch-up): a full page
                // means more are waiting, and then clustering is what the end of the work waits for.
                var from = after;
                var (count, last) = lowPriority is not null && alongside is { IsCompleted: false } && !behind
                    ? await lowPriority.RunAsync(token => PlacePageAsync(from, atLowPriority: true, waitForAFirstPollPage, token), cancellationToken).ConfigureAwait(false)
                    : await PlacePageAsync(from, atLowPriority: false, waitForAFirstPollPage, cancellationToken).ConfigureAwait(false);
                placed += count;
                if (count < PageSize)
                {
                    if (placed > 0)
                    {
                        logger.LogInformation("Clustered {Count} new stories", placed);
                    }

                    return placed;
                }

                after = last;
            }
        }
        finally
        {
            running.Release();
        }
    }

    /// <summary>
    /// Places the page of stories stored after <paramref name="after"/> (none while fewer than
    /// <see cref="FirstPollPage"/> wait, with <paramref name="waitForAFirstPollPage"/>): how many,
    /// and the last one's id. A page's stories are placed in the order they were published (by
    /// their ids where that is the same): a poll stores
    /// each feed's new stories together, and a first poll's are days of news, every feed's after the
    /// last one's. A service running all along would have met them in the order they came out, one
    /// outlet's copy of a story soon after another's.
    /// </summary>
    private async Task<(int Count, long Last)> PlacePageAsync(long after, bool atLowPriority, bool waitForAFirstPollPage, CancellationToken cancellationToken)
    {
        var page = await feedStore.GetStoriesToClusterAfterIdAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
        if (page.Count == 0 || waitForAFirstPollPage && page.Count < FirstPollPage)
        {
            return (0, after);
        }

        if (!backgroundLearned)
        {
            // Only when there is something to place: a poll that found nothing new reads nothing more.
            var recent = await feedStore.GetStoriesToClusterAfterIdAsync(Math.Max(0, after - BackgroundStories), BackgroundStories, cancellationToken).ConfigureAwait(false);
            await clusterer.LearnBackgroundAsync(recent.Where(story => story.Id <= after).Select(ForClustering).ToList(), cancellationToken).ConfigureAwait(false);
            backgroundLearned = true;
        }

        // At low priority on one thread: the poll's threads come first (bench/README.md, "Nineteenth session").
        // The page commits as one batch, so the last story placed is still the page's last id, whatever the order within it.
        var inOrderPublished = page.Select(ForClustering).OrderBy(story => story.Time).ThenBy(story => story.StoryId).ToList();
        await clusterer.AssignAllAsync(inOrderPublished, featuresOnEveryCore: !atLowPriority, cancellationToken).ConfigureAwait(false);
        return (page.Count, page[^1].Id);
    }

    // A feed's date in the future would put the story outside every window.
    private static StoryForClustering ForClustering(StoryToCluster story) => new(
        story.Id,
        story.Title,
        story.Summary,
        StoredStory.DateOf(story.PublishedAt, story.FirstSeenAt))
    {
        Source = story.FeedId,
    };
}
