using System.Buffers;
using System.Xml;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// XML reading that never resolves DTDs or external entities (no XXE, no entity bombs), and never builds
/// or walks a tree deeper than <see cref="MaxElementDepth"/> elements.
/// </summary>
internal static class SafeXml
{
    /// <summary>
    /// The deepest nesting of elements read as a tree: the root element is level 1. libxml2 refuses
    /// documents deeper than 256 levels unless told otherwise (xmlParserMaxDepth); real feeds, XHTML
    /// content included, stay far below. A deeper document is read by <see cref="LenientXmlParser"/>,
    /// which keeps the text of deeper elements in the element at the limit and reports the first
    /// deeper start tag as an error.
    /// </summary>
    public const int MaxElementDepth = 256;

    /// <summary>
    /// The most attributes of one element that are read (namespace declarations count in the strict
    /// readers, not in the lenient one). Feed elements carry a handful; a document can carry a million,
    /// which System.ServiceModel.Syndication keeps one by one as extensions and XElement checks one against
    /// another. The rest are ignored (the XML reader still checks them and resolves every namespace).
    /// </summary>
    public const int MaxAttributes = 64;

    public static readonly string DepthMessage =
        $"elements nested more than {MaxElementDepth} levels deep; the text of deeper elements is kept, their tags are ignored.";

    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        // Ignore rather than Prohibit: old RSS 0.91 feeds carry a DOCTYPE; it is skipped, never expanded.
        // Entities a document declares itself are expanded beforehand, under limits (InternalEntityExpander).
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        // Characters XML forbids make the document ill-formed: the tolerant reader then reads it as broken.
        CheckCharacters = true,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 1024,
    };

    /// <summary>A reader with <see cref="ReaderSettings"/> that refuses elements deeper than <see cref="MaxElementDepth"/>.</summary>
    public static DepthLimitedXmlReader CreateReader(TextReader text, XmlReaderSettings? settings = null) =>
        new DepthLimitedXmlReader(XmlReader.Create(text, settings ?? ReaderSettings));

    /// <inheritdoc cref="CreateReader(TextReader, XmlReaderSettings?)"/>
    public static DepthLimitedXmlReader CreateReader(Stream bytes) =>
        new DepthLimitedXmlReader(XmlReader.Create(bytes, ReaderSettings));

    public static string Describe(Exception exception) => exception switch
    {
        XmlException xml => $"line {xml.LineNumber}, column {xml.LinePosition}: {xml.Message}",
        _ => $"line 0, column 0: {exception.Message}",
    };

    /// <summary>"line L, column C" of a character index in a text.</summary>
    public static string Position(string text, int index)
    {
        var (line, column) = LineAndColumn(text, index);
        return $"line {line}, column {column}";
    }

    private static (int Line, int Column) LineAndColumn(string text, int index)
    {
        var before = text.AsSpan(0, Math.Min(index, text.Length));
        var lastBreak = before.LastIndexOf('\n');
        return (before.Count('\n') + 1, index - lastBreak);
    }

    /// <summary>
    /// The most attributes (namespace declarations included) one start tag may have for the document to be
    /// read strictly. System.Xml's reader takes time in the square of an element's attributes (a tag of
    /// 320,000 attributes, 3 MB, took 2.4 s; one of 420,000 namespace declarations, 9 MB, 11 s), and it
    /// must read a tag whole before anyone can refuse it, so documents are screened first
    /// (<see cref="FindCrowdedStartTag"/>). No real feed comes near: such a document is read leniently.
    /// </summary>
    public const int MaxStrictAttributes = 1024;

    /// <summary>
    /// Documents shorter than this are not screened (<see cref="Screen"/>): the reader's cost on the worst of
    /// them stays well under a second (about 0.4 s for a 1 MiB tag of attributes), and most feeds are smaller.
    /// </summary>
    public const int ScreenedLength = 1024 * 1024;

    /// <summary>
    /// For a long document (<see cref="ScreenedLength"/>), the reason not to read it strictly, found before
    /// any strict reader builds anything: a start tag too crowded for the XML reader
    /// (<see cref="MaxStrictAttributes"/>), else the first error of a quick pass of the reader over it (not
    /// well-formed, or too deep). Without it a long broken document was read up to its error by
    /// Syndication or into a tree, then all over again by the lenient parser. Null for a short document or
    /// a sound one (whose strict readings then cost one quick pass more).
    /// </summary>
    public static XmlException? Screen(string text)
    {
        if (text.Length < ScreenedLength)
        {
            return null;
        }

        if (FindCrowdedStartTag(text) is not (>= 0 and var index))
        {
            using var reader = CreateReader(new StringReader(text));
            try
            {
                while (reader.Read())
                {
                }

                return null;
            }
            catch (XmlException exception)
            {
                return exception;
            }
        }

        var (line, column) = LineAndColumn(text, index);
        return new XmlException(
            $"an element with more than {MaxStrictAttributes} attributes; the document is read leniently (an element keeps its first {MaxAttributes}).",
            null,
            line,
            column);
    }

    /// <summary>
    /// The index of the first start tag with more than <see cref="MaxStrictAttributes"/> attributes, or -1. A
    /// quick scan, not a parser: attributes are counted as name="value" pairs after a tag's name, up to
    /// anything else; every search moves forward, so the scan is linear.
    /// </summary>
    public static int FindCrowdedStartTag(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (true)
        {
            var lt = text[i..].IndexOf('<');
            if (lt < 0)
            {
                return -1;
            }

            var start = i + lt;
            i = start + 1;
            if (i >= text.Length || text[i] is '!' or '?' or '/' or '<')
            {
                continue;
            }

            var nameEnd = text[i..].IndexOfAny(TagNameEnd);
            if (nameEnd < 0)
            {
                return -1;
            }

            i += nameEnd;
            var count = 0;
            while (true)
            {
                var next = text[i..].IndexOfAnyExcept(XmlSpace);
                if (next < 0)
                {
                    return -1;
                }

                i += next;
                if (text[i] is '>' or '/' or '<')
                {
                    break;
                }

                var equals = text[i..].IndexOfAny(AttributeNameEnd);
                if (equals < 0)
                {
                    return -1;
                }

                i += equals;
                if (text[i] != '=')
                {
                    break;
                }

                i++;
                var quote = text[i..].IndexOfAnyExcept(XmlSpace);
                if (quote < 0)
                {
                    return -1;
                }

                i += quote;
                if (text[i] is not ('"' or '\''))
                {
                    break;
                }

                var close = text[(i + 1)..].IndexOf(text[i]);
                if (close < 0)
                {
                    return -1;
                }

                i += close + 2;
                if (++count > MaxStrictAttributes)
                {
                    return start;
                }
            }
        }
    }

    private static readonly SearchValues<char> XmlSpace = SearchValues.Create(" \t\r\n");
    private static readonly SearchValues<char> TagNameEnd = SearchValues.Create(" \t\r\n>/<");
    private static readonly SearchValues<char> AttributeNameEnd = SearchValues.Create("=><");
}
