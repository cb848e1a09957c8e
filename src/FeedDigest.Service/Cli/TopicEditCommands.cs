using System.CommandLine;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest topics add|remove|list</c>: the configured topics, edited in the configuration file.</summary>
internal static class TopicEditCommands
{
    public static Command CreateAdd(Option<string?> config)
    {
        var id = new Argument<string>("id") { Description = "The topic's id, e.g. online-censorship." };
        var query = new Option<string>("--query") { Description = "The topic query (README.md, \"Topic queries\").", Required = true };
        var name = new Option<string?>("--name") { Description = "The topic's name as digests show it (default: the id)." };
        var feeds = new Option<string[]>("--feed") { Description = "Only stories from this feed (repeatable)." };
        var tags = new Option<string[]>("--tag") { Description = "Only stories from feeds with this tag (repeatable)." };
        var add = new Command("add", "Add a topic to the configuration file; a malformed query is refused with its position.");
        add.Arguments.Add(id);
        add.Options.Add(query);
        add.Options.Add(name);
        add.Options.Add(feeds);
        add.Options.Add(tags);
        add.SetAction((result, cancellationToken) =>
        {
            var topicId = result.GetValue(id)!;
            var element = JsonSerializer.Serialize(
                new { Id = topicId, Name = result.GetValue(name) ?? topicId, Query = result.GetValue(query), Feeds = result.GetValue(feeds) ?? [], Tags = result.GetValue(tags) ?? [] },
                ConfigEdit.Json);
            return ConfigEdit.ApplyAsync(
                result.GetValue(config),
                ConfigEdit.AddUnique(ConfigEdit.TopicsPath, element, t => ConfigEdit.Text(t, "Id") == topicId, $"There is a topic \"{topicId}\" already."),
                $"Topic {topicId} added",
                cancellationToken);
        });
        return add;
    }

    public static Command CreateRemove(Option<string?> config)
    {
        var id = new Argument<string>("id") { Description = "The topic's id." };
        var remove = new Command("remove", "Remove a topic from the configuration file (refused while a subscriber still has it).");
        remove.Arguments.Add(id);
        remove.SetAction((result, cancellationToken) =>
        {
            var topicId = result.GetValue(id)!;
            return ConfigEdit.ApplyAsync(
                result.GetValue(config),
                ConfigEdit.Remove(ConfigEdit.TopicsPath, t => ConfigEdit.Text(t, "Id") == topicId, $"There is no topic \"{topicId}\"."),
                $"Topic {topicId} removed",
                cancellationToken);
        });
        return remove;
    }

    public static Command CreateList(Option<string?> config)
    {
        var list = new Command("list", "List the configured topics: id, name, query, feed limits, subscribers.");
        list.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.ValidateAsync(host, cancellationToken).ConfigureAwait(false);
            var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
            var options = ConfigEdit.ReadCatalog(await File.ReadAllTextAsync(ConfigEdit.FilePath(result.GetValue(config)), cancellationToken).ConfigureAwait(false), []);
            foreach (var topic in catalog.Topics)
            {
                var written = options.Topics.FirstOrDefault(t => t.Id == topic.Id);
                var subscribers = catalog.Subscribers.Count(s => s.TopicIds.Contains(topic.Id, StringComparer.Ordinal));
                var limits = written is null ? string.Empty : string.Join(' ', written.Feeds.Select(f => "feed:" + f).Concat(written.Tags.Select(t => "tag:" + t)).Concat(written.ExcludeFeeds.Select(f => "-feed:" + f)).Concat(written.ExcludeTags.Select(t => "-tag:" + t)));
                Console.WriteLine($"{topic.Id}\t{topic.Name}\t{written?.Query ?? string.Join(" OR ", written?.Keywords ?? [])}\t{(limits.Length == 0 ? "all feeds" : limits)}\t{subscribers} subscribers");
            }

            return 0;
        }));
        return list;
    }
}
