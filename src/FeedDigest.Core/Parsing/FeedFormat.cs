namespace FeedDigest.Core.Parsing;

public enum FeedFormat
{
    Unknown,
    Rss,
    Rdf,
    Atom,
    Json,
}
