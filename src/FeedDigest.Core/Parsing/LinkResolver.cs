using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Resolves links the way XML Base (W3C, 2nd ed.) and RFC 3986 §5 say, with the safety rules feedparser
/// applies: a base in a scheme that could run code (javascript:, data: …) is ignored.
/// </summary>
internal static class LinkResolver
{
    /// <summary>
    /// The base URI in effect for <paramref name="element"/>: the xml:base attributes on it and its
    /// ancestors, resolved one inside the other, on top of <paramref name="outerBase"/>.
    /// </summary>
    public static Uri? BaseOf(XElement element, Uri? outerBase)
    {
        var chain = new List<string>();
        for (var current = element; current is not null; current = current.Parent)
        {
            if (current.Attribute(XNamespace.Xml + "base") is { } attribute)
            {
                chain.Add(attribute.Value);
            }
        }

        var baseUri = outerBase;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            baseUri = Rebase(baseUri, chain[i]);
        }

        return baseUri;
    }

    /// <summary>
    /// The base URI in effect inside the last of <paramref name="elements"/> (outermost first, each the
    /// parent of the next, as a tree builder holds them open): their xml:base attributes resolved one
    /// inside the other on top of <paramref name="outerBase"/>.
    /// </summary>
    public static Uri? BaseOf(IEnumerable<XElement> elements, Uri? outerBase)
    {
        var baseUri = outerBase;
        foreach (var element in elements)
        {
            if (element.Attribute(XNamespace.Xml + "base") is { } attribute)
            {
                baseUri = Rebase(baseUri, attribute.Value);
            }
        }

        return baseUri;
    }

    /// <summary>The base after an xml:base value: resolved against the current one, ignored when unsafe or unusable.</summary>
    public static Uri? Rebase(Uri? current, string? xmlBase)
    {
        var text = xmlBase?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return current;
        }

        Uri? candidate = null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && !IsImplicitFilePath(text))
        {
            candidate = absolute;
        }
        else if (current is not null && Uri.TryCreate(current, text, out var resolved))
        {
            candidate = resolved;
        }

        return candidate is not null && IsSafeBase(candidate) ? candidate : current;
    }

    /// <summary>
    /// A link as an absolute URI string. An absolute link is returned as written (no normalisation: the
    /// publisher's string is the identity readers compare); a relative one is resolved against
    /// <paramref name="baseUri"/>, or returned as written when there is no base. An absolute link that
    /// does not parse is dropped (null) rather than rebased onto the feed's host.
    /// </summary>
    public static string? Resolve(string? link, Uri? baseUri)
    {
        var text = link?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (HasScheme(text))
        {
            return Uri.TryCreate(text, UriKind.Absolute, out _) ? text : null;
        }

        if (baseUri is null || !baseUri.IsAbsoluteUri)
        {
            return text;
        }

        if (Uri.TryCreate(baseUri, text, out var resolved)
            || Uri.TryCreate(baseUri, text.Replace(" ", "%20", StringComparison.Ordinal), out resolved))
        {
            return resolved.AbsoluteUri;
        }

        return text;
    }

    /// <summary>Whether the text starts with a URI scheme (RFC 3986 §3.1) and so is an absolute URI.</summary>
    public static bool HasScheme(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (var i = 1; i < colon; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A document URI is a base for its relative links only when readers could follow the result:
    /// http(s). A local file's path is no base for a link in an e-mail.
    /// </summary>
    public static Uri? DocumentBase(Uri? documentUri) =>
        documentUri is { IsAbsoluteUri: true } && (documentUri.Scheme == Uri.UriSchemeHttp || documentUri.Scheme == Uri.UriSchemeHttps)
            ? documentUri
            : null;

    private static bool IsSafeBase(Uri uri) =>
        uri.Scheme is "http" or "https" or "ftp" or "ftps" or "file" or "gopher" or "news" or "nntp" or "feed" or "urn" or "tag" or "magnet" or "mailto";

    // Uri.TryCreate takes "/path" as an absolute file path on Unix; for a base that is a relative reference.
    private static bool IsImplicitFilePath(string text) => !HasScheme(text);
}
