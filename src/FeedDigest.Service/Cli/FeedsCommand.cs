using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Configuration;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest feeds list|add|remove|import-opml|export-opml</c>: the configured feeds and their health.</summary>
internal static class FeedsCommand
{
    private static readonly string[] Header = ["ID", "STATUS", "LAST SUCCESS", "ERRORS", "NEXT CHECK", "LAST ERROR", "URL"];

    private static readonly string[] UnconfiguredHeader = ["ID", "STORIES", "LAST SUCCESS", "NOTE", "URL"];

    public static Command Create(Option<string?> config)
    {
        var list = new Command(
            "list",
            "List the configured feeds with their health: status, last success, errors, next check; then the stored feeds not configured (removed, or archived by a rename) with their stored stories.");
        list.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
            var store = host.Services.GetRequiredService<IFeedStore>();
            var states = (await store.GetFeedStatesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.FeedId);
            var unconfigured = await store.GetUnconfiguredFeedsAsync(catalog.Feeds.Select(f => f.Id).ToList(), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(FormatTable(catalog.Feeds, states));
            if (unconfigured.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine(FormatUnconfigured(unconfigured));
            }

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
        command.Subcommands.Add(CreateAdd(config));
        command.Subcommands.Add(CreateRemove(config));
        return command;
    }

    private static Command CreateAdd(Option<string?> config)
    {
        var url = new Argument<string>("url") { Description = "The feed's URL, or a web page that advertises its feed with <link rel=\"alternate\">." };
        var id = new Option<string?>("--id") { Description = "The feed's id (default: made from its title)." };
        var title = new Option<string?>("--title") { Description = "The outlet's name as digests show it (default: the feed's own title)." };
        var topics = new Option<string[]>("--topic") { Description = "A topic limited to certain feeds that should take this one too (repeatable)." };
        var tags = new Option<string[]>("--tag") { Description = "A tag for the feed (repeatable)." };
        var add = new Command("add", "Add a feed to the configuration file, finding the feed when the URL is a web page.");
        add.Arguments.Add(url);
        add.Options.Add(id);
        add.Options.Add(title);
        add.Options.Add(topics);
        add.Options.Add(tags);
        add.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            var text = result.GetValue(url)!;
            var address = Uri.TryCreate(text, UriKind.Absolute, out var absolute) ? absolute : new Uri(Path.GetFullPath(text));
            var (found, problem) = await FeedLookup.FindAsync(host.Services.GetRequiredService<IFeedFetcher>(), address, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
                return 1;
            }

            var feedTitle = result.GetValue(title) ?? found.Title ?? found.FeedUri.Host;
            var feedTags = result.GetValue(tags) ?? [];
            var topicIds = result.GetValue(topics) ?? [];
            var feedId = result.GetValue(id);
            return await ConfigEdit.ApplyAsync(result.GetValue(config), (json, change) =>
            {
                var feeds = JsonConfigEditor.ReadArray(json, ConfigEdit.FeedsPath);
                if (feeds.Any(f => string.Equals(ConfigEdit.Text(f, "Url"), found.FeedUri.AbsoluteUri, StringComparison.OrdinalIgnoreCase)))
                {
                    change.Refusal = $"{found.FeedUri} is already configured.";
                    return json;
                }

                var ids = feeds.Select(f => ConfigEdit.Text(f, "Id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
                var newId = feedId ?? FeedImport.UniqueId(FeedImport.Slug(feedTitle, found.FeedUri), ids);
                var element = JsonSerializer.Serialize(new { Id = newId, Url = found.FeedUri.AbsoluteUri, Title = feedTitle, Tags = feedTags }, ConfigEdit.Json);
                json = JsonConfigEditor.AppendToArray(json, ConfigEdit.FeedsPath, [element]);
                change.Notes.Add($"Feed {newId}: {found.FeedUri}" + (found.FeedUri == address ? string.Empty : $" (advertised by {address})"));
                foreach (var topicId in topicIds)
                {
                    json = AddFeedToTopic(json, topicId, newId, change);
                }

                return json;
            }, "Feed added", cancellationToken).ConfigureAwait(false);
        }));
        return add;
    }

