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
/// <see cref="TolerantFeedReader"/> looks for them) is then never added to its parent, and is handed to
/// <see cref="Close"/> with the elements still open around it, whose xml:base applies to it.
/// </para>
/// </summary>
internal sealed class ItemCollector(Uri? documentBase)
{
    private readonly ItemDraft draft = new();
    private XElement? root;

    /// <summary>The format the root element says; items are collected only for a feed format.</summary>
    public FeedFormat Format { get; private set; } = FeedFormat.Unknown;

    public List<ParsedItem> Items { get; } = [];

    /// <summary>
    /// Whether the element, just opened under <paramref name="parent"/> (null for the root) and
    /// <paramref name="grandparent"/>, is an item to build apart. (Builders add an element to its parent
    /// when it closes, so open elements have no Parent to ask.)
    /// </summary>
    public bool Detach(XElement element, XElement? parent, XElement? grandparent)
    {
        if (parent is null)
        {
            root ??= element;
            Format = TolerantFeedReader.FormatOf(root);
            return false;
        }

        return Format != FeedFormat.Unknown
            && (parent == root || (grandparent is not null && grandparent == root && TolerantFeedReader.IsCore(parent, "channel")))
            && TolerantFeedReader.IsItem(element);
    }

    /// <summary>An item built apart is complete (closed, or the document ended inside it); <paramref name="openAround"/> are the elements open around it, outermost first.</summary>
    public void Close(XElement item, IEnumerable<XElement> openAround) =>
        Items.Add(TolerantFeedReader.ReadItem(item, Format, LinkResolver.BaseOf(openAround, documentBase), draft));
}
