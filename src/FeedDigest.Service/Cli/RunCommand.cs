using System.CommandLine;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Hosting;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest run</c> (the default): the service, polling feeds and sending digests until stopped.</summary>
internal static class RunCommand
{
    public static Command Create(Option<string?> config)
    {
        var command = new Command("run", "Run the service: poll feeds and send digests until stopped (the default).");
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string? configFile, CancellationToken cancellationToken)
    {
        return await HostRunner.RunAsync(configFile, withScheduler: true, async host =>
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
    }
}
