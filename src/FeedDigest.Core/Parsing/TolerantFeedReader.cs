using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads any XML feed Syndication does not: RSS 0.90–0.94 and 2.0 (also in a namespace), RSS 1.0 (RDF)
/// with its modules, Atom 0.3 and 1.0, and documents that are not well-formed. The text is loaded as a
/// tree by a strict XML reader; when that fails (or the elements nest deeper than
/// <see cref="SafeXml.MaxElementDepth"/>), the error is reported (the document is bozo) and
/// <see cref="LenientXmlParser"/> recovers what it can. The tree is then read the way feedparser reads
/// feeds: by element names in folded vocabularies (<see cref="FeedElementReader"/>).
/// </summary>
internal static class TolerantFeedReader
{
    private static readonly XmlReaderSettings StrictSettings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        CheckCharacters = true,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 1024,
    };

    private static readonly XName RdfAbout = XName.Get("about", FeedNamespaces.Rdf);

    /// <param name="knownError">
    /// Where a strict reading of exactly this text already failed, if one did: the text is then read
    /// leniently without trying again.
    /// </param>
    public static ParsedFeed Read(string text, Uri? documentUri, List<string> errors, XmlException? knownError = null)
    {
        var documentBase = LinkResolver.DocumentBase(documentUri);
        var (root, items) = LoadTree(text, documentBase, errors, knownError);
        if (root is null)
        {
            errors.Add("line 1, column 1: no XML root element found; this is not an RSS or Atom feed");
            return new ParsedFeed(FeedFormat.Unknown, null, null, [], true, errors);
        }

        var format = FormatOf(root);
        if (format == FeedFormat.Unknown)
        {
            errors.Add($"line 1, column 1: root element <{root.Name.LocalName}> is not an RSS or Atom feed");
            return new ParsedFeed(FeedFormat.Unknown, null, null, [], true, errors);
        }

        var channel = format == FeedFormat.Atom ? root : root.Elements().FirstOrDefault(e => IsCore(e, "channel")) ?? root;
        // The items were read as the tree was built (ItemCollector): the channel holds the rest.
        var feed = new FeedDraft();
        foreach (var element in channel.Elements())
        {
            if (!IsItem(element))
            {
                FeedElementReader.ApplyToFeed(feed, element, format, documentBase);
            }
        }

        return new ParsedFeed(format, feed.Title.Value, feed.Link.Value, items, errors.Count > 0, errors) { TimeToLive = feed.TimeToLive };
    }

    /// <summary>
    /// The document's root element (without its items) and its items: strictly parsed if the text is
    /// well-formed, else recovered.
    /// </summary>
    private static (XElement? Root, List<ParsedItem> Items) LoadTree(string text, Uri? documentBase, List<string> errors, XmlException? knownError)
    {
        if (knownError is not null)
        {
            return ReadLeniently(text, documentBase, errors, knownError);
        }

        try
        {
            using var reader = SafeXml.CreateReader(new StringReader(text), StrictSettings);
            var items = new ItemCollector(documentBase);
            return (XmlTreeBuilder.LoadRoot(reader, items), items.Items);
        }
        catch (XmlException exception)
        {
            return ReadLeniently(text, documentBase, errors, exception);
        }
    }

    private static (XElement? Root, List<ParsedItem> Items) ReadLeniently(string text, Uri? documentBase, List<string> errors, XmlException exception)
    {
        var before = errors.Count;
        var items = new ItemCollector(documentBase);
        var root = LenientXmlParser.Parse(text, errors, items);
        // A document refused only for its depth: the lenient parser reports where it stopped building the tree.
        if (exception is not XmlDepthException || errors.Count == before)
        {
            errors.Insert(before, SafeXml.Describe(exception));
        }

        return (root, items.Items);
    }

    public static FeedFormat FormatOf(XElement root) => root.Name.LocalName.ToLowerInvariant() switch
    {
        "rss" or "channel" => FeedFormat.Rss,
        "rdf" => FeedFormat.Rdf,
        "feed" => FeedFormat.Atom,
        _ => FeedFormat.Unknown,
    };

    /// <param name="outerBase">The base URI in effect for the item's parent (the item's own xml:base applies on top).</param>
    /// <param name="draft">A draft to fill (it is emptied first), or null for a new one.</param>
    public static ParsedItem ReadItem(XElement element, FeedFormat format, Uri? outerBase, ItemDraft? draft = null)
    {
        if (draft is null)
        {
            draft = new ItemDraft();
        }
        else
        {
            draft.Reset();
        }

        // RSS 1.0 identifies an item by its rdf:about (feedparser reports it as the item's id).
        draft.Id.Offer(element.Attribute(RdfAbout)?.Value.Trim(), 3);
        foreach (var child in element.Elements())
        {
            FeedElementReader.ApplyToItem(draft, child, format, outerBase);
        }

        return draft.ToParsedItem();
    }

    public static bool IsItem(XElement element) => IsCore(element, "item") || IsCore(element, "entry");

    public static bool IsCore(XElement element, string localName) =>
        element.Name.LocalName.Equals(localName, StringComparison.OrdinalIgnoreCase)
        && FeedNamespaces.Classify(element.Name.Namespace) == FeedVocabulary.Core;
}
