namespace FeedDigest.Core.Configuration;

/// <summary>
/// The feeds, topics and subscribers an admin configures, bound from the "FeedDigest" section as
/// written; <see cref="Catalog.TryCreate"/> validates it into the model the pipeline runs on.
/// </summary>
public sealed class CatalogOptions
{
    public const string SectionName = "FeedDigest";

    public List<FeedOptions> Feeds { get; set; } = [];

    public List<TopicOptions> Topics { get; set; } = [];

    public List<SubscriberOptions> Subscribers { get; set; } = [];
}

public sealed class FeedOptions
{
    public string? Id { get; set; }

    /// <summary>http(s) URL, file:// URL, or a local path (relative paths start at the content root).</summary>
    public string? Url { get; set; }

    public string? Title { get; set; }

    public List<string> Tags { get; set; } = [];

    public TimeSpan? PollInterval { get; set; }

    /// <summary>Replaces the default User-Agent for this feed only.</summary>
    public string? UserAgent { get; set; }

    /// <summary>Extra request headers for this feed, each as "Name: value" (e.g. "X-Api-Key: 123").</summary>
    public List<string> Headers { get; set; } = [];

    /// <summary>HTTP basic authentication; put the password in an environment variable, not the file.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>An http://, https:// or socks5:// proxy for this feed.</summary>
    public string? Proxy { get; set; }

    /// <summary>What tells this feed's items apart: auto (default), guid, link, title or content.</summary>
    public string? Identity { get; set; }

    /// <summary>The feed's language as a BCP 47 tag (en, zh-CN): what a topic query's lang: matches.</summary>
    public string? Language { get; set; }

    /// <summary>
    /// The zone of this feed's dates that name none (an IANA name such as "Asia/Shanghai"): Xinhua's
    /// "2026-11-28 10:00:00" is Beijing time. Left out: such dates are UTC.
    /// </summary>
    public string? TimeZone { get; set; }

    /// <summary>CSS selectors of page furniture in this feed's item HTML (e.g. "div.share-bar", "p.subscribe"), removed before summaries are made.</summary>
    public List<string> RemoveSelectors { get; set; } = [];

    /// <summary>
    /// Regular expressions removed from this feed's item text, each block (paragraph, list item) a
    /// line: "^Subscribe to CDT$", or "(?s)^Subscribe to CDT$.*" for it and everything after it.
    /// </summary>
    public List<string> RemovePatterns { get; set; } = [];

    /// <summary>The default page-furniture heuristics (repeated blocks, share/subscribe/ads blocks …); false turns them off for this feed.</summary>
    public bool FurnitureHeuristics { get; set; } = true;
}

public sealed class TopicOptions
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>A topic query (README.md, "Topic queries"); give this or <see cref="Keywords"/>.</summary>
    public string? Query { get; set; }

    /// <summary>Shorthand for a query that is any of these phrases, in the title or the summary.</summary>
    public List<string> Keywords { get; set; } = [];

    /// <summary>Only stories from these feeds (ids) or from feeds with these tags match; both empty: every feed.</summary>
    public List<string> Feeds { get; set; } = [];

    public List<string> Tags { get; set; } = [];

    /// <summary>Stories from these feeds, or from feeds with these tags, never match.</summary>
    public List<string> ExcludeFeeds { get; set; } = [];

    public List<string> ExcludeTags { get; set; } = [];
}

public sealed class SubscriberOptions
{
    public string? Email { get; set; }

    public string? Name { get; set; }

    public List<string> Topics { get; set; } = [];

    /// <summary>hourly, daily (the default) or weekly.</summary>
    public string? Cadence { get; set; }

    /// <summary>Local time of the daily or weekly digest, HH:mm (default 07:00); for hourly, its minutes say when in the hour.</summary>
    public string? SendAt { get; set; }

    /// <summary>The day of a weekly digest (Monday, Tuesday, ...).</summary>
    public string? Day { get; set; }

    /// <summary>A five-field cron expression, or six with seconds first; used instead of <see cref="Cadence"/> and <see cref="SendAt"/> when given.</summary>
    public string? Cron { get; set; }

    /// <summary>The days digests may go out on (e.g. Monday ... Friday); empty: every day.</summary>
    public List<string> Weekdays { get; set; } = [];

    /// <summary>A local span with no digests, "HH:mm-HH:mm" (may cross midnight, e.g. "22:00-07:00").</summary>
    public string? QuietHours { get; set; }

    /// <summary>The most stories in one digest; default FeedDigest:Digests:MaxStoriesPerDigest.</summary>
    public int? MaxStories { get; set; }

    /// <summary>html (default: HTML with a text alternative) or text (plain text only).</summary>
    public string? Format { get; set; }

    /// <summary>No digests while paused.</summary>
    public bool Paused { get; set; }

    /// <summary>IANA time zone (Windows names are accepted too). Defaults to UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>A culture name (en, en-GB, zh-CN, zh-TW …): the digest's subject, heading and dates are written in it. Defaults to English.</summary>
    public string? Language { get; set; }
}
