using System.Xml.Linq;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// What each element of a channel or item means, across RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and the modules
/// feeds use (Dublin Core, content, iTunes, Media RSS). Element names match case-insensitively and
/// namespaces by vocabulary (<see cref="FeedNamespaces"/>), as in feedparser. Ranks order the sources
/// of one field: the format's own element first, then module fallbacks in the order gofeed's translator
/// and feedparser use them.
/// </summary>
internal static class FeedElementReader
{
    /// <summary>Reads one child element of a channel (RSS, RDF) or feed (Atom).</summary>
    public static void ApplyToFeed(FeedDraft draft, XElement element, FeedFormat format, Uri? outerBase)
    {
        var vocabulary = FeedNamespaces.Classify(element.Name.Namespace);
        var name = element.Name.LocalName.ToLowerInvariant();
        switch (vocabulary, name)
        {
            case (FeedVocabulary.Core, "title"):
                draft.Title.Offer(ReadTitle(element, format), 0);
                break;
            case (FeedVocabulary.Core, "link"):
                OfferLink(ref draft.Link, element, format, outerBase);
                break;
            case (FeedVocabulary.Core, "id"):
                OfferIdAsLink(ref draft.Link, TextConstruct.RawValue(element).Trim());
                break;
            case (FeedVocabulary.DublinCore, "title"):
                draft.Title.Offer(ReadTitle(element, format), 1);
                break;
            case (FeedVocabulary.Itunes, "title"):
                draft.Title.Offer(ReadTitle(element, format), 3);
                break;
            case (FeedVocabulary.Core, "ttl"):
                // The first readable <ttl> counts; an unreadable one offers nothing.
                if (TimeToLiveReader.FromTtl(element.Value) is { } ttl)
                {
                    draft.Ttl.Offer(ttl, 0);
                }

                break;
            case (FeedVocabulary.Syndication, "updateperiod"):
                draft.UpdatePeriod ??= element.Value;
                break;
            case (FeedVocabulary.Syndication, "updatefrequency"):
                draft.UpdateFrequency ??= element.Value;
                break;
        }
    }

    /// <summary>Reads one child element of an item (RSS, RDF) or entry (Atom).</summary>
    public static void ApplyToItem(ItemDraft draft, XElement element, FeedFormat format, Uri? outerBase)
    {
        var vocabulary = FeedNamespaces.Classify(element.Name.Namespace);
        var name = element.Name.LocalName.ToLowerInvariant();
        switch (vocabulary)
        {
            case FeedVocabulary.Core:
                ApplyCore(draft, element, name, format, outerBase);
                break;
            case FeedVocabulary.DublinCore:
                ApplyDublinCore(draft, element, name, format);
                break;
            case FeedVocabulary.DublinCoreTerms:
                if (name is "issued" or "created")
                {
                    draft.Published.Offer(ReadDate(element), name == "issued" ? 1 : 3);
                }
                else if (name == "modified")
                {
                    draft.Updated.Offer(ReadDate(element), 1);
                }

                break;
            case FeedVocabulary.Content when name == "encoded":
                draft.Content.Offer(TextConstruct.FromCharacters(element.HasElements ? TextConstruct.InnerMarkup(element) : element.Value, TextKind.Html).Html, 0);
                break;
            case FeedVocabulary.Itunes:
                ApplyItunes(draft, element, name, format);
                break;
            case FeedVocabulary.MediaRss:
                ApplyMedia(draft, element, name, format);
                break;
        }
    }

