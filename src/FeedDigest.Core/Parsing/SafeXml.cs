using System.Xml;

namespace FeedDigest.Core.Parsing;

/// <summary>XML reading that never resolves DTDs or external entities (no XXE, no entity bombs).</summary>
internal static class SafeXml
{
    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        // Ignore rather than Prohibit: old RSS 0.91 feeds carry a DOCTYPE; it is skipped, never expanded.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        CheckCharacters = false,
        IgnoreComments = true,
        // Item elements are re-read from XNodes, where whitespace would surface as Text nodes the formatters reject.
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 1024,
    };

    public static string PositionOf(XmlReader reader) =>
        reader is IXmlLineInfo info && info.HasLineInfo()
            ? $"line {info.LineNumber}, column {info.LinePosition}"
            : "line 0, column 0";

    public static string Describe(Exception exception) => exception switch
    {
        XmlException xml => $"line {xml.LineNumber}, column {xml.LinePosition}: {xml.Message}",
        _ => $"line 0, column 0: {exception.Message}",
    };
}
