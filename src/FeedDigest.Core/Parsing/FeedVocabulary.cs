namespace FeedDigest.Core.Parsing;

/// <summary>The vocabularies a feed element can belong to, after namespace variants are folded together.</summary>
internal enum FeedVocabulary
{
    /// <summary>An element in no vocabulary we read (an unknown namespace).</summary>
    Other,

    /// <summary>
    /// RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 elements, in any of their namespaces or none. feedparser folds all
    /// of these together, which is what lets it read RSS in a namespace and atom:link inside RSS.
    /// </summary>
    Core,
    DublinCore,
    DublinCoreTerms,
    Content,
    Itunes,
    MediaRss,
    Rdf,
    Xhtml,

    /// <summary>The RSS 1.0 syndication module (sy:updatePeriod, sy:updateFrequency).</summary>
    Syndication,
}
