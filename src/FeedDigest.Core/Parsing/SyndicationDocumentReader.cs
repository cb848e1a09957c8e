using System.ServiceModel.Syndication;
using System.Xml;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads RSS 2.0 and Atom 1.0 through System.ServiceModel.Syndication, the primary reader for the
/// documents it accepts, with lenient date and URI hooks. It is all or nothing: when the formatter refuses
/// the document or any item in it, <see cref="TryRead"/> returns null and the tolerant reader reads the
/// document instead, so a broken item never costs the good ones.
/// <para>
/// Where Syndication's object model drops what a reader needs, the values come from elsewhere, each for
/// a reason:
/// <list type="bullet">
/// <item>module elements (dc:title/creator/subject/date, content:encoded, iTunes, Media RSS, atom:* in
/// RSS) and core names in another case are captured as elements (<see cref="ExtensionCapture"/>) and read by
/// <see cref="FeedElementReader"/>, the same code the tolerant reader uses, so both paths rank them alike;</item>
/// <item>links are taken as written (<see cref="Uri.OriginalString"/>) and resolved by
/// <see cref="LinkResolver"/>: Syndication's Uri normalises ("http://a.org" becomes "http://a.org/") and
/// does not check that a base is safe;</item>
/// <item><c>&lt;link href="…"/&gt;</c> in RSS has its URL in an attribute Syndication keeps as an extension;</item>
/// <item>title text is typed by <see cref="TextConstruct"/>: Syndication returns xhtml titles as markup and
/// has no notion of RSS titles that hold HTML.</item>
/// </list>
/// </para>
/// </summary>
internal static class SyndicationDocumentReader
{
    private static readonly XmlQualifiedName HrefAttribute = new("href", string.Empty);

    /// <summary>Reads the document, or returns null when Syndication refuses it or any item in it.</summary>
    public static ParsedFeed? TryRead(string xml, FeedFormat format, Uri? documentUri, List<string> errors)
    {
        using var reader = SafeXml.CreateReader(new StringReader(xml));
        return TryRead(reader, format, documentUri, errors);
    }

    /// <summary>Reads the document from a reader made by <see cref="SafeXml.CreateReader(Stream)"/>.</summary>
    public static ParsedFeed? TryRead(XmlReader reader, FeedFormat format, Uri? documentUri, List<string> errors)
    {
        SyndicationFeedFormatter formatter = format == FeedFormat.Atom
            ? new Atom10FeedFormatter<CapturingSyndicationFeed>()
            // Atom elements inside RSS are read by FeedElementReader, which ranks them below RSS's own.
            : new Rss20FeedFormatter<CapturingSyndicationFeed> { SerializeExtensionsAsAtom = false };
        formatter.DateTimeParser = ParseDate;
        formatter.UriParser = ParseUri;
        try
        {
            formatter.ReadFrom(reader);
            if (!AtEndOfDocument(reader))
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is XmlException or FormatException or ArgumentException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            return null;
        }

        var feed = (CapturingSyndicationFeed)formatter.Feed;
        if (feed.CapturedElements.Exists(TolerantFeedReader.IsItem))
        {
            // Items where the formatter does not look for them (an Atom feed of <item>s, RSS <entry>s):
            // Syndication's model would lose them, the tolerant reader reads them.
            return null;
        }

        var documentBase = LinkResolver.DocumentBase(documentUri);
        var feedBase = Rebase(documentBase, feed.BaseUri);
        var draft = new FeedDraft();
        if (feed.Title is { } title)
        {
            draft.Title.Offer(ReadTitle(title, format), 0);
        }

        OfferLinks(ref draft.Link, feed.Links, format, feedBase, null);
        FeedElementReader.OfferIdAsLink(ref draft.Link, feed.Id?.Trim());
        foreach (var element in feed.CapturedElements)
        {
            FeedElementReader.ApplyToFeed(draft, element, format, feedBase);
        }

        var items = new List<ParsedItem>();
        foreach (var item in feed.Items)
        {
            items.Add(ToParsedItem((CapturingSyndicationItem)item, format, feedBase));
        }

        return new ParsedFeed(format, draft.Title.Value, draft.Link.Value, items, errors.Count > 0, errors) { TimeToLive = draft.TimeToLive };
    }

    /// <summary>
    /// Whether the formatter consumed the whole document. Rss20FeedFormatter reads categories and authors
    /// with ReadString, which stops inside child elements (naked markup) without failing and leaves the
    /// formatter one end tag out of step: it then "finishes" early and silently mis-assigns elements.
    /// Anything but the end of the document after it is such a desynchronisation (or content after the
    /// root, which is not well-formed); the tolerant reader reads the document instead.
    /// </summary>
    private static bool AtEndOfDocument(XmlReader reader)
    {
        while (!reader.EOF)
        {
            if (reader.NodeType is not (XmlNodeType.None or XmlNodeType.Whitespace or XmlNodeType.Comment or XmlNodeType.ProcessingInstruction or XmlNodeType.XmlDeclaration))
            {
                return false;
            }

            reader.Read();
        }

        return true;
    }

