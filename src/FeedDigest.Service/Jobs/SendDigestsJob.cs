using FeedDigest.Core.Digests;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace FeedDigest.Service.Jobs;

/// <summary>Each tick claims the digests that are due and sends what is in the outbox.</summary>
[DisallowConcurrentExecution]
internal sealed class SendDigestsJob(ShutdownDeadline shutdownDeadline, DigestDispatcher dispatcher, ILogger<SendDigestsJob> logger) : IJob
{
    public static readonly JobKey Key = new("send-digests");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken quartzToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(quartzToken, shutdownDeadline.Token);
        var cancellationToken = linked.Token;
        try
        {
            var report = await dispatcher.RunAsync(cancellationToken).ConfigureAwait(false);
            if (report.DigestsClaimed + report.DigestsSent + report.SendFailures > 0)
            {
                logger.LogInformation("Digests: {ClaimedCount} claimed, {SentCount} sent, {FailedCount} failed", report.DigestsClaimed, report.DigestsSent, report.SendFailures);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: claimed digests stay in the outbox and go out after restart.
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Digest tick failed unexpectedly");
        }
    }
}
