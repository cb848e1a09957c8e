using FeedDigest.Core.Feeds;
using FeedDigest.Core.Polling;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace FeedDigest.Service.Jobs;

/// <summary>
/// Each tick polls the feeds that are due, and clusters their new stories as they are stored; the
/// database, not Quartz, holds each feed's schedule.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class PollFeedsJob(ShutdownDeadline shutdownDeadline, PollRunner polls, ILogger<PollFeedsJob> logger) : IJob
{
    public static readonly JobKey Key = new("poll-feeds");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken quartzToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(quartzToken, shutdownDeadline.Token);
        var cancellationToken = linked.Token;
        try
        {
            var report = (await polls.RunAsync(allFeeds: false, cancellationToken).ConfigureAwait(false)).Report;
            if (report.FeedsChecked > 0)
            {
                logger.LogInformation("Poll: {FeedCount} feeds checked, {FailedCount} failed, {NewCount} new stories", report.FeedsChecked, report.FeedsFailed, report.NewStories);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the feeds not reached stay due and are polled after restart.
        }
        catch (CatalogNotSyncedException)
        {
            // Said once, where the feeds failed to sync; each tick tries again.
        }
        catch (Exception exception)
        {
            // A bug, not an expected failure: log it loudly and let the next tick try again.
            logger.LogError(exception, "Poll tick failed unexpectedly");
        }
    }
}
