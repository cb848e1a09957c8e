using System.Globalization;
using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// Reads the feeds, topics and subscribers from configuration. Not with the usual binder: it calls
/// GetChildren() on every element, and each call rescans every configuration key, so binding a list
/// of 10,000 feeds costs minutes (quadratic). Here each array is listed once and every value is read
/// by its key, which is a dictionary lookup; lists of strings are read by index until the first gap.
/// </summary>
internal static class CatalogConfigurationReader
{
    public static CatalogOptions Read(IConfiguration configuration, List<string> problems)
    {
        var root = configuration.GetSection(CatalogOptions.SectionName);
        return new CatalogOptions
        {
            Feeds = Elements(root, "Feeds").Select(feed => ReadFeed(feed, problems)).ToList(),
            Topics = Elements(root, "Topics").Select(topic => new TopicOptions
            {
                Id = topic["Id"],
                Name = topic["Name"],
                Query = topic["Query"],
                Keywords = Strings(topic, "Keywords"),
                Feeds = Strings(topic, "Feeds"),
                Tags = Strings(topic, "Tags"),
                ExcludeFeeds = Strings(topic, "ExcludeFeeds"),
                ExcludeTags = Strings(topic, "ExcludeTags"),
            }).ToList(),
            Subscribers = Elements(root, "Subscribers").Select(subscriber => ReadSubscriber(subscriber, problems)).ToList(),
        };
    }

    private static SubscriberOptions ReadSubscriber(IConfigurationSection subscriber, List<string> problems)
    {
        int? maxStories = null;
        if (subscriber["MaxStories"] is { } maxText)
        {
            if (int.TryParse(maxText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max))
            {
                maxStories = max;
            }
            else
            {
                problems.Add($"{subscriber.Path}:MaxStories: \"{maxText}\" is not a whole number.");
            }
        }

        var paused = false;
        if (subscriber["Paused"] is { } pausedText && !bool.TryParse(pausedText, out paused))
        {
            problems.Add($"{subscriber.Path}:Paused: \"{pausedText}\" is not true or false.");
        }

        return new SubscriberOptions
        {
            Email = subscriber["Email"],
            Name = subscriber["Name"],
            Topics = Strings(subscriber, "Topics"),
            Cadence = subscriber["Cadence"],
            SendAt = subscriber["SendAt"],
            Day = subscriber["Day"],
            Cron = subscriber["Cron"],
            Weekdays = Strings(subscriber, "Weekdays"),
            QuietHours = subscriber["QuietHours"],
            TimeZone = subscriber["TimeZone"],
            MaxStories = maxStories,
            Format = subscriber["Format"],
            Paused = paused,
            Language = subscriber["Language"],
        };
    }

    private static FeedOptions ReadFeed(IConfigurationSection feed, List<string> problems)
    {
        TimeSpan? interval = null;
        if (feed["PollInterval"] is { } text)
        {
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed))
            {
                interval = parsed;
            }
            else
            {
                problems.Add($"{feed.Path}:PollInterval: \"{text}\" is not a duration such as \"00:30:00\".");
            }
        }

        var furnitureHeuristics = true;
        if (feed["FurnitureHeuristics"] is { } heuristicsText && !bool.TryParse(heuristicsText, out furnitureHeuristics))
        {
            problems.Add($"{feed.Path}:FurnitureHeuristics: \"{heuristicsText}\" is not true or false.");
        }

        return new FeedOptions
        {
            Id = feed["Id"],
            Url = feed["Url"],
            Title = feed["Title"],
            Tags = Strings(feed, "Tags"),
            PollInterval = interval,
            UserAgent = feed["UserAgent"],
            Headers = Strings(feed, "Headers"),
            UserName = feed["UserName"],
            Password = feed["Password"],
            Proxy = feed["Proxy"],
            Identity = feed["Identity"],
            Language = feed["Language"],
            TimeZone = feed["TimeZone"],
            RemoveSelectors = Strings(feed, "RemoveSelectors"),
            RemovePatterns = Strings(feed, "RemovePatterns"),
            FurnitureHeuristics = furnitureHeuristics,
        };
    }

    private static IEnumerable<IConfigurationSection> Elements(IConfigurationSection root, string name) =>
        root.GetSection(name).GetChildren()
            .OrderBy(element => int.TryParse(element.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue);

    private static List<string> Strings(IConfigurationSection parent, string name)
    {
        var values = new List<string>();
        for (var index = 0; parent[$"{name}:{index.ToString(CultureInfo.InvariantCulture)}"] is { } value; index++)
        {
            values.Add(value);
        }

        return values;
    }
}