    private static ParsedItem ToParsedItem(CapturingSyndicationItem item, FeedFormat format, Uri? feedBase)
    {
        // Syndication combines the feed's and the item's xml:base into item.BaseUri; rebasing that on the
        // feed's base changes nothing for a safe base and keeps the feed's when the item's is unsafe.
        var itemBase = Rebase(feedBase, item.BaseUri);
        var draft = new ItemDraft();
        if (item.Title is { } title)
        {
            draft.Title.Offer(ReadTitle(title, format), 0);
        }

        var id = item.Id?.Trim();
        OfferLinks(ref draft.Link, item.Links, format, itemBase, id);
        draft.Id.Offer(id, 0);
        if (format == FeedFormat.Atom)
        {
            draft.OfferIdAsLink(id);
        }

        draft.Published.Offer(OrNull(item.PublishDate), 0);
        draft.Updated.Offer(OrNull(item.LastUpdatedTime), 0);
        if (format == FeedFormat.Atom)
        {
            draft.Published.Offer(OrNull(item.LastUpdatedTime), 4);
        }

        foreach (var person in item.Authors)
        {
            // Atom persons have a name (else an e-mail); an RSS <author> is free text Syndication stores as Email.
            var name = format == FeedFormat.Atom && !string.IsNullOrWhiteSpace(person.Name)
                ? TextConstruct.FromCharacters(person.Name, TextKind.Text).Plain
                : PersonText.DisplayName(TextConstruct.FromCharacters(person.Email ?? person.Name ?? string.Empty, format == FeedFormat.Atom ? TextKind.Text : TextKind.Guess).Plain);
            draft.Author.Offer(name, 0);
        }

        foreach (var category in item.Categories)
        {
            draft.AddCategory(category.Name);
            draft.AddCategory(category.Label);
        }

        // Rss20FeedFormatter moves the description to Content when an item has no link.
        var summary = item.Summary ?? (format == FeedFormat.Rss ? item.Content as TextSyndicationContent : null);
        if (summary is not null)
        {
            draft.Summary.Offer(ReadHtml(summary, format == FeedFormat.Atom ? TextKind.Text : TextKind.Html), 0);
        }

        if (format == FeedFormat.Atom && item.Content is TextSyndicationContent content)
        {
            draft.Content.Offer(ReadHtml(content, TextKind.Text), 1);
        }

        foreach (var element in item.CapturedElements)
        {
            FeedElementReader.ApplyToItem(draft, element, format, itemBase);
        }

        return draft.ToParsedItem();
    }

    private static string ReadTitle(TextSyndicationContent title, FeedFormat format) =>
        TextConstruct.FromCharacters(title.Text ?? string.Empty, KindOf(title, format == FeedFormat.Atom ? TextKind.Text : TextKind.Guess)).Plain;

    private static string ReadHtml(TextSyndicationContent content, TextKind fallback) =>
        TextConstruct.FromCharacters(content.Text ?? string.Empty, KindOf(content, fallback)).Html;

    private static TextKind KindOf(TextSyndicationContent content, TextKind fallback) => content.Type switch
    {
        "html" => TextKind.Html,
        "xhtml" => TextKind.Xhtml,
        _ => fallback,
    };

    /// <summary>Alternate links as <see cref="FeedElementReader"/> ranks them (the last wins; Atom prefers HTML types).</summary>
    /// <remarks>
    /// Rss20FeedFormatter adds a permalink guid as an alternate link when the item has no &lt;link&gt;; such
    /// a link (equal to <paramref name="guid"/>) is ranked as FeedElementReader ranks guids: a fallback,
    /// and only when it is an absolute URI.
    /// </remarks>
    private static void OfferLinks(ref Candidate<string> candidate, IEnumerable<SyndicationLink> links, FeedFormat format, Uri? baseUri, string? guid)
    {
        foreach (var link in links)
        {
            if (link.RelationshipType is not (null or "" or "alternate") || link.Uri is null || ReferenceEquals(link.Uri, InvalidUri))
            {
                continue;
            }

            var linkBase = Rebase(baseUri, link.BaseUri);
            var raw = link.Uri.OriginalString;
            if (format != FeedFormat.Atom)
            {
                if (raw.Length == 0 && link.AttributeExtensions.TryGetValue(HrefAttribute, out var href))
                {
                    raw = href;
                }

                if (guid is not null && raw == guid)
                {
                    FeedElementReader.OfferIdAsLink(ref candidate, guid);
                    continue;
                }

                candidate.Offer(Resolve(link, raw, linkBase), 0, lastWins: true);
                continue;
            }

            var type = link.MediaType?.Trim().ToLowerInvariant();
            var isHtml = string.IsNullOrEmpty(type) || type is "text/html" or "application/xhtml+xml" or "html" or "xhtml";
            candidate.Offer(Resolve(link, raw, linkBase), isHtml ? 0 : 1, lastWins: true);
        }
    }

    /// <summary>The link as LinkResolver resolves it, without parsing again a URL the URI hook already parsed.</summary>
    private static string? Resolve(SyndicationLink link, string raw, Uri? baseUri) =>
        link.Uri.IsAbsoluteUri && ReferenceEquals(raw, link.Uri.OriginalString) && LinkResolver.HasScheme(raw)
            ? raw
            : LinkResolver.Resolve(raw, baseUri);

    private static Uri? Rebase(Uri? outer, Uri? xmlBase) =>
        xmlBase is null ? outer : LinkResolver.Rebase(outer, xmlBase.OriginalString);

    private static DateTimeOffset? OrNull(DateTimeOffset value) =>
        value == DateTimeOffset.MinValue ? null : value;

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
        else if (!LinkResolver.HasScheme(text) && Uri.TryCreate(text.Replace(" ", "%20", StringComparison.Ordinal), UriKind.Relative, out var escaped))
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
}
