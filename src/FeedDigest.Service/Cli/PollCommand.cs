using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FeedDigest.Core.Polling;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest poll --once</c>: checks every configured feed now and stores new stories.</summary>
internal static class PollCommand
{
    public static Command Create(Option<string?> config)
    {
        var once = new Option<bool>("--once") { Description = "Poll every configured feed once, then exit." };
        var command = new Command("poll", "Poll feeds now and store their new stories.");
        command.Options.Add(once);
        command.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var report = await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.FeedsChecked} feeds checked, {report.FeedsFailed} failed, {report.NewStories} new stories, in {clock.Elapsed.TotalSeconds:F2} s."));
            return report.FeedsFailed == 0 ? 0 : 3;
        }));
        return command;
    }
}
