using System.Collections.Frozen;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Maps namespace URIs to vocabularies. Feeds in the wild spell namespaces in many ways (case, trailing
/// slashes, pre-standard Atom drafts), so matching is case-insensitive over the variants feedparser accepts
/// (feedparser/mixin.py <c>namespaces</c>); Atom and RSS share one vocabulary because their element names
/// do not clash in meaning where we read them.
/// </summary>
internal static class FeedNamespaces
{
    public const string Atom10 = "http://www.w3.org/2005/Atom";
    public const string Atom03 = "http://purl.org/atom/ns#";
    public const string Rss10 = "http://purl.org/rss/1.0/";
    public const string Rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    public const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public const string DublinCore = "http://purl.org/dc/elements/1.1/";
    public const string DublinCoreTerms = "http://purl.org/dc/terms/";
    public const string Content = "http://purl.org/rss/1.0/modules/content/";
    public const string Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    public const string MediaRss = "http://search.yahoo.com/mrss/";
    public const string Xhtml = "http://www.w3.org/1999/xhtml";
    public const string Syndication = "http://purl.org/rss/1.0/modules/syndication/";

    private static readonly FrozenDictionary<string, FeedVocabulary> ByUri = new Dictionary<string, FeedVocabulary>(StringComparer.OrdinalIgnoreCase)
    {
        [string.Empty] = FeedVocabulary.Core,
        ["http://backend.userland.com/rss"] = FeedVocabulary.Core,
        ["http://blogs.law.harvard.edu/tech/rss"] = FeedVocabulary.Core,
        [Rss10] = FeedVocabulary.Core,
        [Rss090] = FeedVocabulary.Core,
        ["http://purl.org/rss/1.0/modules/rss091#"] = FeedVocabulary.Core,
        [Atom10] = FeedVocabulary.Core,
        [Atom03] = FeedVocabulary.Core,
        // Pre-standard names of what became Atom (feedparser still reads them).
        ["http://example.com/newformat#"] = FeedVocabulary.Core,
        ["http://example.com/necho"] = FeedVocabulary.Core,
        ["http://purl.org/echo/"] = FeedVocabulary.Core,
        ["uri/of/echo/namespace#"] = FeedVocabulary.Core,
        ["http://purl.org/pie/"] = FeedVocabulary.Core,
        [DublinCore] = FeedVocabulary.DublinCore,
        [DublinCoreTerms] = FeedVocabulary.DublinCoreTerms,
        [Content] = FeedVocabulary.Content,
        [Itunes] = FeedVocabulary.Itunes,
        ["http://example.com/DTDs/PodCast-1.0.dtd"] = FeedVocabulary.Itunes,
        ["http://search.yahoo.com/mrss"] = FeedVocabulary.MediaRss,
        [MediaRss] = FeedVocabulary.MediaRss,
        [Rdf] = FeedVocabulary.Rdf,
        [Xhtml] = FeedVocabulary.Xhtml,
        [Syndication] = FeedVocabulary.Syndication,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Namespaces for prefixes a broken document uses without declaring them; the loose reader maps the
    /// usual prefixes the way feedparser's loose parser does (by name).
    /// </summary>
    private static readonly FrozenDictionary<string, string> WellKnownPrefixes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["atom"] = Atom10,
        ["content"] = Content,
        ["dc"] = DublinCore,
        ["dcterms"] = DublinCoreTerms,
        ["itunes"] = Itunes,
        ["media"] = MediaRss,
        ["rdf"] = Rdf,
        ["sy"] = Syndication,
        ["xhtml"] = Xhtml,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private const int MaxKnownLength = 256;

    /// <summary>
    /// The vocabulary of an element's namespace. Elements are classified one by one and nearly all of a
    /// document's are in one or two namespaces (XNamespace objects are unique per URI), so the last two
    /// answers of each thread are remembered.
    /// </summary>
    public static FeedVocabulary Classify(XNamespace ns)
    {
        if (ReferenceEquals(ns, lastNamespace))
        {
            return lastVocabulary;
        }

        if (ReferenceEquals(ns, previousNamespace))
        {
            return previousVocabulary;
        }

        var vocabulary = Classify(ns.NamespaceName);
        (previousNamespace, previousVocabulary) = (lastNamespace, lastVocabulary);
        (lastNamespace, lastVocabulary) = (ns, vocabulary);
        return vocabulary;
    }

    [ThreadStatic]
    private static XNamespace? lastNamespace;

    [ThreadStatic]
    private static FeedVocabulary lastVocabulary;

    [ThreadStatic]
    private static XNamespace? previousNamespace;

    [ThreadStatic]
    private static FeedVocabulary previousVocabulary;

    public static FeedVocabulary Classify(string namespaceUri)
    {
        // No namespace we know is this long; a broken document's can be megabytes (an unterminated quote),
        // and elements are classified one by one.
        if (namespaceUri.Length > MaxKnownLength)
        {
            return FeedVocabulary.Other;
        }

        if (ByUri.TryGetValue(namespaceUri.Trim(), out var vocabulary))
        {
            return vocabulary;
        }

        // Any backend.userland.com RSS namespace (rss2, rss091 …) is RSS, as feedparser's strict parser decides.
        return namespaceUri.Contains("backend.userland.com/rss", StringComparison.OrdinalIgnoreCase)
            ? FeedVocabulary.Core
            : FeedVocabulary.Other;
    }

    public static string? ForUndeclaredPrefix(string prefix) =>
        WellKnownPrefixes.TryGetValue(prefix, out var uri) ? uri : null;
}
