namespace FeedDigest.Core.Feeds;

/// <summary>How one feed is fetched when it needs more than the defaults.</summary>
/// <param name="UserAgent">Replaces the default User-Agent for this feed (some sites block unknown clients).</param>
/// <param name="Headers">Extra request headers, such as an API key.</param>
/// <param name="UserName">HTTP basic authentication, with <paramref name="Password"/>.</param>
/// <param name="Proxy">An http://, https:// or socks5:// proxy, e.g. for readers behind a national firewall.</param>
public sealed record FeedFetchSettings(
    string? UserAgent,
    IReadOnlyDictionary<string, string> Headers,
    string? UserName,
    string? Password,
    Uri? Proxy)
{
    public static readonly FeedFetchSettings Default = new(null, new Dictionary<string, string>(), null, null, null);

    /// <summary>Whether requests carry anything of the feed's own to keep from other hosts: basic authentication or extra headers.</summary>
    public bool HasCredentials => UserName is not null || Headers.Count > 0;
}
