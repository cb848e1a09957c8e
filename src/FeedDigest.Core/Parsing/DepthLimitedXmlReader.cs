using System.Xml;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// An <see cref="XmlReader"/> that refuses elements nested deeper than <see cref="SafeXml.MaxElementDepth"/>:
/// reaching such an element throws an <see cref="XmlDepthException"/> (an <see cref="XmlException"/> with
/// its line and column), as an error of well-formedness would. Everything that reads a document strictly
/// (System.ServiceModel.Syndication, XDocument.Load) reads through it, because their costs grow faster
/// than the depth: Syndication copies XHTML content with an XmlTextWriter whose element stack grows ten
/// entries at a time (quadratic), and element trees are read recursively further on. A document refused
/// for its depth is read by <see cref="LenientXmlParser"/>, which keeps the text below the limit.
/// <para>
/// It also shows no more than <see cref="SafeXml.MaxAttributes"/> attributes of an element (namespace
/// declarations included) to whoever walks them by position: Syndication keeps every attribute it does not
/// know as an extension, at several times the cost of parsing it, and a document can hold a million.
/// The inner reader still parses them all, and resolves namespaces with every declaration.
/// </para>
/// <para>
/// The members that move the reader are checked after they move it; Skip is delegated (it builds nothing
/// from the markup it passes). Members the base class implements on top of
/// <see cref="Read"/> (ReadInnerXml, ReadSubtree, ReadElementString, ReadElementContentAsString …) are
/// left to it, so they pass through the check.
/// </para>
/// <para>
/// <see cref="Error"/> keeps the first error of the document itself: one thrown by the inner reader while
/// moving (the text is not well-formed there) or the depth refusal. Errors in how a caller uses the
/// reader (ReadElementString on an element with children) are thrown by the base class's code and are not
/// kept. Whoever reads the same text again strictly will meet the same error at the same place.
/// </para>
/// </summary>
internal sealed class DepthLimitedXmlReader(XmlReader inner) : XmlReader, IXmlLineInfo
{
    private readonly IXmlLineInfo? lineInfo = inner as IXmlLineInfo;

    /// <summary>The first error of the document met so far: not well-formed, or too deep.</summary>
    public XmlException? Error { get; private set; }

    /// <summary>The position of the attribute the reader is on, or -1 when it is unknown (moved to by name) or on none.</summary>
    private int attributeIndex = -1;

    public override int AttributeCount => Math.Min(inner.AttributeCount, SafeXml.MaxAttributes);

    public override string BaseURI => inner.BaseURI;

    public override int Depth => inner.Depth;

    public override bool EOF => inner.EOF;

    public override bool HasValue => inner.HasValue;

    public override bool IsDefault => inner.IsDefault;

    public override bool IsEmptyElement => inner.IsEmptyElement;

    public override string LocalName => inner.LocalName;

    public override string Name => inner.Name;

    public override string NamespaceURI => inner.NamespaceURI;

    public override XmlNameTable NameTable => inner.NameTable;

    public override XmlNodeType NodeType => inner.NodeType;

    public override string Prefix => inner.Prefix;

    public override char QuoteChar => inner.QuoteChar;

    public override ReadState ReadState => inner.ReadState;

    public override XmlReaderSettings? Settings => inner.Settings;

    public override string Value => inner.Value;

    public override string XmlLang => inner.XmlLang;

    public override XmlSpace XmlSpace => inner.XmlSpace;

    public override bool CanResolveEntity => inner.CanResolveEntity;

    public int LineNumber => lineInfo?.LineNumber ?? 0;

    public int LinePosition => lineInfo?.LinePosition ?? 0;

    public bool HasLineInfo() => lineInfo?.HasLineInfo() ?? false;

    public override string GetAttribute(int i) => inner.GetAttribute(CheckAttributeIndex(i));

