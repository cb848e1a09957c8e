using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads RSS 2.0 and Atom 1.0 through System.ServiceModel.Syndication, with the hooks that make it
/// survive real feeds: lenient dates and URIs, and each item read on its own so a broken item costs
/// only itself.
/// </summary>
internal static class SyndicationDocumentReader
{
    private const string ContentNamespace = "http://purl.org/rss/1.0/modules/content/";
    private const string DublinCoreNamespace = "http://purl.org/dc/elements/1.1/";

    public static ParsedFeed Read(string xml, FeedFormat format, Uri? documentUri, List<string> errors)
    {
        var progress = new ReadProgress(errors);
        SyndicationFeedFormatter formatter = format == FeedFormat.Atom
            ? new IsolatingAtomFormatter(progress)
            : new IsolatingRssFormatter(progress);
        formatter.DateTimeParser = ParseDate;
        formatter.UriParser = ParseUri;

        var completed = true;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), SafeXml.ReaderSettings);
            formatter.ReadFrom(reader);
        }
        catch (Exception exception) when (exception is XmlException or FormatException or ArgumentException or InvalidOperationException)
        {
            completed = false;
            errors.Add(SafeXml.Describe(exception));
        }

        // A formatter that failed half-way has no Feed; the feed it was filling and the items read are kept.
        var feed = completed ? formatter.Feed : progress.Feed;
        var items = progress.Items;
        var baseUri = Resolve(feed?.BaseUri, documentUri) ?? documentUri;
        var parsedItems = items.Select(item => ToParsedItem(item, baseUri)).ToList();
        return new ParsedFeed(
            format,
            feed is null ? null : TextOf(feed.Title),
            feed is null ? null : AlternateLink(feed.Links, baseUri),
            parsedItems,
            errors.Count > 0,
            errors);
    }

    private static ParsedItem ToParsedItem(SyndicationItem item, Uri? feedBase)
    {
        var baseUri = Resolve(item.BaseUri, feedBase) ?? feedBase;
        var dcDate = FeedDateParser.Parse(ReadExtension(item, "date", DublinCoreNamespace));
        var published = OrNull(item.PublishDate);
        var updated = OrNull(item.LastUpdatedTime);
        var author = item.Authors.Select(a => a.Name ?? a.Email).FirstOrDefault(a => !string.IsNullOrWhiteSpace(a))
            ?? ReadExtension(item, "creator", DublinCoreNamespace);
        var content = ReadExtension(item, "encoded", ContentNamespace) ?? ContentText(item.Content);
        var summary = TextOrMarkup(item.Summary);
        var link = AlternateLink(item.Links, baseUri);
        var id = string.IsNullOrWhiteSpace(item.Id) ? null : item.Id.Trim();

        return new ParsedItem
        {
            Id = id,
            Title = TextOf(item.Title),
            Link = link,
            Published = published ?? dcDate,
            Updated = updated ?? dcDate,
            Author = author is null ? null : HtmlText.ToPlainText(author),
            Summary = summary,
            Content = content,
            Categories = item.Categories
                .Select(c => string.IsNullOrWhiteSpace(c.Name) ? c.Label : c.Name)
                .Where(c => !string.IsNullOrWhiteSpace(c))
                .Select(c => c!.Trim())
                .ToList(),
        };
    }

    private static DateTimeOffset? OrNull(DateTimeOffset value) =>
        value == DateTimeOffset.MinValue ? null : value.ToUniversalTime();

    private static string? TextOf(TextSyndicationContent? content) =>
        content is null ? null : HtmlText.ToPlainText(content.Text);

    private static string? TextOrMarkup(TextSyndicationContent? content) =>
        content is null || string.IsNullOrWhiteSpace(content.Text) ? null : content.Text;

    private static string? ContentText(SyndicationContent? content) => content switch
    {
        TextSyndicationContent text when !string.IsNullOrWhiteSpace(text.Text) => text.Text,
        _ => null,
    };

    private static string? AlternateLink(IEnumerable<SyndicationLink> links, Uri? baseUri)
    {
        var link = links.FirstOrDefault(l => l.RelationshipType is null or "alternate")
            ?? links.FirstOrDefault();
        if (link?.Uri is null || link.Uri.OriginalString == InvalidUri.OriginalString)
        {
            return null;
        }

        return (Resolve(link.Uri, link.BaseUri is null ? baseUri : Resolve(link.BaseUri, baseUri)) ?? link.Uri).ToString();
    }

    private static Uri? Resolve(Uri? uri, Uri? baseUri)
    {
        if (uri is null)
        {
            return null;
        }

        if (uri.IsAbsoluteUri || baseUri is null || !baseUri.IsAbsoluteUri)
        {
            return uri;
        }

        return Uri.TryCreate(baseUri, uri, out var absolute) ? absolute : uri;
    }

    private static string? ReadExtension(SyndicationItem item, string name, string ns)
    {
        foreach (var extension in item.ElementExtensions)
        {
            if (extension.OuterName == name && extension.OuterNamespace == ns)
            {
                using var reader = extension.GetReader();
                reader.MoveToContent();
                var value = ((XElement)XNode.ReadFrom(reader)).Value;
                return string.IsNullOrWhiteSpace(value) ? null : value;
            }
        }

        return null;
    }

    // The formatters throw when a hook returns false, so an unreadable value is returned as a
    // sentinel that the mapping above turns into null.
    private static bool ParseDate(XmlDateTimeData data, out DateTimeOffset value)
    {
        value = FeedDateParser.Parse(data.DateTimeString) ?? DateTimeOffset.MinValue;
        return true;
    }

    private static readonly Uri InvalidUri = new("feeddigest-invalid-uri", UriKind.Relative);

    private static bool ParseUri(XmlUriData data, out Uri value)
    {
        var text = data.UriString?.Trim() ?? string.Empty;
        if (Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri))
        {
            value = uri;
        }
        else if (!HasScheme(text) && Uri.TryCreate(text.Replace(" ", "%20", StringComparison.Ordinal), UriKind.Relative, out var escaped))
        {
            // A relative path with stray characters (spaces, brackets) is still a path on the feed's site.
            value = escaped;
        }
        else
        {
            // An absolute URL that does not parse is dropped, never rebased onto the feed's host.
            value = InvalidUri;
        }

        return true;
    }

    private static bool HasScheme(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && text[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }

    /// <summary>What the formatter has read so far, kept outside it so a late failure loses nothing.</summary>
    private sealed class ReadProgress(List<string> errors)
    {
        public List<SyndicationItem> Items { get; } = [];

        public SyndicationFeed? Feed { get; private set; }

        /// <summary>Reads one item element on its own; a broken item is reported and skipped.</summary>
        public SyndicationItem ReadIsolated(XmlReader reader, SyndicationFeed feed, Func<XmlReader, SyndicationItem> readItem)
        {
            Feed = feed;
            var position = SafeXml.PositionOf(reader);
            var element = (XElement)XNode.ReadFrom(reader);
            try
            {
                using var itemReader = element.CreateReader();
                itemReader.MoveToContent();
                var item = readItem(itemReader);
                Items.Add(item);
                return item;
            }
            catch (Exception exception) when (exception is XmlException or FormatException or ArgumentException or InvalidOperationException or OverflowException)
            {
                errors.Add($"{position}: item skipped: {exception.Message}");
                return new SyndicationItem();
            }
        }
    }

    private sealed class IsolatingRssFormatter(ReadProgress progress) : Rss20FeedFormatter
    {
        protected override SyndicationItem ReadItem(XmlReader reader, SyndicationFeed feed) =>
            progress.ReadIsolated(reader, feed, r => base.ReadItem(r, feed));
    }

    private sealed class IsolatingAtomFormatter(ReadProgress progress) : Atom10FeedFormatter
    {
        protected override SyndicationItem ReadItem(XmlReader reader, SyndicationFeed feed) =>
            progress.ReadIsolated(reader, feed, r => base.ReadItem(r, feed));
    }
}
