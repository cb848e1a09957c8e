namespace FeedDigest.Core.Feeds;

/// <summary>A feed the admin follows, as validated from configuration.</summary>
/// <param name="Id">The admin's stable name for the feed; stories and state are keyed by it.</param>
/// <param name="Source">An http(s) URL, a file:// URL or an absolute local path.</param>
/// <param name="Title">The admin's display name for the outlet; falls back to the feed's own title.</param>
/// <param name="PollInterval">Overrides the default polling interval for this feed.</param>
public sealed record Feed(
    string Id,
    Uri Source,
    string? Title,
    IReadOnlyList<string> Tags,
    TimeSpan? PollInterval)
{
    public FeedFetchSettings Fetch { get; init; } = FeedFetchSettings.Default;

    public Stories.IdentityPolicy Identity { get; init; } = Stories.IdentityPolicy.Auto;

    /// <summary>The language the admin declares for the feed (a BCP 47 tag such as zh-CN): what topic queries' lang: matches.</summary>
    public string? Language { get; init; }

    /// <summary>The zone of the feed's dates that name none; null: UTC.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>How this feed's summaries are cleared of page furniture.</summary>
    public Normalizing.FurnitureRules Furniture { get; init; } = Normalizing.FurnitureRules.Default;
}
