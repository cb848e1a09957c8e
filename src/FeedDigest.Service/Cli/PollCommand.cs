using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary>
/// <c>feeddigest poll --once</c>: checks every configured feed now, stores new stories and places
/// them in story clusters, as the service's poll does (unless FeedDigest:Clustering:Enabled is false).
/// </summary>
internal static class PollCommand
{
    public static Command Create(Option<string?> config)
    {
        var once = new Option<bool>("--once") { Description = "Poll every configured feed once, then exit." };
        var command = new Command("poll", "Poll feeds now, store their new stories and cluster them.");
        command.Options.Add(once);
        command.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var poll = PollAsync(host.Services.GetRequiredService<FeedPoller>(), clock, cancellationToken);
            var clustered = await host.Services.GetRequiredService<ClusteringCatchUp>()
                .CatchUpDuringAsync(poll, host.Services.GetRequiredService<TimeProvider>(), cancellationToken).ConfigureAwait(false);
            var (report, polled) = await poll.ConfigureAwait(false);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{report.FeedsChecked} feeds checked, {report.FeedsFailed} failed, {report.NewStories} new stories, in {polled.TotalSeconds:F2} s; {clustered} stories clustered alongside, the last of them {(clock.Elapsed - polled).TotalSeconds:F2} s after."));
            return report.FeedsFailed == 0 ? 0 : 3;
        }));
        return command;
    }

    private static async Task<(PollReport Report, TimeSpan Took)> PollAsync(FeedPoller poller, Stopwatch clock, CancellationToken cancellationToken)
    {
        var report = await poller.PollAsync(allFeeds: true, cancellationToken).ConfigureAwait(false);
        return (report, clock.Elapsed);
    }
}