    private static void ApplyCore(ItemDraft draft, XElement element, string name, FeedFormat format, Uri? outerBase)
    {
        switch (name)
        {
            case "title":
                draft.Title.Offer(ReadTitle(element, format), 0);
                break;
            case "link":
                OfferLink(ref draft.Link, element, format, outerBase);
                break;
            case "guid":
                var guid = TextConstruct.RawValue(element).Trim();
                draft.Id.Offer(guid, 0);
                // An RSS guid is a permalink unless it says otherwise (RSS 2.0, <guid> isPermaLink).
                if (!string.Equals(TextConstruct.Attribute(element, "isPermaLink")?.Trim(), "false", StringComparison.OrdinalIgnoreCase))
                {
                    draft.OfferIdAsLink(guid);
                }

                break;
            case "id":
                var id = TextConstruct.RawValue(element).Trim();
                draft.Id.Offer(id, 0);
                draft.OfferIdAsLink(id);
                break;
            case "enclosure":
                // Media RSS elements inside an enclosure still describe the item (gofeed issue #217).
                foreach (var child in element.Elements())
                {
                    if (FeedNamespaces.Classify(child.Name.Namespace) == FeedVocabulary.MediaRss)
                    {
                        ApplyMedia(draft, child, child.Name.LocalName.ToLowerInvariant(), format);
                    }
                }

                break;
            case "description":
                draft.Summary.Offer(TextConstruct.Read(element, TextKind.Html).Html, 0);
                break;
            case "summary":
                draft.Summary.Offer(TextConstruct.Read(element, format == FeedFormat.Atom ? TextKind.Text : TextKind.Html).Html, 0);
                break;
            case "content":
                draft.Content.Offer(TextConstruct.Read(element, format == FeedFormat.Atom ? TextKind.Text : TextKind.Html).Html, 1);
                break;
            case "pubdate" or "published" or "issued":
                draft.Published.Offer(ReadDate(element), 0);
                break;
            case "updated" or "modified":
                var updated = ReadDate(element);
                draft.Updated.Offer(updated, 0);
                if (format == FeedFormat.Atom)
                {
                    // gofeed's universal item falls back to the update time for the publication time.
                    draft.Published.Offer(updated, 4);
                }

                break;
            case "author":
                draft.Author.Offer(ReadPerson(element, format), 0);
                break;
            case "category":
                AddCategory(draft, element);
                break;
            case "tags":
                // Some feeds list tags as one comma-separated element (feedparser reads <tags> this way).
                AddSeparated(draft, element.Value);
                break;
        }
    }

    private static void ApplyDublinCore(ItemDraft draft, XElement element, string name, FeedFormat format)
    {
        switch (name)
        {
            case "title":
                draft.Title.Offer(ReadTitle(element, format), 1);
                break;
            case "author":
                draft.Author.Offer(ReadPerson(element, format), 1);
                break;
            case "creator":
                draft.Author.Offer(ReadPerson(element, format), 2);
                break;
            case "subject":
                draft.AddCategory(TextConstruct.RawValue(element));
                break;
            case "date":
                // dc:date is a modification date to feedparser and a publication date to gofeed; it fills
                // whichever of the two the item does not state.
                var date = ReadDate(element);
                draft.Published.Offer(date, 2);
                draft.Updated.Offer(date, 2);
                break;
            case "description":
                draft.Summary.Offer(TextConstruct.Read(element, TextKind.Html).Html, 1);
                break;
        }
    }

    private static void ApplyItunes(ItemDraft draft, XElement element, string name, FeedFormat format)
    {
        switch (name)
        {
            case "author":
                draft.Author.Offer(ReadPerson(element, format), 3);
                break;
            case "title":
                draft.Title.Offer(ReadTitle(element, format), 3);
                break;
            case "summary":
                draft.Summary.Offer(TextConstruct.Read(element, TextKind.Text).Html, 2);
                break;
            case "keywords":
                AddSeparated(draft, element.Value);
                break;
            case "category":
                AddItunesCategory(draft, element);
                break;
        }
    }

    private static void ApplyMedia(ItemDraft draft, XElement element, string name, FeedFormat format)
    {
        switch (name)
        {
            case "title":
                draft.Title.Offer(ReadTitle(element, format), 2);
                break;
            case "description":
                draft.Summary.Offer(TextConstruct.Read(element, TextKind.Text).Html, 3);
                break;
            case "group" or "content":
                // Media RSS allows titles and descriptions inside media:group and media:content.
                foreach (var child in element.Elements())
                {
                    if (FeedNamespaces.Classify(child.Name.Namespace) == FeedVocabulary.MediaRss)
                    {
                        ApplyMedia(draft, child, child.Name.LocalName.ToLowerInvariant(), format);
                    }
                }

                break;
        }
    }

    private static string ReadTitle(XElement element, FeedFormat format) =>
        TextConstruct.Read(element, format == FeedFormat.Atom ? TextKind.Text : TextKind.Guess).Plain;

