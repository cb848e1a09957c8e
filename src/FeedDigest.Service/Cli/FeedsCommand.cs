using System.CommandLine;
using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest feeds list|export-opml</c>: the configured feeds and their health.</summary>
internal static class FeedsCommand
{
    private static readonly string[] Header = ["ID", "STATUS", "LAST SUCCESS", "ERRORS", "NEXT CHECK", "LAST ERROR", "URL"];

    public static Command Create(Option<string?> config)
    {
        var list = new Command("list", "List the configured feeds with their health: status, last success, errors, next check.");
        list.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
            var states = (await host.Services.GetRequiredService<IFeedStore>().GetFeedStatesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.FeedId);
            Console.WriteLine(FormatTable(catalog.Feeds, states));
            return 0;
        }));

        var export = new Command("export-opml", "Print the configured feeds as OPML 2.0, for other feed readers.");
        export.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, host =>
        {
            var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
            Console.WriteLine(Opml.Write(catalog.Feeds, "FeedDigest feeds"));
            return Task.FromResult(0);
        }));

        var file = new Argument<string>("file") { Description = "An OPML file, as other feed readers export it." };
        var import = new Command("import-opml", "Add the feeds of an OPML file to the configuration file (feeds already there are skipped).");
        import.Arguments.Add(file);
        import.SetAction(async (result, cancellationToken) =>
        {
            var contentRoot = Directory.GetCurrentDirectory();
            var configPath = result.GetValue(config) ?? Path.Combine(contentRoot, FeedDigestHost.DefaultConfigFile);
            if (result.GetValue(config) is null)
            {
                FeedDigestHost.EnsureDefaultConfigFile(contentRoot, Console.Out);
            }

            var opml = await File.ReadAllTextAsync(result.GetValue(file)!, cancellationToken).ConfigureAwait(false);
            var outcome = await FeedImport.ImportOpmlAsync(Path.GetFullPath(configPath), opml, contentRoot, cancellationToken).ConfigureAwait(false);
            foreach (var problem in outcome.Problems)
            {
                await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
            }

            Console.WriteLine($"{outcome.Added} feeds added to {configPath}; {outcome.AlreadyPresent} were already there. A running service picks them up by itself.");
            return outcome.Problems.Count > 0 && outcome.Added == 0 ? 1 : 0;
        });

        var command = new Command("feeds", "Feed tools.");
        command.Subcommands.Add(list);
        command.Subcommands.Add(export);
        command.Subcommands.Add(import);
        return command;
    }

    private static string FormatTable(IReadOnlyList<Feed> feeds, Dictionary<string, FeedState> states)
    {
        var rows = new List<string[]> { Header };
        foreach (var feed in feeds)
        {
            states.TryGetValue(feed.Id, out var state);
            rows.Add(
            [
                feed.Id,
                StatusOf(state),
                Time(state?.LastSuccessAt),
                (state?.ConsecutiveErrors ?? 0).ToString(CultureInfo.InvariantCulture),
                state is null || state.Gone ? "-" : Time(state.NextCheckAt),
                state?.LastError ?? "-",
                (state?.EffectiveUri ?? feed.Source).ToString(),
            ]);
        }

        var widths = Enumerable.Range(0, rows[0].Length - 1).Select(i => Math.Min(60, rows.Max(r => r[i].Length))).ToArray();
        return string.Join('\n', rows.Select(row => string.Join("  ", row.Select((cell, i) => i < widths.Length ? Fit(cell, widths[i]) : cell))));
    }

    /// <summary>A feed's health in a word: new, gone, failing or ok (also on the admin pages).</summary>
    internal static string StatusOf(FeedState? state) => state switch
    {
        null or { LastCheckedAt: null } => "new",
        { Gone: true } => "gone",
        { ConsecutiveErrors: > 0 } => "failing",
        _ => "ok",
    };

    private static string Fit(string cell, int width) => cell.Length > width ? cell[..(width - 1)] + "…" : cell.PadRight(width);

    private static string Time(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "-";
}
