using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Decides, for an element Syndication's formatters pass over (module elements such as dc:creator,
/// content:encoded, itunes:author, media:title, atom:link inside RSS, or core names in the wrong case),
/// whether it is read (as a small <see cref="XElement"/>, by <see cref="FeedElementReader"/>) or skipped.
/// Skipping the rest matters for speed: Syndication would otherwise copy every unknown element into an
/// extension buffer.
/// </summary>
internal static class ExtensionCapture
{
    public static bool CaptureOrSkip(XmlReader reader, List<XElement> captured)
    {
        if (FeedNamespaces.Classify(reader.NamespaceURI) is FeedVocabulary.Other or FeedVocabulary.Rdf or FeedVocabulary.Xhtml)
        {
            reader.Skip();
        }
        else
        {
            captured.Add(ReadElement(reader));
        }

        return true;
    }

    /// <summary>
    /// Reads the element at the reader into an <see cref="XElement"/> (<see cref="XmlTreeBuilder"/>): text-only
    /// content (the usual case: content:encoded, dc:creator) is stored as the element's string value, so
    /// reading it back does not copy it again. The element's own namespace declarations are left out.
    /// </summary>
    private static XElement ReadElement(XmlReader reader) =>
        XmlTreeBuilder.ReadElement(reader, keepRootNamespaceDeclarations: false);
}
