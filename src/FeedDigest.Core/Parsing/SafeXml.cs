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
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return $"line {line}, column {index - lineStart + 1}";
    }
}
