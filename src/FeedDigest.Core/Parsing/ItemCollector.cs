using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads a feed's items while its tree is being built (by <see cref="XmlTreeBuilder"/> or
/// <see cref="LenientXmlParser"/>), so that each item's elements are garbage as soon as the item is read.
/// A document of ninety thousand small entries otherwise holds a tree of half a million nodes until its
/// last entry, and the garbage collector copies it from generation to generation: that was half the time
/// such a document took.
/// <para>
/// The builder asks <see cref="Detach"/> about each element it opens; an item (an item or entry among the
/// root's children, or among the children of a channel among the root's children: where
/// <see cref="TolerantFeedReader"/> looks for them) is then built without a parent, and handed to <see cref="Close"/> with the element it
/// would have been the child of, whose xml:base still applies to it.
/// </para>
/// </summary>
internal sealed class ItemCollector(Uri? documentBase)
{
    private XElement? root;

    /// <summary>The format the root element says; items are collected only for a feed format.</summary>
    public FeedFormat Format { get; private set; } = FeedFormat.Unknown;

    public List<ParsedItem> Items { get; } = [];

    /// <summary>Whether the element, just opened under <paramref name="parent"/> (null for the root), is an item to build apart.</summary>
    public bool Detach(XElement element, XElement? parent)
    {
        if (parent is null)
        {
            root ??= element;
            Format = TolerantFeedReader.FormatOf(root);
            return false;
        }

        return Format != FeedFormat.Unknown
            && (parent == root || (parent.Parent is { } grandparent && grandparent == root && TolerantFeedReader.IsCore(parent, "channel")))
            && TolerantFeedReader.IsItem(element);
    }

    /// <summary>An item built apart is complete (closed, or the document ended inside it).</summary>
    public void Close(XElement item, XElement parent) =>
        Items.Add(TolerantFeedReader.ReadItem(item, Format, LinkResolver.BaseOf(parent, documentBase)));
}
