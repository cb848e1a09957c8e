using System.CommandLine;
using System.Globalization;
using FeedDigest.Core.Polling;
using FeedDigest.Service.Control;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary>
/// <c>feeddigest poll --once</c>: checks every configured feed now, stores new stories and places
/// them in story clusters, as the service's poll does (unless FeedDigest:Clustering:Enabled is false).
/// When the service runs on the same database, it is asked to poll (through its control socket)
/// rather than a second process fetching the same feeds beside it.
/// </summary>
internal static class PollCommand
{
    public static Command Create(Option<string?> config)
    {
        var once = new Option<bool>("--once") { Description = "Poll every configured feed once, then exit." };
        var command = new Command("poll", "Poll feeds now, store their new stories and cluster them (through the running service when there is one).");
        command.Options.Add(once);
        command.SetAction(async (result, cancellationToken) =>
        {
            var configFile = result.GetValue(config);
            if (ControlSocket.PathFromConfiguration(configFile, Directory.GetCurrentDirectory()) is { } socket
                && await ControlClient.TryPollAsync(socket, cancellationToken).ConfigureAwait(false) is { } reply)
            {
                return await ReportAsync(reply).ConfigureAwait(false);
            }

            return await HostRunner.RunAsync(configFile, withScheduler: false, async host =>
            {
                await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
                var outcome = await host.Services.GetRequiredService<PollRunner>().RunAsync(allFeeds: true, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(Describe(outcome));
                return ExitCode(outcome);
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ReportAsync(PollReply reply)
    {
        if (reply.Outcome is not { } outcome)
        {
            await Console.Error.WriteLineAsync($"The running service (pid {reply.ProcessId}) did not poll: {reply.Error}").ConfigureAwait(false);
            return 1;
        }

        Console.WriteLine($"{Describe(outcome)} Polled by the running service (pid {reply.ProcessId}).");
        return ExitCode(outcome);
    }

    private static string Describe(PollOutcome outcome) => string.Create(
        CultureInfo.InvariantCulture,
        $"{outcome.Report.FeedsChecked} feeds checked, {outcome.Report.FeedsFailed} failed, {outcome.Report.NewStories} new stories, in {outcome.PollTook.TotalSeconds:F2} s; {outcome.Clustered} stories clustered alongside, the last of them {outcome.ClusteredAfter.TotalSeconds:F2} s after.");

    /// <summary>0 when every feed was read, 3 when some failed (their errors are in <c>feeds list</c>).</summary>
    private static int ExitCode(PollOutcome outcome) => outcome.Report.FeedsFailed == 0 ? 0 : 3;
}
