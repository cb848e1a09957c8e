using System.Xml;

namespace FeedDigest.Core.Parsing;

/// <summary>XML reading that never resolves DTDs or external entities (no XXE, no entity bombs).</summary>
internal static class SafeXml
{
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