    /// <summary>
    /// A person: an Atom person construct (name, else email; RFC 4287 §3.2) or a free-form string
    /// (RSS author, dc:creator, itunes:author).
    /// </summary>
    private static string? ReadPerson(XElement element, FeedFormat format)
    {
        if (element.HasElements)
        {
            string? name = null;
            string? email = null;
            foreach (var child in element.Elements())
            {
                switch (child.Name.LocalName.ToLowerInvariant())
                {
                    case "name":
                        name ??= NonEmpty(TextConstruct.Read(child, TextKind.Text).Plain);
                        break;
                    case "email":
                        email ??= NonEmpty(FeedText.CollapseWhiteSpace(child.Value));
                        break;
                }
            }

            if (name is not null || email is not null)
            {
                return name ?? email;
            }
        }

        var text = TextConstruct.Read(element, format == FeedFormat.Atom ? TextKind.Text : TextKind.Guess).Plain;
        return PersonText.DisplayName(text);
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;

    private static void AddCategory(ItemDraft draft, XElement element)
    {
        // Atom categories carry a term and an optional human-readable label (RFC 4287 §4.2.2); feedparser
        // reports the term and gofeed the label, so both are kept. RSS categories are their text.
        var term = TextConstruct.Attribute(element, "term");
        var label = TextConstruct.Attribute(element, "label");
        if (term is not null || label is not null)
        {
            draft.AddCategory(term);
            draft.AddCategory(label);
            return;
        }

        draft.AddCategory(TextConstruct.RawValue(element));
    }

    private static void AddItunesCategory(ItemDraft draft, XElement element)
    {
        draft.AddCategory(TextConstruct.Attribute(element, "text"));
        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName.Equals("category", StringComparison.OrdinalIgnoreCase))
            {
                AddItunesCategory(draft, child);
            }
        }
    }

    private static void AddSeparated(ItemDraft draft, string value)
    {
        foreach (var term in value.Split(','))
        {
            draft.AddCategory(term);
        }
    }

    /// <summary>
    /// Offers a link: RSS's <c>&lt;link&gt;url&lt;/link&gt;</c> (the last one in the element wins, as in
    /// feedparser and gofeed), or an Atom link (RFC 4287 §4.2.7) when it has an href: the alternate link
    /// (a link without rel is one), preferring an HTML type, the last one winning as in feedparser.
    /// </summary>
    private static void OfferLink(ref Candidate<string> link, XElement element, FeedFormat format, Uri? outerBase)
    {
        var baseUri = LinkResolver.BaseOf(element, outerBase);
        var href = TextConstruct.Attribute(element, "href");
        var rel = TextConstruct.Attribute(element, "rel")?.Trim().ToLowerInvariant();
        if (href is null)
        {
            if (rel is null || rel == "alternate")
            {
                link.Offer(LinkResolver.Resolve(element.Value, baseUri), format == FeedFormat.Atom ? 2 : 0, lastWins: true);
            }

            return;
        }

        if (rel is not (null or "" or "alternate"))
        {
            return;
        }

        var type = TextConstruct.Attribute(element, "type")?.Trim().ToLowerInvariant();
        var isHtml = string.IsNullOrEmpty(type) || type is "text/html" or "application/xhtml+xml" or "html" or "xhtml";
        var isAtomLink = FeedNamespaces.Classify(element.Name.Namespace) == FeedVocabulary.Core
            && element.Name.NamespaceName is FeedNamespaces.Atom10 or FeedNamespaces.Atom03;
        if (format == FeedFormat.Atom || isAtomLink)
        {
            // In RSS an embedded atom:link only stands in for a missing <link> (gofeed issue #306). Among
            // several alternate links of the same rank the last wins, as in feedparser.
            var rank = (format == FeedFormat.Atom ? 0 : 1) + (isHtml ? 0 : 1);
            link.Offer(LinkResolver.Resolve(href, baseUri), rank, lastWins: true);
        }
        else
        {
            // <link href="…"/> in RSS: a hand-written feed mixing Atom habits into RSS.
            link.Offer(LinkResolver.Resolve(href, baseUri), 0, lastWins: true);
        }
    }

    /// <summary>
    /// An identifier that is an absolute URI stands in for a missing link: feedparser treats RSS guids
    /// (unless isPermaLink="false") and Atom ids as permalinks when nothing else links the item.
    /// </summary>
    public static void OfferIdAsLink(ref Candidate<string> link, string? id)
    {
        if (!string.IsNullOrEmpty(id) && LinkResolver.HasScheme(id))
        {
            link.Offer(LinkResolver.Resolve(id, null), 5);
        }
    }

    public static DateTimeOffset? ReadDate(XElement element) => FeedDateParser.Parse(element.Value.Trim());
}
