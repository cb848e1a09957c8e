using System.Globalization;
using System.Net.Mail;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;
using TimeZoneConverter;

namespace FeedDigest.Core.Configuration;

/// <summary>The validated feeds, topics and subscribers.</summary>
public sealed class Catalog
{
    private Catalog(IReadOnlyList<Feed> feeds, IReadOnlyList<Topic> topics, IReadOnlyList<Subscriber> subscribers)
    {
        Feeds = feeds;
        Topics = topics;
        Subscribers = subscribers;
        FeedsById = feeds.ToDictionary(f => f.Id, StringComparer.Ordinal);
        TopicsById = topics.ToDictionary(t => t.Id, StringComparer.Ordinal);
        TopicMatcher = new TopicMatcher(topics, feeds);
    }

    private Catalog(Catalog catalog, IReadOnlyDictionary<string, string> feedTitles)
    {
        Feeds = catalog.Feeds;
        Topics = catalog.Topics;
        Subscribers = catalog.Subscribers;
        FeedsById = catalog.FeedsById;
        TopicsById = catalog.TopicsById;
        TopicMatcher = catalog.TopicMatcher;
        this.feedTitles = feedTitles;
    }

    // The feeds' own titles, for those the configuration gives none (WithFeedTitles).
    private readonly IReadOnlyDictionary<string, string> feedTitles = new Dictionary<string, string>();

    public IReadOnlyList<Feed> Feeds { get; }

    public IReadOnlyList<Topic> Topics { get; }

    public IReadOnlyList<Subscriber> Subscribers { get; }

    public IReadOnlyDictionary<string, Feed> FeedsById { get; }

    public IReadOnlyDictionary<string, Topic> TopicsById { get; }

    /// <summary>How digests name the outlet of a feed: its configured title, else its own (<see cref="WithFeedTitles"/>), else its id.</summary>
    public string OutletName(string feedId) =>
        FeedsById.TryGetValue(feedId, out var feed) && feed.Title is not null ? feed.Title : feedTitles.GetValueOrDefault(feedId) ?? feedId;

    /// <summary>This catalog, naming the feeds it gives no Title by their own titles (by feed id), as read from them.</summary>
    public Catalog WithFeedTitles(IReadOnlyDictionary<string, string> titles)
    {
        ArgumentNullException.ThrowIfNull(titles);
        return new Catalog(this, titles);
    }

    /// <summary>Every topic compiled into one matcher, built once per configuration.</summary>
    public TopicMatcher TopicMatcher { get; }

    /// <summary>
    /// Validates the options; every problem is reported with the setting's path, e.g.
    /// "FeedDigest:Subscribers:0:TimeZone: unknown time zone 'Mars/Olympus'".
    /// </summary>
    /// <param name="baseDirectory">Where relative feed paths start.</param>
    public static bool TryCreate(CatalogOptions options, string baseDirectory, out Catalog catalog, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var feeds = ReadFeeds(options.Feeds, baseDirectory, problems);
        // A topic whose query is wrong is reported once, as itself, not again by every subscriber naming it.
        var topics = ReadTopics(options.Topics, feeds, problems, out var topicIds);
        var subscribers = ReadSubscribers(options.Subscribers, topicIds, problems);
        catalog = new Catalog(feeds, topics, subscribers);
        errors = problems;
        return problems.Count == 0;
    }

    private static List<Feed> ReadFeeds(List<FeedOptions> options, string baseDirectory, List<string> problems)
    {
        var feeds = new List<Feed>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i++)
        {
            var path = $"{CatalogOptions.SectionName}:Feeds:{i}";
            var feed = options[i];
            var id = feed.Id?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                problems.Add($"{path}:Id: every feed needs an id (a short name such as \"reuters-china\").");
                continue;
            }

            if (!ids.Add(id))
            {
                problems.Add($"{path}:Id: the id \"{id}\" is used by another feed; ids must be unique.");
                continue;
            }

            if (FeedRenames.IsReserved(id))
            {
                // An archived row has such an id, and taking it would take over that feed's stories.
                problems.Add($"{path}:Id: \"{id}\" has the form the service gives feeds it sets aside (\"{FeedRenames.ArchiveMark}\", \"{FeedRenames.TemporaryMark}\"); choose another id.");
                continue;
            }

            if (!TryResolveSource(feed.Url, baseDirectory, out var source))
            {
                problems.Add($"{path}:Url: \"{feed.Url}\" is not an http(s) URL, a file:// URL or a file path.");
                continue;
            }

