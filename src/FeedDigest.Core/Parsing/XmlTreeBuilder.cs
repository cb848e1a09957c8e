using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Builds element trees from an <see cref="XmlReader"/> as XDocument.Load and XNode.ReadFrom do (the same
/// names, attributes and namespace declarations), with one difference that matters for speed: the text
/// between two tags is added to its element once, however many nodes the reader split it into. XContainer
/// appends each text node by concatenating strings, so an element whose text is cut into many pieces (by
/// comments or processing instructions, which the readers skip) cost time in the square of its length.
/// CDATA sections are text like any other (nothing reading the trees tells them apart).
/// </summary>
internal sealed class XmlTreeBuilder
{
    /// <summary>The run of text being read: its first piece alone (the usual case), or all of them gathered.</summary>
    private readonly StringBuilder text = new();
    private string? firstText;
    private readonly ItemCollector? items;

    /// <summary>The open elements, outermost first, each saying whether it is an item built apart (<see cref="ItemCollector"/>).</summary>
    private readonly List<(XElement Element, bool Detached)> open = [];
    private string? lastNamespaceUri;
    private XNamespace lastNamespace = XNamespace.None;

    private XmlTreeBuilder(ItemCollector? items)
    {
        this.items = items;
    }

    /// <summary>
    /// The document's root element (the whole document is read, so errors after the root still throw).
    /// With <paramref name="items"/>, the feed's items are read as they close and left out of the tree.
    /// </summary>
    public static XElement? LoadRoot(XmlReader reader, ItemCollector? items = null)
    {
        var builder = new XmlTreeBuilder(items);
        XElement? root = null;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && root is null)
            {
                root = builder.Read(reader, keepRootNamespaceDeclarations: true);
                continue;
            }

            reader.Read();
        }

        return root;
    }

    /// <summary>
    /// The element the reader is on, with its content; the reader is left on the node after its end tag.
    /// The element's own namespace declarations are kept as attributes only when asked for (its
    /// descendants' always are, as XNode.ReadFrom keeps them).
    /// </summary>
    public static XElement ReadElement(XmlReader reader, bool keepRootNamespaceDeclarations)
    {
        // Module elements are read this way for many items of a feed: one builder per thread serves them.
        var builder = elementBuilder ?? new XmlTreeBuilder(null);
        elementBuilder = null;
        var element = builder.Read(reader, keepRootNamespaceDeclarations);
        builder.open.Clear();
        builder.text.Clear();
        builder.firstText = null;
        elementBuilder = builder;
        return element;
    }

    [ThreadStatic]
    private static XmlTreeBuilder? elementBuilder;

    private XElement Read(XmlReader reader, bool keepRootNamespaceDeclarations)
    {
        var root = StartElement(reader, keepRootNamespaceDeclarations);
        items?.Detach(root, null, null);
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return root;
        }

        // Each element is added to its parent when it closes: XContainer.Add looks at every ancestor of the
        // container, and an open element has none yet (a document of deep elements cost depth × elements).
        open.Add((root, false));
        reader.Read();
        while (!reader.EOF)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var parent = open[^1].Element;
                    Flush(parent);
                    var child = StartElement(reader, keepNamespaceDeclarations: true);
                    var detached = items?.Detach(child, parent, open.Count > 1 ? open[^2].Element : null) == true;
                    if (reader.IsEmptyElement)
                    {
                        Close(child, detached);
                    }
                    else
                    {
                        open.Add((child, detached));
                    }

                    break;
                case XmlNodeType.EndElement:
                    var (element, wasDetached) = open[^1];
                    Flush(element);
                    open.RemoveAt(open.Count - 1);
                    if (open.Count == 0)
                    {
                        reader.Read();
                        return root;
                    }

                    Close(element, wasDetached);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    AppendText(reader.Value);
                    break;
            }

            reader.Read();
        }

        // A reader ends only after the root's end tag, or throws first; whatever is open is complete as it is.
        Flush(open[^1].Element);
        while (open.Count > 1)
        {
            var (element, wasDetached) = open[^1];
            open.RemoveAt(open.Count - 1);
            Close(element, wasDetached);
        }

        return root;
    }

    /// <summary>An element (not the root) is complete: it goes to its parent, the innermost element open, or is read as an item.</summary>
    private void Close(XElement element, bool detached)
    {
        if (detached)
        {
            items!.Close(element, OpenElements());
        }
        else
        {
            open[^1].Element.Add(element);
        }
    }

    private IEnumerable<XElement> OpenElements()
    {
        foreach (var (element, _) in open)
        {
            yield return element;
        }
    }

    private XElement StartElement(XmlReader reader, bool keepNamespaceDeclarations)
    {
        var element = new XElement(Namespace(reader.NamespaceURI).GetName(reader.LocalName));
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.NamespaceURI == XNamespace.Xmlns.NamespaceName)
                {
                    if (keepNamespaceDeclarations)
                    {
                        // As XDocument names them: xmlns:p is {xmlns}p, xmlns is "xmlns" in no namespace.
                        element.Add(new XAttribute(reader.Prefix.Length == 0 ? XName.Get(reader.LocalName) : XNamespace.Xmlns.GetName(reader.LocalName), reader.Value));
                    }

                    continue;
                }

                var name = reader.Prefix.Length == 0 ? XName.Get(reader.LocalName) : Namespace(reader.NamespaceURI).GetName(reader.LocalName);
                if (element.Attribute(name) is null)
                {
                    element.Add(new XAttribute(name, reader.Value));
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        return element;
    }

    private XNamespace Namespace(string uri)
    {
        if (!ReferenceEquals(uri, lastNamespaceUri))
        {
            lastNamespace = XNamespace.Get(uri);
            lastNamespaceUri = uri;
        }

        return lastNamespace;
    }

    private void AppendText(string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        if (firstText is null && text.Length == 0)
        {
            firstText = value;
            return;
        }

        if (firstText is not null)
        {
            text.Append(firstText);
            firstText = null;
        }

        text.Append(value);
    }

    private void Flush(XElement element)
    {
        if (firstText is not null)
        {
            element.Add(firstText);
            firstText = null;
        }
        else if (text.Length > 0)
        {
            element.Add(text.ToString());
            text.Clear();
        }
    }
}
