using System.CommandLine;
using FeedDigest.Service.Control;
using FeedDigest.Service.Jobs;
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
                Console.WriteLine(outcome.Describe());
                return outcome.ExitCode;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ReportAsync(PollReply reply)
    {
        if (reply.Error is not null)
        {
            await Console.Error.WriteLineAsync($"The running service (pid {reply.ProcessId}) did not poll: {reply.Error}").ConfigureAwait(false);
            return 1;
        }

        var outcome = new PollOutcome(
            new Core.Polling.PollReport(reply.FeedsChecked, reply.FeedsFailed, reply.NewStories),
            TimeSpan.FromSeconds(reply.PollSeconds),
            reply.Clustered,
            TimeSpan.FromSeconds(reply.ClusteredAfterSeconds));
        Console.WriteLine($"{outcome.Describe()} Polled by the running service (pid {reply.ProcessId}).");
        return outcome.ExitCode;
    }
}
