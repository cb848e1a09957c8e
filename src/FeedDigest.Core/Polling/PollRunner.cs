using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Core.Polling;

/// <summary>
/// Runs a poll and clusters its new stories alongside, one poll at a time in the process: the
/// scheduled tick and a poll a command asks the service for never fetch the same feeds at once.
/// </summary>
public sealed class PollRunner(FeedPoller poller, ClusteringCatchUp clustering, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);

    public void Dispose() => turn.Dispose();

    /// <param name="allFeeds">Every configured feed (<c>poll --once</c>), not only those due (a tick).</param>
    public async Task<PollOutcome> RunAsync(bool allFeeds, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = timeProvider.GetTimestamp();
            var poll = PollAsync(allFeeds, started, cancellationToken);
            var clustered = await clustering.CatchUpDuringAsync(poll, timeProvider, cancellationToken).ConfigureAwait(false);
            var (report, polled) = await poll.ConfigureAwait(false);
            return new PollOutcome(report, polled, clustered, timeProvider.GetElapsedTime(started) - polled);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<(PollReport Report, TimeSpan Took)> PollAsync(bool allFeeds, long started, CancellationToken cancellationToken)
    {
        var report = await poller.PollAsync(allFeeds, cancellationToken).ConfigureAwait(false);
        return (report, timeProvider.GetElapsedTime(started));
    }
}
