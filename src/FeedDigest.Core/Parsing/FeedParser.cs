using System.Text.RegularExpressions;
using System.Xml;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Parses one feed document of any supported format into the shared model. Never throws for bad
/// input: what cannot be read is reported in <see cref="ParsedFeed.Errors"/>.
/// </summary>
public static partial class FeedParser
{
    private const string Atom10Namespace = "http://www.w3.org/2005/Atom";

    /// <param name="body">The document's bytes, as fetched.</param>
    /// <param name="documentUri">Where the document came from; relative links resolve against it.</param>
    /// <param name="declaredCharset">The charset parameter of the HTTP Content-Type, if any.</param>
    public static ParsedFeed Parse(ReadOnlySpan<byte> body, Uri? documentUri = null, string? declaredCharset = null)
    {
        var errors = new List<string>();
        var decoded = FeedTextDecoder.Decode(body, declaredCharset, errors);
        return ParseText(decoded.Text, documentUri, errors);
    }

    private static ParsedFeed ParseText(string text, Uri? documentUri, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ParsedFeed.Unreadable(FeedFormat.Unknown, "line 1, column 1: the document is empty");
        }

        if (JsonFeedReader.LooksLikeJson(text))
        {
            return JsonFeedReader.Read(text, documentUri, errors);
        }

        var xml = XmlTextRepair.Repair(text, errors);
        var root = SniffRoot(xml);
        switch (root)
        {
            case { LocalName: "rss" }:
                return SyndicationDocumentReader.Read(AsRss20(xml, root.Version, errors), FeedFormat.Rss, documentUri, errors);
            case { LocalName: "feed", NamespaceUri: Atom10Namespace }:
                return SyndicationDocumentReader.Read(xml, FeedFormat.Atom, documentUri, errors);
            case { LocalName: "RDF" }:
                return Unsupported(FeedFormat.Rdf, "RSS 1.0 (RDF)", errors);
            case { LocalName: "feed" }:
                return Unsupported(FeedFormat.Atom, "Atom 0.3", errors);
            default:
                errors.Add(root is null
                    ? "line 1, column 1: no XML root element found; this is not an RSS or Atom feed"
                    : $"line 1, column 1: root element <{root.LocalName}> is not an RSS or Atom feed");
                return new ParsedFeed(FeedFormat.Unknown, null, null, [], true, errors);
        }
    }

    private static ParsedFeed Unsupported(FeedFormat format, string name, List<string> errors)
    {
        errors.Add($"line 1, column 1: {name} documents are not read yet");
        return new ParsedFeed(format, null, null, [], true, errors);
    }

    /// <summary>
    /// RSS 0.91–0.94 are subsets of 2.0 that System.ServiceModel.Syndication refuses only for the
    /// version attribute; relabelling the root lets the same reader take them.
    /// </summary>
    private static string AsRss20(string xml, string? version, List<string> errors)
    {
        if (version == "2.0")
        {
            return xml;
        }

        var match = RssRootTag().Match(xml);
        if (!match.Success)
        {
            return xml;
        }

        var tag = match.Value;
        var relabelled = RssVersionAttribute().IsMatch(tag)
            ? RssVersionAttribute().Replace(tag, "version=\"2.0\"", 1)
            : tag.Insert(4, " version=\"2.0\"");
        if (version is null)
        {
            errors.Add("line 1, column 1: <rss> has no version attribute; read as RSS 2.0");
        }

        return string.Concat(xml.AsSpan(0, match.Index), relabelled, xml.AsSpan(match.Index + match.Length));
    }

    private static RootElement? SniffRoot(string xml)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), SafeXml.ReaderSettings);
            if (reader.MoveToContent() == XmlNodeType.Element)
            {
                return new RootElement(reader.LocalName, reader.NamespaceURI, reader.GetAttribute("version"));
            }
        }
        catch (XmlException)
        {
            // Fall through to the textual sniff: a document broken before its root still has a name.
        }

        var match = RootTag().Match(xml);
        if (!match.Success)
        {
            return null;
        }

        var localName = match.Groups["name"].Value;
        localName = localName[(localName.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var ns = localName == "feed" && match.Value.Contains(Atom10Namespace, StringComparison.Ordinal) ? Atom10Namespace : string.Empty;
        var version = RssVersionAttribute().Match(match.Value);
        return new RootElement(localName, ns, version.Success ? version.Groups["version"].Value : null);
    }

    private sealed record RootElement(string LocalName, string NamespaceUri, string? Version);

    [GeneratedRegex("""<(?<name>(?:[A-Za-z_][\w.-]*:)?(?:rss|RDF|feed))\b[^>]*>""", RegexOptions.CultureInvariant)]
    private static partial Regex RootTag();

    [GeneratedRegex("""<rss\b[^>]*>""", RegexOptions.CultureInvariant)]
    private static partial Regex RssRootTag();

    [GeneratedRegex("""\bversion\s*=\s*["'](?<version>[^"']*)["']""", RegexOptions.CultureInvariant)]
    private static partial Regex RssVersionAttribute();
}
