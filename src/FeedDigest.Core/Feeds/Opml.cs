using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Feeds;

/// <summary>OPML 2.0 feed lists (http://opml.org/spec2.opml), the format every feed reader imports and exports.</summary>
public static class Opml
{
    public sealed record Entry(string Title, Uri XmlUrl, Uri? HtmlUrl, IReadOnlyList<string> Categories);

    public static string Write(IEnumerable<Feed> feeds, string title)
    {
        var body = new XElement("body", feeds.Select(feed => new XElement(
            "outline",
            new XAttribute("type", "rss"),
            new XAttribute("text", feed.Title ?? feed.Id),
            new XAttribute("title", feed.Title ?? feed.Id),
            new XAttribute("xmlUrl", feed.Source.IsFile ? feed.Source.LocalPath : feed.Source.AbsoluteUri),
            feed.Tags.Count > 0 ? new XAttribute("category", string.Join(',', feed.Tags)) : null)));
        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"), new XElement("head", new XElement("title", title)), body));
        return document.Declaration + "\n" + document.Root;
    }

    /// <summary>
    /// The feeds in an OPML document, nested folders flattened into categories. Outlines without an
    /// xmlUrl are folders; entries with an unusable URL are reported in <paramref name="problems"/>.
    /// </summary>
    public static IReadOnlyList<Entry> Read(string opml, List<string> problems)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(opml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException exception)
        {
            problems.Add($"line {exception.LineNumber}, column {exception.LinePosition}: {exception.Message}");
            return [];
        }

        var entries = new List<Entry>();
        foreach (var outline in document.Descendants().Where(e => e.Name.LocalName == "outline"))
        {
            var xmlUrl = Attribute(outline, "xmlUrl");
            if (xmlUrl is null)
            {
                continue;
            }

            if (!Uri.TryCreate(xmlUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                var line = ((IXmlLineInfo)outline).LineNumber;
                problems.Add($"line {line}: \"{xmlUrl}\" is not an http(s) feed URL; skipped");
                continue;
            }

            var folders = outline.Ancestors().Where(a => a.Name.LocalName == "outline").Select(a => Attribute(a, "text") ?? Attribute(a, "title")).OfType<string>().Reverse();
            var categories = (Attribute(outline, "category") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.Trim('/'));
            var title = Attribute(outline, "title") ?? Attribute(outline, "text") ?? uri.Host;
            Uri.TryCreate(Attribute(outline, "htmlUrl"), UriKind.Absolute, out var htmlUrl);
            entries.Add(new Entry(title.Trim(), uri, htmlUrl, folders.Concat(categories).Where(c => c.Length > 0).Distinct().ToList()));
        }

        return entries;
    }

    private static string? Attribute(XElement element, string name) =>
        element.Attributes().FirstOrDefault(a => string.Equals(a.Name.LocalName, name, StringComparison.OrdinalIgnoreCase))?.Value is { Length: > 0 } value ? value : null;
}