    public override string? GetAttribute(string name) => inner.GetAttribute(name);

    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);

    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);

    public override void MoveToAttribute(int i)
    {
        inner.MoveToAttribute(CheckAttributeIndex(i));
        attributeIndex = i;
    }

    public override bool MoveToAttribute(string name)
    {
        var moved = inner.MoveToAttribute(name);
        attributeIndex = moved ? -1 : attributeIndex;
        return moved;
    }

    public override bool MoveToAttribute(string name, string? ns)
    {
        var moved = inner.MoveToAttribute(name, ns);
        attributeIndex = moved ? -1 : attributeIndex;
        return moved;
    }

    public override bool MoveToElement()
    {
        attributeIndex = -1;
        return inner.MoveToElement();
    }

    public override bool MoveToFirstAttribute()
    {
        var moved = inner.MoveToFirstAttribute();
        attributeIndex = moved ? 0 : attributeIndex;
        return moved;
    }

    public override bool MoveToNextAttribute()
    {
        if (attributeIndex + 1 >= SafeXml.MaxAttributes)
        {
            return false;
        }

        var moved = inner.MoveToNextAttribute();
        if (moved)
        {
            // From an attribute reached by name the position is unknown; counting starts again there.
            attributeIndex = inner.NodeType == XmlNodeType.Attribute && attributeIndex >= 0 ? attributeIndex + 1 : 0;
        }

        return moved;
    }

    public override bool ReadAttributeValue() => inner.ReadAttributeValue();

    public override void ResolveEntity() => inner.ResolveEntity();

    public override bool Read()
    {
        attributeIndex = -1;
        bool read;
        try
        {
            read = inner.Read();
        }
        catch (XmlException exception)
        {
            Error ??= exception;
            throw;
        }

        Check();
        return read;
    }

    public override XmlNodeType MoveToContent()
    {
        attributeIndex = -1;
        XmlNodeType type;
        try
        {
            type = inner.MoveToContent();
        }
        catch (XmlException exception)
        {
            Error ??= exception;
            throw;
        }

        Check();
        return type;
    }

    public override void Skip()
    {
        attributeIndex = -1;
        try
        {
            inner.Skip();
        }
        catch (XmlException exception)
        {
            Error ??= exception;
            throw;
        }

        Check();
    }

    /// <summary>
    /// XmlReader.ReadString, but gathering the text in a builder: the base class concatenates the text
    /// nodes one by one, which costs time in the square of their number (comments cut text into as many
    /// nodes as a document likes), and Rss20FeedFormatter reads categories, authors and descriptions with it.
    /// </summary>
    public override string ReadString()
    {
        if (ReadState != ReadState.Interactive)
        {
            return string.Empty;
        }

        MoveToElement();
        if (NodeType == XmlNodeType.Element)
        {
            if (IsEmptyElement)
            {
                return string.Empty;
            }

            if (!Read())
            {
                throw new InvalidOperationException("The reader ended inside an element.");
            }

            if (NodeType == XmlNodeType.EndElement)
            {
                return string.Empty;
            }
        }

        string? first = null;
        System.Text.StringBuilder? more = null;
        while (NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            if (first is null)
            {
                first = Value;
            }
            else
            {
                (more ??= new System.Text.StringBuilder(first)).Append(Value);
            }

            if (!Read())
            {
                break;
            }
        }

        return more?.ToString() ?? first ?? string.Empty;
    }

    public override void Close() => inner.Close();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static int CheckAttributeIndex(int i) =>
        i < SafeXml.MaxAttributes ? i : throw new ArgumentOutOfRangeException(nameof(i));

    private void Check()
    {
        if (inner.NodeType == XmlNodeType.Element && inner.Depth >= SafeXml.MaxElementDepth)
        {
            var exception = new XmlDepthException(LineNumber, LinePosition);
            Error ??= exception;
            throw exception;
        }
    }
}

/// <summary>An element nested deeper than <see cref="SafeXml.MaxElementDepth"/>; a document that has one is read leniently.</summary>
internal sealed class XmlDepthException(int lineNumber, int linePosition)
    : XmlException(SafeXml.DepthMessage, null, lineNumber, linePosition);
