using System.Buffers;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using System.Xml;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Parses one feed document of any supported format into the shared model. Never throws for bad
/// input: what cannot be read is reported in <see cref="ParsedFeed.Errors"/>.
/// </summary>
/// <remarks>
/// Well-formed RSS 2.0 (and 0.91–0.94, relabelled) and Atom 1.0 are read by System.ServiceModel.Syndication
/// (<see cref="SyndicationDocumentReader"/>). Everything it refuses, and every other XML format, is read by
/// <see cref="TolerantFeedReader"/>. <see cref="ParsedFeed.Bozo"/> says the document is not what it
/// claims to be: not well-formed XML, or not decodable as labelled.
/// </remarks>
public static partial class FeedParser
{
    /// <param name="body">The document's bytes, as fetched.</param>
    /// <param name="documentUri">Where the document came from; relative links resolve against it.</param>
    /// <param name="declaredCharset">The charset parameter of the HTTP Content-Type, if any.</param>
    /// <param name="zoneOfDates">The zone the feed's dates are in where they name none (its <c>TimeZone</c>); null: UTC.</param>
    public static ParsedFeed Parse(ReadOnlySpan<byte> body, Uri? documentUri = null, string? declaredCharset = null, TimeZoneInfo? zoneOfDates = null)
    {
        using var zone = FeedDateParser.InFeedZone(zoneOfDates);
        XmlException? knownError = null;
        // A document long enough to be screened (SafeXml.Screen) takes the general path, where the
        // screening is done on its text before any strict reading.
        if (body.Length < SafeXml.ScreenedLength && Utf8Prolog.AllowsDirectReading(body, declaredCharset))
        {
            if (TryReadUtf8Directly(body, documentUri, out var directError) is { } direct)
            {
                return direct;
            }

            // Valid UTF-8 decodes below to the very characters the XML reader saw: reading them strictly
            // again would end at the same error.
            knownError = directError is not null && Utf8.IsValid(body) ? directError : null;
        }

        var errors = new List<string>();
        var decoded = FeedTextDecoder.Decode(body, declaredCharset, errors);
        return ParseText(decoded.Text, documentUri, errors, knownError);
    }

    /// <param name="knownError">
    /// Where a strict reading of exactly this text failed, if one did: the text is then read leniently
    /// at once (unless expanding its entities changes it). So is a long text that screening finds unfit
    /// for the strict readers (<see cref="SafeXml.Screen"/>).
    /// </param>
    private static ParsedFeed ParseText(string text, Uri? documentUri, List<string> errors, XmlException? knownError)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ParsedFeed.Unreadable(FeedFormat.Unknown, "line 1, column 1: the document is empty");
        }

        if (JsonFeedReader.LooksLikeJson(text))
        {
            return JsonFeedReader.Read(text, documentUri, errors);
        }

        var expanded = InternalEntityExpander.Expand(text, errors);
        if (!ReferenceEquals(expanded, text))
        {
            // The strict reading that failed read other text.
            knownError = null;
            text = expanded;
        }

        knownError ??= SafeXml.Screen(text);
        if (knownError is not null)
        {
            return TolerantFeedReader.Read(text, documentUri, errors, knownError);
        }

        var root = SniffRoot(text);
        var syndicationFormat = root switch
        {
            { LocalName: "rss", NamespaceUri: "" } => FeedFormat.Rss,
            { LocalName: "feed", NamespaceUri: FeedNamespaces.Atom10 } => FeedFormat.Atom,
            _ => FeedFormat.Unknown,
        };
        if (syndicationFormat != FeedFormat.Unknown)
        {
            var xml = syndicationFormat == FeedFormat.Rss ? AsRss20(text, root!.Version) : text;
            using var reader = SafeXml.CreateReader(new StringReader(xml));
            var feed = SyndicationDocumentReader.TryRead(reader, syndicationFormat, documentUri, errors);
            if (feed is not null)
            {
                return feed;
            }

            // The same text (not relabelled) read strictly again would end at the same error.
            knownError = ReferenceEquals(xml, text) ? reader.Error : null;
        }

        return TolerantFeedReader.Read(text, documentUri, errors, knownError);
    }

    /// <summary>
    /// The fast path for the usual document, UTF-8 RSS 2.0 or Atom 1.0: the XML reader decodes the bytes
    /// itself (no copy of the document as a string). Invalid UTF-8 or anything Syndication refuses
    /// sends the document down the general path, which decodes with fallbacks and reads it tolerantly.
    /// </summary>
    /// <param name="readerError">The error of the document the XML reader met, when the reading failed at one.</param>
    private static ParsedFeed? TryReadUtf8Directly(ReadOnlySpan<byte> body, Uri? documentUri, out XmlException? readerError)
    {
        // The reader needs a stream; the copy of the bytes is a pooled array. A new one per document would be
        // a large-object allocation for most feeds (over 85 KB), each counting towards a full collection.
        var copy = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            body.CopyTo(copy);
            using var reader = SafeXml.CreateReader(new MemoryStream(copy, 0, body.Length, writable: false));
            return TryReadUtf8Directly(reader, documentUri, out readerError);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static ParsedFeed? TryReadUtf8Directly(DepthLimitedXmlReader reader, Uri? documentUri, out XmlException? readerError)
    {
        try
        {
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                readerError = null;
                return null;
            }

            var format = (reader.LocalName, reader.NamespaceURI) switch
            {
                ("rss", "") when reader.GetAttribute("version") == "2.0" => FeedFormat.Rss,
                ("feed", FeedNamespaces.Atom10) => FeedFormat.Atom,
                _ => FeedFormat.Unknown,
            };
            var feed = format == FeedFormat.Unknown ? null : SyndicationDocumentReader.TryRead(reader, format, documentUri, []);
            readerError = feed is null ? reader.Error : null;
            return feed;
        }
        catch (XmlException)
        {
            readerError = reader.Error;
            return null;
        }
    }

    /// <summary>
    /// RSS 0.91–0.94 are subsets of 2.0 that System.ServiceModel.Syndication refuses only for the
    /// version attribute; relabelling the root lets the same reader take them.
    /// </summary>
    private static string AsRss20(string xml, string? version)
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
        return string.Concat(xml.AsSpan(0, match.Index), relabelled, xml.AsSpan(match.Index + match.Length));
    }

    /// <summary>The root element's name, namespace and version, or null if the prolog is not well-formed.</summary>
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
            // Broken before the root element: the tolerant reader reads the document.
        }

        return null;
    }

    private sealed record RootElement(string LocalName, string NamespaceUri, string? Version);

    [GeneratedRegex("""<rss\b[^>]*>""", RegexOptions.CultureInvariant)]
    private static partial Regex RssRootTag();

    [GeneratedRegex("""\bversion\s*=\s*["'](?<version>[^"']*)["']""", RegexOptions.CultureInvariant)]
    private static partial Regex RssVersionAttribute();
}
