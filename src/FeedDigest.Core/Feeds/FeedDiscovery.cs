using AngleSharp.Html.Parser;

namespace FeedDigest.Core.Feeds;

/// <summary>
/// Finds the feeds a web page advertises with &lt;link rel="alternate" type="application/rss+xml"&gt;
/// (and Atom and JSON Feed), so an admin can give a site's address instead of its feed's.
/// </summary>
public static class FeedDiscovery
{
    private static readonly HtmlParser Parser = new();

    private static readonly string[] FeedTypes =
    [
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json", "application/rdf+xml", "application/xml", "text/xml",
    ];

    /// <summary>The advertised feeds in page order, RSS and Atom before generic XML; links made absolute.</summary>
    public static IReadOnlyList<Uri> FindFeeds(string html, Uri pageUri)
    {
        var document = Parser.ParseDocument(html);
        var baseUri = document.QuerySelector("base[href]")?.GetAttribute("href") is { } href && Uri.TryCreate(pageUri, href, out var declared)
            ? declared
            : pageUri;
        return document.QuerySelectorAll("link[rel][href]")
            .Where(link => link.GetAttribute("rel")!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("alternate", StringComparer.OrdinalIgnoreCase))
            .Select(link => (Type: (link.GetAttribute("type") ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant(), Href: link.GetAttribute("href")!))
            .Where(link => FeedTypes.Contains(link.Type))
            .OrderBy(link => Array.IndexOf(FeedTypes, link.Type))
            .Select(link => Uri.TryCreate(baseUri, link.Href.Trim(), out var uri) && uri.Scheme is "http" or "https" ? uri : null)
            .OfType<Uri>()
            .Distinct()
            .ToList();
    }

    /// <summary>Whether fetched content is a web page rather than a feed.</summary>
    public static bool LooksLikeHtml(string? mediaType, ReadOnlySpan<byte> body)
    {
        if (mediaType is "text/html" or "application/xhtml+xml")
        {
            return true;
        }

        var head = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 1024)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }
}
