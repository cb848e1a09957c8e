using System.CommandLine;
using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest topics test "QUERY" | --topic ID</c>: which recent stored stories a query matches, and why.</summary>
internal static class TopicsCommand
{
    private const int PageSize = 1000;

    public static Command Create(Option<string?> config)
    {
        var queryArgument = new Argument<string?>("query") { Description = "A topic query, e.g. \"censor* OR 审查 -sports\" (README.md, \"Topic queries\").", Arity = ArgumentArity.ZeroOrOne };
        var topicOption = new Option<string?>("--topic") { Description = "Test a configured topic (its query and its feed limits) instead of a query." };
        var daysOption = new Option<int>("--days") { Description = "Search the stories first seen in this many past days.", DefaultValueFactory = _ => 7 };
        var limitOption = new Option<int?>("--limit") { Description = "Search only the most recent N of those stories." };
        var test = new Command("test", "List the recent stored stories a query (or a configured topic) matches, with the terms that hit and where.");
        test.Arguments.Add(queryArgument);
        test.Options.Add(topicOption);
        test.Options.Add(daysOption);
        test.Options.Add(limitOption);
        test.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            var text = result.GetValue(queryArgument);
            var topicId = result.GetValue(topicOption);
            var days = result.GetValue(daysOption);
            var limit = result.GetValue(limitOption);
            if ((text is null) == (topicId is null) || days <= 0 || limit <= 0)
            {
                await Console.Error.WriteLineAsync("Give a query or --topic ID (not both); --days and --limit must be above 0.").ConfigureAwait(false);
                return 2;
            }

            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
            if (!TryChooseTopic(text, topicId, catalog, out var topic, out var problem))
            {
                await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
                return 1;
            }

            var since = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-days);
            var stories = await RecentStoriesAsync(host.Services.GetRequiredService<IFeedStore>(), since, limit, cancellationToken).ConfigureAwait(false);
            var matched = 0;
            foreach (var story in stories.AsEnumerable().Reverse())
            {
                var hits = topic.Feeds.Allows(story.FeedId) ? catalog.TopicMatcher.Explain(topic.Query, story) : [];
                if (hits.Count == 0)
                {
                    continue;
                }

                matched++;
                var feed = catalog.FeedsById.GetValueOrDefault(story.FeedId);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{story.FirstSeenAt:yyyy-MM-dd HH:mm}  {story.Title}"));
                Console.WriteLine($"    source: {(feed?.Title is { } title ? $"{title} ({story.FeedId})" : story.FeedId)}");
                Console.WriteLine($"    why:    {string.Join("; ", hits)}");
            }

            var window = limit is null ? $"first seen in the last {days} days" : $"(the last {limit} first seen in the last {days} days)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{matched} of {stories.Count} stored stories {window} match {(topicId is null ? "the query" : $"topic \"{topic.Id}\"")}: {topic.Query.Text}"));
            return 0;
        }));

        var command = new Command("topics", "Topic tools.");
        command.Subcommands.Add(test);
        command.Subcommands.Add(TopicEditCommands.CreateAdd(config));
        command.Subcommands.Add(TopicEditCommands.CreateRemove(config));
        command.Subcommands.Add(TopicEditCommands.CreateList(config));
        return command;
    }

    private static bool TryChooseTopic(string? text, string? topicId, Catalog catalog, out Topic topic, out string problem)
    {
        topic = null!;
        problem = string.Empty;
        if (topicId is not null)
        {
            if (catalog.TopicsById.TryGetValue(topicId, out var configured))
            {
                topic = configured;
                return true;
            }

            problem = $"No topic \"{topicId}\" in the configuration; known: {string.Join(", ", catalog.Topics.Select(t => t.Id))}";
            return false;
        }

        if (!TopicQuery.TryParse(text!, out var query, out var error))
        {
            // The query, with a caret under the position the error names.
            problem = $"{text}\n{new string(' ', Math.Max(0, error.Position - 1))}^\n{error.Message}";
            return false;
        }

        topic = new Topic("query", "query", query, TopicFeedFilter.AllFeeds);
        return true;
    }

    /// <summary>
    /// The stories that can go out in digests, first seen since <paramref name="since"/>, oldest first;
    /// read in pages through the store's own query, so the command needs nothing of the store's schema.
    /// </summary>
    internal static async Task<List<StoredStory>> RecentStoriesAsync(IFeedStore store, DateTimeOffset since, int? limit, CancellationToken cancellationToken)
    {
        var recent = new List<StoredStory>();
        var cursor = 0L;
        while (true)
        {
            var page = await store.GetStoriesAfterAsync(cursor, PageSize, cancellationToken).ConfigureAwait(false);
            recent.AddRange(page.Where(story => story.FirstSeenAt >= since));
            if (limit is { } max && recent.Count > max)
            {
                recent.RemoveRange(0, recent.Count - max);
            }

            if (page.Count < PageSize)
            {
                return recent;
            }

            cursor = page[^1].Sequence;
        }
    }
}