            if (feed.PollInterval is { } interval && interval < TimeSpan.FromMinutes(1))
            {
                problems.Add($"{path}:PollInterval: must be at least 00:01:00 (it is {interval}).");
                continue;
            }

            Uri? proxy = null;
            if (!string.IsNullOrWhiteSpace(feed.Proxy)
                && (!Uri.TryCreate(feed.Proxy.Trim(), UriKind.Absolute, out proxy) || proxy.Scheme is not ("http" or "https" or "socks5" or "socks4" or "socks4a")))
            {
                // Only the scheme is repeated: the text may hold the proxy's user name and password.
                problems.Add($"{path}:Proxy: the value (starting \"{ProxyScheme(feed.Proxy)}\"; the rest is not shown) is not a proxy URL such as \"socks5://127.0.0.1:1080\" or \"http://proxy:3128\".");
                continue;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var badHeader = false;
            for (var h = 0; h < feed.Headers.Count; h++)
            {
                var colon = feed.Headers[h].IndexOf(':', StringComparison.Ordinal);
                var name = colon > 0 ? feed.Headers[h][..colon].Trim() : string.Empty;
                if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c is '(' or ')' or ',' or '/' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}' or '"'))
                {
                    // The value is not repeated: a header written wrongly is still likely to hold an API key.
                problems.Add($"{path}:Headers:{h}: is not a header written as \"Name: value\" (a name of letters, digits and dashes, then a colon); its text is not shown, as it may hold a secret.");
                    badHeader = true;
                    break;
                }

                headers[name] = feed.Headers[h][(colon + 1)..].Trim();
            }

            if (badHeader)
            {
                continue;
            }

            var identity = IdentityPolicy.Auto;
            if (!string.IsNullOrWhiteSpace(feed.Identity)
                && (!Enum.TryParse(feed.Identity.Trim(), ignoreCase: true, out identity) || !Enum.IsDefined(identity)))
            {
                problems.Add($"{path}:Identity: \"{feed.Identity}\" is not one of auto, guid, link, title, content.");
                continue;
            }

            var language = string.IsNullOrWhiteSpace(feed.Language) ? null : feed.Language.Trim();
            if (language is not null && !language.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                problems.Add($"{path}:Language: \"{feed.Language}\" is not a language tag such as \"en\" or \"zh-CN\".");
                continue;
            }

            TimeZoneInfo? zone = null;
            if (!string.IsNullOrWhiteSpace(feed.TimeZone) && !TZConvert.TryGetTimeZoneInfo(feed.TimeZone.Trim(), out zone))
            {
                problems.Add($"{path}:TimeZone: unknown time zone \"{feed.TimeZone.Trim()}\"; use an IANA name such as \"Asia/Shanghai\", or leave it out for dates in UTC.");
                continue;
            }

            if (ReadFurnitureRules(feed, path, problems) is not { } furniture)
            {
                continue;
            }

