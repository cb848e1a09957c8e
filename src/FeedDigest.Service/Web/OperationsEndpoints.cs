using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Prometheus;
using Quartz;

namespace FeedDigest.Service.Web;

/// <summary>/healthz for a load balancer or systemd watchdog script, /metrics for Prometheus.</summary>
internal static class OperationsEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", HealthAsync);
        var metrics = app.Services.GetService(typeof(OperationsMetrics)) as OperationsMetrics
            ?? throw new InvalidOperationException("OperationsMetrics is not registered.");
        app.MapMetrics("/metrics", metrics.Registry);
    }

    /// <summary>
    /// 200 when the database answers and the scheduler runs, else 503; with the age of the last poll
    /// for an alert to judge, and whether the service runs on the last good configuration because an
    /// edit was refused (still 200: it keeps working, but an admin has an edit to fix).
    /// </summary>
    private static async Task<IResult> HealthAsync(HttpContext context, IOperationsStore operations, ISchedulerFactory schedulers, ConfigurationHealth configuration, TimeProvider clock)
    {
        string database;
        DateTimeOffset? lastPoll = null;
        try
        {
            await operations.PingAsync(context.RequestAborted).ConfigureAwait(false);
            lastPoll = (await operations.GetSnapshotAsync(context.RequestAborted).ConfigureAwait(false)).LastPollAt;
            database = "ok";
        }
        catch (SqliteException exception)
        {
            database = "unreachable: " + exception.SqliteErrorCode;
        }

        var scheduler = await schedulers.GetScheduler(context.RequestAborted).ConfigureAwait(false);
        var running = await scheduler.GetStatus(context.RequestAborted).ConfigureAwait(false) == SchedulerStatus.Running;
        var healthy = database == "ok" && running;
        return Results.Json(
            new
            {
                status = healthy ? "ok" : "unhealthy",
                database,
                scheduler = running ? "running" : "stopped",
                lastPollAt = lastPoll,
                lastPollAgeSeconds = lastPoll is { } at ? (long?)(clock.GetUtcNow() - at).TotalSeconds : null,
                configuration = configuration.RunningOnLastGood ? "last good (edits refused)" : "as written",
                refusedEdits = configuration.Refusals.Select(refusal => new { source = refusal.Source, refusedAt = refusal.RefusedAt, problems = refusal.Problems }),
            },
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