    /// <summary>
    /// A topic limited to feeds or tags takes the new feed by id; a topic with no limit already takes
    /// every feed, and gaining a first limit would narrow it to this one feed, so it is left alone.
    /// </summary>
    private static string AddFeedToTopic(string json, string topicId, string feedId, ConfigEdit.Change change)
    {
        var topic = JsonConfigEditor.ReadArray(json, ConfigEdit.TopicsPath).FirstOrDefault(t => ConfigEdit.Text(t, "Id") == topicId);
        if (topic.ValueKind == JsonValueKind.Undefined)
        {
            change.Refusal = $"There is no topic \"{topicId}\"; add it first with `feeddigest topics add`.";
            return json;
        }

        var feeds = ConfigEdit.Strings(topic, "Feeds");
        if (feeds.Count == 0 && ConfigEdit.Strings(topic, "Tags").Count == 0)
        {
            change.Notes.Add($"Topic {topicId} already takes stories from every feed.");
            return json;
        }

        feeds.Add(feedId);
        change.Notes.Add($"Topic {topicId} now takes stories from {feedId} too.");
        return JsonConfigEditor.SetMember(json, ConfigEdit.TopicsPath, t => ConfigEdit.Text(t, "Id") == topicId, "Feeds", JsonSerializer.Serialize(feeds, ConfigEdit.Json), out _);
    }

    private static Command CreateRemove(Option<string?> config)
    {
        var feed = new Argument<string>("feed") { Description = "The feed's id or URL." };
        var remove = new Command("remove", "Remove a feed from the configuration file; its stored stories stay until pruned.");
        remove.Arguments.Add(feed);
        remove.SetAction((result, cancellationToken) =>
        {
            var key = result.GetValue(feed)!;
            return ConfigEdit.ApplyAsync(result.GetValue(config), (json, change) =>
            {
                json = JsonConfigEditor.RemoveFromArray(
                    json,
                    ConfigEdit.FeedsPath,
                    f => ConfigEdit.Text(f, "Id") == key || string.Equals(ConfigEdit.Text(f, "Url"), key, StringComparison.OrdinalIgnoreCase),
                    out var removed);
                if (removed == 0)
                {
                    change.Refusal = $"No feed has the id or URL \"{key}\".";
                }

                return json;
            }, $"Feed {key} removed", cancellationToken);
        });
        return remove;
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

        return Layout(rows);
    }

    /// <summary>
    /// The stored feeds no configured feed has, under a title that says they are not polled. Both
    /// Urls of a feed are shown: configuring either takes it back.
    /// </summary>
    private static string FormatUnconfigured(IReadOnlyList<UnconfiguredFeed> feeds)
    {
        var rows = new List<string[]> { UnconfiguredHeader };
        foreach (var unconfigured in feeds)
        {
            var feed = unconfigured.Feed;
            rows.Add(
            [
                feed.Id,
                unconfigured.StoredStories.ToString(CultureInfo.InvariantCulture),
                Time(unconfigured.LastSuccessAt),
                unconfigured.Archived ? "archived by a rename: configure its URL to take it back" : "removed from the configuration",
                feed.FetchUri is { } fetched && fetched.AbsoluteUri != feed.Source.AbsoluteUri ? $"{feed.Source} (fetched from {fetched})" : feed.Source.ToString(),
            ]);
        }

        return "Stored feeds not configured (not polled; their stories stay until pruned):\n" + Layout(rows);
    }

    /// <summary>Columns padded to their widest cell (at most 60 characters), but the last: a URL, printed whole.</summary>
    private static string Layout(List<string[]> rows)
    {
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