            var fetch = new FeedFetchSettings(
                string.IsNullOrWhiteSpace(feed.UserAgent) ? null : feed.UserAgent.Trim(),
                headers,
                string.IsNullOrWhiteSpace(feed.UserName) ? null : feed.UserName,
                feed.Password,
                proxy);
            feeds.Add(new Feed(id, source, string.IsNullOrWhiteSpace(feed.Title) ? null : feed.Title.Trim(), feed.Tags.ToList(), feed.PollInterval) { Fetch = fetch, Identity = identity, Language = language, TimeZone = zone, Furniture = furniture });
        }

        return feeds;
    }

    /// <summary>What a proxy setting says up to "://", or nothing: enough to find it, and no credentials.</summary>
    private static string ProxyScheme(string proxy)
    {
        var trimmed = proxy.Trim();
        var end = trimmed.IndexOf("://", StringComparison.Ordinal);
        return end >= 0 ? trimmed[..(end + 3)] : string.Empty;
    }

    private static bool TryResolveSource(string? url, string baseDirectory, out Uri source)
    {
        source = null!;
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        url = url.Trim();
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "file")
        {
            source = absolute;
            return true;
        }

        if (url.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        source = new Uri(Path.GetFullPath(url, baseDirectory));
        return true;
    }

    private static List<Topic> ReadTopics(List<TopicOptions> options, List<Feed> feeds, List<string> problems, out HashSet<string> ids)
    {
        var topics = new List<Topic>();
        ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i++)
        {
            var path = $"{CatalogOptions.SectionName}:Topics:{i}";
            var topic = options[i];
            var id = topic.Id?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                problems.Add($"{path}:Id: every topic needs an id (a short name such as \"online-censorship\").");
                continue;
            }

            if (!ids.Add(id))
            {
                problems.Add($"{path}:Id: the id \"{id}\" is used by another topic; ids must be unique.");
                continue;
            }

            var problemCount = problems.Count;
            var query = ReadQuery(topic, id, path, problems);
            var filter = ReadFeedFilter(topic, id, path, feeds, problems);
            if (problems.Count == problemCount && query is not null)
            {
                topics.Add(new Topic(id, string.IsNullOrWhiteSpace(topic.Name) ? id : topic.Name.Trim(), query, filter));
            }
        }

        return topics;
    }

    private static TopicQuery? ReadQuery(TopicOptions topic, string id, string path, List<string> problems)
    {
        var keywords = topic.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
        if (!string.IsNullOrWhiteSpace(topic.Query))
        {
            if (keywords.Count > 0)
            {
                // Both at once would leave the reader guessing how they combine (a NOT in the query
                // cannot exclude a keyword's stories if they are ORed): one or the other.
                problems.Add($"{path}:Keywords: topic \"{id}\" has both a Query and Keywords; put the keywords into the query (joined with OR).");
                return null;
            }

            if (TopicQuery.TryParse(topic.Query, out var query, out var error))
            {
                return query;
            }

            problems.Add($"{path}:Query: topic \"{id}\": {error.Message} in {topic.Query}");
            return null;
        }

        if (keywords.Count == 0)
        {
            problems.Add($"{path}:Query: topic \"{id}\" needs a Query (or at least one keyword in Keywords).");
            return null;
        }

        var bad = TopicQuery.TryFromKeywords(keywords, out var fromKeywords);
        if (bad >= 0)
        {
            problems.Add($"{path}:Keywords: topic \"{id}\": the keyword \"{keywords[bad]}\" has no letter or digit to match.");
            return null;
        }

        return fromKeywords;
    }

    /// <summary>Feed ids must name configured feeds and tags must be carried by one, so a typo never silently empties a topic.</summary>
    private static TopicFeedFilter ReadFeedFilter(TopicOptions topic, string id, string path, List<Feed> feeds, List<string> problems)
    {
        if (topic.Feeds.Count == 0 && topic.Tags.Count == 0 && topic.ExcludeFeeds.Count == 0 && topic.ExcludeTags.Count == 0)
        {
            return TopicFeedFilter.AllFeeds;
        }

        var only = topic.Feeds.Count == 0 && topic.Tags.Count == 0
            ? null
            : Resolve(topic.Feeds, topic.Tags, "Feeds", "Tags");
        var excluded = Resolve(topic.ExcludeFeeds, topic.ExcludeTags, "ExcludeFeeds", "ExcludeTags");
        return new TopicFeedFilter(only, excluded);

        HashSet<string> Resolve(List<string> feedIds, List<string> tags, string feedsSetting, string tagsSetting)
        {
            var resolved = new HashSet<string>(StringComparer.Ordinal);
            foreach (var feedId in feedIds.Select(f => f.Trim()))
            {
                if (feeds.Any(f => f.Id == feedId))
                {
                    resolved.Add(feedId);
                }
                else
                {
                    problems.Add($"{path}:{feedsSetting}: topic \"{id}\" names the feed \"{feedId}\", which is not configured; known feeds: {string.Join(", ", feeds.Select(f => f.Id))}.");
                }
            }

            foreach (var tag in tags.Select(t => t.Trim()))
            {
                var tagged = feeds.Where(f => f.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)).Select(f => f.Id).ToList();
                if (tagged.Count == 0)
                {
                    problems.Add($"{path}:{tagsSetting}: topic \"{id}\" names the tag \"{tag}\", which no configured feed has.");
                }

                resolved.UnionWith(tagged);
            }

            return resolved;
        }
    }

    /// <summary>
    /// Validates one subscriber as a configured one is (the choices a subscriber made on the web
    /// pages); the problems name the setting without a configuration path, e.g. "TimeZone: unknown …".
    /// </summary>
    public static bool TryCreateSubscriber(SubscriberOptions options, IEnumerable<string> topicIds, out Subscriber? subscriber, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var read = ReadSubscribers([options], topicIds.ToHashSet(StringComparer.Ordinal), problems);
        var prefix = $"{CatalogOptions.SectionName}:Subscribers:0";
        errors = problems.Select(p => p.StartsWith(prefix, StringComparison.Ordinal) ? p[prefix.Length..].TrimStart(':', ' ') : p).ToList();
        subscriber = read.FirstOrDefault();
        return problems.Count == 0 && subscriber is not null;
    }

    /// <summary>The feed's page-furniture rules; null (with the problems added) when a selector or pattern does not parse.</summary>
    private static FurnitureRules? ReadFurnitureRules(FeedOptions feed, string path, List<string> problems)
    {
        var before = problems.Count;
        var selectors = new List<string>();
        // Built only for a feed that has selectors: a parser brings up a whole AngleSharp browsing
        // context, which cost 90 ms a start with 1,000 feeds when made for each of them.
        AngleSharp.Css.Parser.CssSelectorParser? selectorParser = null;
        for (var k = 0; k < feed.RemoveSelectors.Count; k++)
        {
            var selector = feed.RemoveSelectors[k]?.Trim();
            if (string.IsNullOrEmpty(selector) || (selectorParser ??= new AngleSharp.Css.Parser.CssSelectorParser()).ParseSelector(selector) is null)
            {
                problems.Add($"{path}:RemoveSelectors:{k}: \"{feed.RemoveSelectors[k]}\" is not a CSS selector such as \"div.share\" or \"p.subscribe\".");
                continue;
            }

            selectors.Add(selector);
        }

        var patterns = new List<System.Text.RegularExpressions.Regex>();
        for (var k = 0; k < feed.RemovePatterns.Count; k++)
        {
            try
            {
                patterns.Add(FurnitureRules.CompilePattern(feed.RemovePatterns[k]));
            }
            catch (ArgumentException exception)
            {
                problems.Add($"{path}:RemovePatterns:{k}: \"{feed.RemovePatterns[k]}\" is not a regular expression: {exception.Message}");
            }
        }

        return problems.Count > before ? null : new FurnitureRules(selectors, patterns, feed.FurnitureHeuristics);
    }

    private static List<Subscriber> ReadSubscribers(List<SubscriberOptions> options, HashSet<string> topicIds, List<string> problems)
    {
        var subscribers = new List<Subscriber>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i++)
        {
            var path = $"{CatalogOptions.SectionName}:Subscribers:{i}";
            var subscriber = options[i];
            var problemCount = problems.Count;
            if (!MailAddress.TryCreate(subscriber.Email?.Trim(), out var address))
            {
                problems.Add($"{path}:Email: \"{subscriber.Email}\" is not an email address.");
                continue;
            }

            var key = address.Address.ToLowerInvariant();
            if (!keys.Add(key))
            {
                problems.Add($"{path}:Email: {address.Address} is listed twice; merge the two entries.");
                continue;
            }

            if (subscriber.Topics.Count == 0)
            {
                problems.Add($"{path}:Topics: {address.Address} needs at least one topic.");
            }

            foreach (var topic in subscriber.Topics.Where(t => !topicIds.Contains(t)))
            {
                problems.Add($"{path}:Topics: there is no topic \"{topic}\"; known topics: {string.Join(", ", topicIds)}.");
            }

            var schedule = ReadSchedule(subscriber, path, problems);
            if (subscriber.MaxStories is < 1 or > 1000)
            {
                problems.Add($"{path}:MaxStories must be between 1 and 1000 (it is {subscriber.MaxStories}).");
            }

            var format = DigestFormat.Html;
            if (!string.IsNullOrWhiteSpace(subscriber.Format) && !Enum.TryParse(subscriber.Format.Trim(), ignoreCase: true, out format))
            {
                problems.Add($"{path}:Format: \"{subscriber.Format}\" is not a digest format; use html or text.");
            }

            CultureInfo? language = null;
            if (!string.IsNullOrWhiteSpace(subscriber.Language))
            {
                try
                {
                    language = CultureInfo.GetCultureInfo(subscriber.Language.Trim(), predefinedOnly: true);
                }
                catch (CultureNotFoundException)
                {
                    problems.Add($"{path}:Language: \"{subscriber.Language}\" is not a language such as \"en\" or \"zh-CN\".");
                }
            }

            if (problems.Count == problemCount && schedule is not null)
            {
                subscribers.Add(new Subscriber(key, address.Address, subscriber.Name ?? (string.IsNullOrEmpty(address.DisplayName) ? null : address.DisplayName), subscriber.Topics.ToList(), schedule)
                {
                    MaxStories = subscriber.MaxStories,
                    Format = format,
                    Paused = subscriber.Paused,
                    Language = language,
                });
            }
        }

        return subscribers;
    }

    private static DigestSchedule? ReadSchedule(SubscriberOptions subscriber, string path, List<string> problems)
    {
        var zoneName = string.IsNullOrWhiteSpace(subscriber.TimeZone) ? "UTC" : subscriber.TimeZone.Trim();
        if (!TZConvert.TryGetTimeZoneInfo(zoneName, out var zone))
        {
            problems.Add($"{path}:TimeZone: unknown time zone \"{zoneName}\"; use an IANA name such as \"Asia/Shanghai\".");
            return null;
        }

        var slots = ReadSlots(subscriber, zone, path, problems);
        var weekdays = new HashSet<DayOfWeek>();
        foreach (var day in subscriber.Weekdays)
        {
            if (TryParseDay(day, out var weekday))
            {
                weekdays.Add(weekday);
            }
            else
            {
                problems.Add($"{path}:Weekdays: \"{day}\" is not a day of the week (Monday ... Sunday, or Mon ... Sun).");
            }
        }

        QuietHours? quiet = null;
        if (!string.IsNullOrWhiteSpace(subscriber.QuietHours))
        {
            var parts = subscriber.QuietHours.Split('-', StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && TryParseTime(parts[0], out var start) && TryParseTime(parts[1], out var end) && start != end)
            {
                quiet = new QuietHours(start, end);
            }
            else
            {
                problems.Add($"{path}:QuietHours: \"{subscriber.QuietHours}\" is not a span of local time as HH:mm-HH:mm (e.g. \"22:00-07:00\").");
            }
        }

        if (slots is null)
        {
            return null;
        }

        var schedule = slots.Limited(weekdays.Count == 0 ? null : weekdays, quiet);
        // A week and a day holds every slot of any daily, weekly or weekday-limited schedule.
        var probe = DateTimeOffset.UnixEpoch.AddYears(56);
        if (schedule.NextAfter(probe) is not { } next || next > probe.AddDays(8) && subscriber.Cron is null)
        {
            problems.Add($"{path}: {schedule.Description} leaves no time for a digest; widen Weekdays or narrow QuietHours.");
            return null;
        }

        return schedule;
    }

    private static DigestSchedule? ReadSlots(SubscriberOptions subscriber, TimeZoneInfo zone, string path, List<string> problems)
    {
        if (!string.IsNullOrWhiteSpace(subscriber.Cron))
        {
            if (DigestSchedule.TryCron(subscriber.Cron, zone, out var cron, out var error))
            {
                return cron;
            }

            problems.Add($"{path}:Cron: \"{subscriber.Cron}\" is not a five- or six-field cron expression: {error}");
            return null;
        }

        var sendAt = string.IsNullOrWhiteSpace(subscriber.SendAt) ? "07:00" : subscriber.SendAt.Trim();
        if (!TryParseTime(sendAt, out var at))
        {
            problems.Add($"{path}:SendAt: \"{sendAt}\" is not a time of day as HH:mm (e.g. \"07:00\").");
            return null;
        }

        switch (subscriber.Cadence?.Trim().ToLowerInvariant())
        {
            case null or "" or "daily":
                return DigestSchedule.Daily(at, zone);
            case "hourly":
                return DigestSchedule.Hourly(at.Minute, zone);
            case "weekly" when TryParseDay(subscriber.Day, out var day):
                return DigestSchedule.Weekly(day, at, zone);
            case "weekly":
                problems.Add($"{path}:Day: a weekly digest needs its day (Monday ... Sunday); \"{subscriber.Day}\" is not one.");
                return null;
            default:
                problems.Add($"{path}:Cadence: \"{subscriber.Cadence}\" is not a cadence; use hourly, daily or weekly, or give a Cron expression.");
                return null;
        }
    }

    private static bool TryParseTime(string text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text.Trim(), ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    /// <summary>A day's English name or its first three letters, any case.</summary>
    private static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = default;
        var name = text?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length < 3)
        {
            return false;
        }

        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            var full = candidate.ToString();
            if (string.Equals(name, full, StringComparison.OrdinalIgnoreCase) || string.Equals(name, full[..3], StringComparison.OrdinalIgnoreCase))
            {
                day = candidate;
                return true;
            }
        }

        return false;
    }
}
