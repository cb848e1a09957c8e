using System.Buffers;
using System.Runtime.InteropServices;
using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Builds an element tree from a document that is not well-formed XML, recovering what a reader can
/// still see in it, in the spirit of the HTML parsing algorithm and of feedparser's loose parser:
/// <list type="bullet">
/// <item>text outside the root element, comments, processing instructions and DOCTYPEs are skipped;</item>
/// <item>an end tag closes the nearest open element of that name (and everything opened inside it); an
/// end tag that matches nothing open is ignored; whatever is open at the end of the text is closed;</item>
/// <item>entity and character references are decoded as HTML does (<see cref="LenientEntityDecoder"/>);
/// a "&lt;" that cannot start markup is text;</item>
/// <item>undeclared prefixes are resolved by their usual names (dc, atom, media …), as feedparser does;</item>
/// <item>characters XML forbids (C0 controls) are dropped;</item>
/// <item>elements nested deeper than <see cref="SafeXml.MaxElementDepth"/> get no element of their own: their
/// tags are ignored (and their end tags matched, so they close nothing else) and their text goes to the
/// element at the limit; the first such tag is reported as an error;</item>
/// <item>an element keeps its first <see cref="SafeXml.MaxAttributes"/> attributes (XElement checks each attribute
/// added against the others, which is quadratic in their number) and its first
/// <see cref="MaxNamespaceDeclarations"/> namespace declarations.</item>
/// </list>
/// It never throws and runs in time linear in the text: open elements are counted by name, so an end
/// tag that matches nothing costs no search; namespace prefixes are looked up in a table of the
/// declarations in scope; text is gathered until the element it belongs to changes (XContainer would copy
/// its text on every addition).
/// </summary>
internal sealed class LenientXmlParser
{
    /// <summary>
    /// The most namespace declarations one element keeps (a document can put a million on one); prefixes
    /// declared beyond them are read as undeclared (by their usual names, else a namespace of their own).
    /// </summary>
    private const int MaxNamespaceDeclarations = 256;

    private static readonly XNamespace XmlnsNamespace = XNamespace.Xmlns;

    /// <summary>The characters XML 1.0 forbids in a document: C0 controls but tab, LF and CR; U+FFFE and U+FFFF.</summary>
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF");

    private readonly string text;
    private readonly List<string> errors;

    /// <summary>The open elements, outermost first, up to the depth limit.</summary>
    private readonly List<OpenElement> stack = [];

    /// <summary>The names of the open elements beyond the depth limit, which have no element, innermost last.</summary>
    private readonly List<TagName> ignored = [];

    /// <summary>
    /// For each prefix ("" for the default namespace), the namespaces declared for it by open elements,
    /// innermost last. Kept as XNamespace, made once per declaration: naming each element by the URI
    /// string would hash the whole URI again for every element (a broken document can have a URI of
    /// megabytes, an unterminated quote running on).
    /// </summary>
    private readonly Dictionary<string, List<XNamespace>> namespaces = new(StringComparer.Ordinal);

    /// <summary>Text read but not yet added to the innermost element that has one.</summary>
    private readonly System.Text.StringBuilder pendingText = new();

    /// <summary>Tag names read so far, one <see cref="TagName"/> per spelling however often it is written.</summary>
    private readonly Dictionary<string, TagName> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TagName>.AlternateLookup<ReadOnlySpan<char>> nameLookup;

    /// <summary>One <see cref="TagName"/> per name ignoring case, shared by its spellings (<see cref="TagName.Folded"/>).</summary>
    private readonly Dictionary<string, TagName> foldedNames = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The attributes of the start tag being read (one list, reused).</summary>
    private readonly List<KeyValuePair<string, string>> tagAttributes = [];
    private XElement? root;
    private int pos;
    private int noProcessingInstructionEndAfter = int.MaxValue;
    private bool depthReported;

    private readonly ItemCollector? items;

    private LenientXmlParser(string text, List<string> errors, ItemCollector? items)
    {
        this.text = text;
        this.errors = errors;
        this.items = items;
        nameLookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The tag name text[start..end]: one object per spelling, so that counting and comparing names costs no hashing.</summary>
    private TagName Name(int start, int end)
    {
        var span = text.AsSpan(start, end - start);
        if (!nameLookup.TryGetValue(span, out var name))
        {
            var spelling = span.ToString();
            name = new TagName(spelling);
            if (!foldedNames.TryGetValue(spelling, out var folded))
            {
                foldedNames[spelling] = folded = name;
            }

            name.Folded = folded;
            names[spelling] = name;
        }

        return name;
    }

    /// <summary>
    /// The root element of the recovered tree, or null if the text holds no element at all. What the
    /// recovery itself gives up (elements beyond the depth limit) is added to <paramref name="errors"/>.
    /// With <paramref name="items"/>, the feed's items are read as they close and left out of the tree.
    /// </summary>
    public static XElement? Parse(string text, List<string> errors, ItemCollector? items = null)
    {
        var parser = new LenientXmlParser(text, errors, items);
        parser.Run();
        parser.FlushText();
        // Elements still open at the end are complete as they are: each is added to its parent, an item
        // among them is read.
        while (parser.stack.Count > 0)
        {
            parser.Pop();
        }

        return parser.root;
    }

    /// <summary>The element text goes to: the innermost open element that has one.</summary>
    private XElement? TextTarget => stack.Count == 0 ? null : stack[^1].Element;

    private void Run()
    {
        while (pos < text.Length)
        {
            var lt = text.IndexOf('<', pos);
            if (lt < 0)
            {
                AppendText(text.AsSpan(pos), decode: true);
                return;
            }

            if (lt > pos)
            {
                AppendText(text.AsSpan(pos, lt - pos), decode: true);
                pos = lt;
            }

            var next = pos + 1 < text.Length ? text[pos + 1] : '\0';
            if (next == '!')
            {
                SkipOrReadDeclaration();
            }
            else if (next == '?')
            {
                // Once no "?>" follows, none follows any later "<?" either: search once, not once per "<?".
                var end = pos + 2 >= noProcessingInstructionEndAfter ? -1 : text.IndexOf("?>", pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    noProcessingInstructionEndAfter = Math.Min(noProcessingInstructionEndAfter, pos + 2);
                }

                pos = end < 0 ? SkipToTagEnd(pos + 2) : end + 2;
            }
            else if (next == '/' && pos + 2 < text.Length && IsNameStart(text[pos + 2]))
            {
                ReadEndTag();
            }
            else if (IsNameStart(next))
            {
                ReadStartTag();
            }
            else
            {
                AppendText("<", decode: false);
                pos++;
            }
        }
    }

    private void SkipOrReadDeclaration()
    {
        if (string.CompareOrdinal(text, pos, "<!--", 0, 4) == 0)
        {
            var end = text.IndexOf("-->", pos + 4, StringComparison.Ordinal);
            pos = end < 0 ? text.Length : end + 3;
        }
        else if (string.CompareOrdinal(text, pos, "<![CDATA[", 0, 9) == 0)
        {
            var end = text.IndexOf("]]>", pos + 9, StringComparison.Ordinal);
            var stop = end < 0 ? text.Length : end;
            AppendText(text.AsSpan(pos + 9, stop - pos - 9), decode: false);
            pos = end < 0 ? text.Length : end + 3;
        }
        else if (string.Compare(text, pos, "<!DOCTYPE", 0, 9, StringComparison.OrdinalIgnoreCase) == 0)
        {
            pos = SkipDoctype(pos + 9);
        }
        else
        {
            pos = SkipToTagEnd(pos + 2);
        }
    }

    /// <summary>Skips a DOCTYPE, including an internal subset whose declarations may hold '&gt;' in quotes.</summary>
    private int SkipDoctype(int i)
    {
        var inSubset = false;
        char quote = '\0';
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                inSubset = true;
            }
            else if (c == ']')
            {
                inSubset = false;
            }
            else if (c == '>' && !inSubset)
            {
                return i + 1;
            }
        }

        return text.Length;
    }

    private int SkipToTagEnd(int i)
    {
        var end = text.IndexOf('>', i);
        return end < 0 ? text.Length : end + 1;
    }

    private void ReadEndTag()
    {
        var nameStart = pos + 2;
        var i = nameStart;
        while (i < text.Length && IsNameChar(text[i]))
        {
            i++;
        }

        var name = Name(nameStart, i);
        // The tag ends at '>', or where the next tag begins if its '>' is missing.
        while (i < text.Length && text[i] != '>' && text[i] != '<')
        {
            i++;
        }

        pos = i < text.Length && text[i] == '>' ? i + 1 : i;
        Close(name);
    }

    private void Close(TagName name)
    {
        // The nearest open element of that name, else of that name in another case; none: the tag is ignored.
        // Elements beyond the depth limit are the innermost, so they are looked at first.
        var anyIgnored = ignored.Count > 0;
        if (anyIgnored && name.OpenIgnored > 0)
        {
            CloseIgnored(name, ignoreCase: false);
        }
        else if (name.Open > 0)
        {
            CloseOpen(name, ignoreCase: false);
        }
        else if (anyIgnored && name.Folded.FoldedOpenIgnored > 0)
        {
            CloseIgnored(name, ignoreCase: true);
        }
        else if (name.Folded.FoldedOpen > 0)
        {
            CloseOpen(name, ignoreCase: true);
        }
    }

    private void CloseIgnored(TagName name, bool ignoreCase)
    {
        TagName closed;
        do
        {
            closed = ignored[^1];
            ignored.RemoveAt(ignored.Count - 1);
            closed.OpenIgnored--;
            closed.Folded.FoldedOpenIgnored--;
        }
        while (!(closed == name || (ignoreCase && closed.Folded == name.Folded)));
    }

    private void CloseOpen(TagName name, bool ignoreCase)
    {
        var index = stack.Count - 1;
        while (!(stack[index].Name == name || (ignoreCase && stack[index].Name.Folded == name.Folded)))
        {
            index--;
        }

        // The text read so far belongs to the innermost element, which closes now, and everything opened inside it.
        FlushText();
        foreach (var closed in ignored)
        {
            closed.OpenIgnored--;
            closed.Folded.FoldedOpenIgnored--;
        }

        ignored.Clear();
        for (var i = stack.Count - 1; i >= index; i--)
        {
            Pop();
        }
    }

    private void ReadStartTag()
    {
        var nameStart = pos + 1;
        var i = nameStart;
        while (i < text.Length && IsNameChar(text[i]))
        {
            i++;
        }

        var qualifiedName = Name(nameStart, i);
        var attributes = tagAttributes;
        attributes.Clear();
        var others = 0;
        var selfClosing = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '>')
            {
                i++;
                break;
            }

            if (c == '/')
            {
                i++;
                if (i < text.Length && text[i] == '>')
                {
                    selfClosing = true;
                    i++;
                    break;
                }

                continue;
            }

            if (c == '<')
            {
                // A tag without its '>': the next tag starts here.
                break;
            }

            i = ReadAttribute(i, attributes, ref others);
        }

        var tagStart = pos;
        pos = i;
        Open(qualifiedName, attributes, selfClosing, tagStart);
    }

    /// <summary>
    /// Reads the attribute at <paramref name="i"/> into the list: every namespace declaration, and other
    /// attributes while fewer than <see cref="SafeXml.MaxAttributes"/> (<paramref name="others"/>) are in it.
    /// </summary>
    private int ReadAttribute(int i, List<KeyValuePair<string, string>> attributes, ref int others)
    {
        var nameStart = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('=' or '>' or '<' or '/' or '"' or '\''))
        {
            i++;
        }

        if (i == nameStart)
        {
            // A stray quote or similar: skip it.
            return i + 1;
        }

        var nameSpan = text.AsSpan(nameStart, i - nameStart);
        var keep = nameSpan.StartsWith("xmlns", StringComparison.Ordinal)
            ? attributes.Count - others < MaxNamespaceDeclarations
            : others < SafeXml.MaxAttributes;
        var name = keep ? nameSpan.ToString() : string.Empty;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i >= text.Length || text[i] != '=')
        {
            Keep(string.Empty.AsSpan(), ref others);
            return i;
        }

        i++;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        ReadOnlySpan<char> value;
        if (i < text.Length && text[i] is '"' or '\'')
        {
            var quote = text[i];
            var end = text.IndexOf(quote, i + 1);
            if (end < 0)
            {
                // Unterminated: the value runs to the end of the tag.
                end = text.IndexOf('>', i + 1);
                end = end < 0 ? text.Length : end;
                value = text.AsSpan((i + 1)..end);
                i = end;
            }
            else
            {
                value = text.AsSpan((i + 1)..end);
                i = end + 1;
            }
        }
        else
        {
            var valueStart = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('>' or '<'))
            {
                i++;
            }

            value = text.AsSpan(valueStart..i);
        }

        Keep(value, ref others);
        return i;

        void Keep(ReadOnlySpan<char> value, ref int others)
        {
            if (!keep)
            {
                return;
            }

            if (!name.StartsWith("xmlns", StringComparison.Ordinal))
            {
                others++;
            }

            attributes.Add(new(name, RemoveForbiddenCharacters(LenientEntityDecoder.Decode(value.ToString()))));
        }
    }

    private void Open(TagName qualifiedName, List<KeyValuePair<string, string>> attributes, bool selfClosing, int tagStart)
    {
        if (root is not null && stack.Count == 0)
        {
            // Content after the root element closed is not part of the document.
            return;
        }

        if (stack.Count >= SafeXml.MaxElementDepth)
        {
            if (!depthReported)
            {
                depthReported = true;
                errors.Add($"{SafeXml.Position(text, tagStart)}: {SafeXml.DepthMessage}");
            }

            if (!selfClosing)
            {
                ignored.Add(qualifiedName);
                qualifiedName.OpenIgnored++;
                qualifiedName.Folded.FoldedOpenIgnored++;
            }

            return;
        }

        FlushText();
        List<string>? declared = null;
        foreach (var (name, value) in attributes)
        {
            var prefix = name == "xmlns" ? string.Empty
                : name.StartsWith("xmlns:", StringComparison.Ordinal) && name.Length > 6 ? name[6..]
                : null;
            if (prefix is not null)
            {
                (declared ??= []).Add(prefix);
                if (!namespaces.TryGetValue(prefix, out var uris))
                {
                    namespaces[prefix] = uris = [];
                }

                uris.Add(XNamespace.Get(value.Trim()));
            }
        }

        var element = new XElement(ResolveElementName(qualifiedName));
        var kept = 0;
        foreach (var (name, value) in attributes)
        {
            if (name == "xmlns" || name.StartsWith("xmlns:", StringComparison.Ordinal))
            {
                continue;
            }

            var attributeName = ResolveName(name, isAttribute: true);
            if (attributeName.Namespace != XmlnsNamespace && kept < SafeXml.MaxAttributes && element.Attribute(attributeName) is null)
            {
                element.Add(new XAttribute(attributeName, value));
                kept++;
            }
        }

        // The element is added to its parent when it closes (Pop): XContainer.Add looks at every ancestor of
        // the container, and an open element has none yet.
        var parent = stack.Count == 0 ? null : stack[^1].Element;
        var detached = items?.Detach(element, parent, stack.Count > 1 ? stack[^2].Element : null) == true;
        if (parent is null)
        {
            root = element;
        }

        Push(new OpenElement(qualifiedName, element, declared, detached));
        if (selfClosing)
        {
            Pop();
        }
    }

    private void Push(OpenElement open)
    {
        stack.Add(open);
        open.Name.Open++;
        open.Name.Folded.FoldedOpen++;
    }

    private void Pop()
    {
        var open = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        open.Name.Open--;
        open.Name.Folded.FoldedOpen--;
        if (open.DeclaredPrefixes is { } declared)
        {
            foreach (var prefix in declared)
            {
                var uris = namespaces[prefix];
                uris.RemoveAt(uris.Count - 1);
            }
        }

        if (open.Detached)
        {
            items!.Close(open.Element, OpenElements());
        }
        else if (stack.Count > 0)
        {
            stack[^1].Element.Add(open.Element);
        }
    }

    private IEnumerable<XElement> OpenElements()
    {
        foreach (var open in stack)
        {
            yield return open.Element;
        }
    }

    /// <summary>
    /// The element's name: <see cref="ResolveName"/>'s, which depends only on the name as written and on
    /// the namespace its prefix is declared for, so it is remembered for as long as that stays the same.
    /// </summary>
    private XName ResolveElementName(TagName tagName)
    {
        var resolved = tagName.Resolved;
        var qualifiedName = tagName.Text;
        var prefix = resolved.Prefix ?? (qualifiedName.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? qualifiedName[..colon] : string.Empty);
        var ns = LookupNamespace(prefix);
        if (resolved.Name is { } known && ReferenceEquals(ns, resolved.Namespace))
        {
            return known;
        }

        var name = ResolveName(qualifiedName, isAttribute: false);
        tagName.Resolved = new ResolvedName(prefix, ns, name);
        return name;
    }

    private XName ResolveName(string qualifiedName, bool isAttribute)
    {
        var colon = qualifiedName.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? qualifiedName[..colon] : string.Empty;
        var localName = SafeLocalName(colon > 0 ? qualifiedName[(colon + 1)..] : qualifiedName);
        if (prefix.Length == 0)
        {
            return isAttribute ? XName.Get(localName) : (LookupNamespace(string.Empty) ?? XNamespace.None).GetName(localName);
        }

        if (prefix == "xml")
        {
            return XNamespace.Xml + localName;
        }

        var ns = LookupNamespace(prefix)
            ?? XNamespace.Get(FeedNamespaces.ForUndeclaredPrefix(prefix) ?? "urn:x-feeddigest:undeclared-prefix:" + SafeLocalName(prefix));
        return ns.GetName(localName);
    }

    private XNamespace? LookupNamespace(string prefix) =>
        namespaces.TryGetValue(prefix, out var uris) && uris.Count > 0 ? uris[^1] : null;

    private static string SafeLocalName(string name)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var valid = XmlConvert.IsStartNCNameChar(name[0]);
        for (var i = 1; valid && i < name.Length; i++)
        {
            valid = XmlConvert.IsNCNameChar(name[i]);
        }

        return valid ? name : XmlConvert.EncodeLocalName(name.Replace(":", "_", StringComparison.Ordinal))!;
    }

    private void AppendText(ReadOnlySpan<char> value, bool decode)
    {
        if (stack.Count == 0 || value.IsEmpty)
        {
            return;
        }

        if (decode && value.Contains('&'))
        {
            AppendAllowed(pendingText, LenientEntityDecoder.Decode(value.ToString()));
        }
        else
        {
            AppendAllowed(pendingText, value);
        }
    }

    private void FlushText()
    {
        if (pendingText.Length > 0)
        {
            TextTarget?.Add(pendingText.ToString());
            pendingText.Clear();
        }
    }

    private static string RemoveForbiddenCharacters(string value)
    {
        if (value.AsSpan().IndexOfAny(Forbidden) < 0)
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length);
        AppendAllowed(builder, value);
        return builder.ToString();
    }

    /// <summary>Appends the text without the characters XML forbids.</summary>
    private static void AppendAllowed(System.Text.StringBuilder builder, ReadOnlySpan<char> value)
    {
        int index;
        while ((index = value.IndexOfAny(Forbidden)) >= 0)
        {
            builder.Append(value[..index]);
            value = value[(index + 1)..];
        }

        builder.Append(value);
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c is '_' or ':';

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or ':' or '-' or '.' || c > '\u00B7' && XmlConvert.IsNCNameChar(c);

    /// <summary>An element name as resolved: its prefix, the namespace the prefix was declared for then (null: none), the name.</summary>
    private readonly record struct ResolvedName(string? Prefix, XNamespace? Namespace, XName? Name);

    /// <summary>
    /// An open element: its name as written, its element, the prefixes it declares, and whether it is an
    /// item built apart (<see cref="ItemCollector"/>), never added to its parent.
    /// </summary>
    private readonly record struct OpenElement(TagName Name, XElement Element, List<string>? DeclaredPrefixes, bool Detached);

    /// <summary>
    /// A tag name as written, with how many open elements have it (on the stack, and beyond the depth
    /// limit), and on the entry shared by all its spellings (<see cref="Folded"/>) how many have it in any
    /// case: an end tag that matches nothing open costs no search. It also remembers how the name was last
    /// resolved (<see cref="ResolveElementName"/>).
    /// </summary>
    private sealed class TagName(string text)
    {
        public string Text { get; } = text;

        public TagName Folded { get; set; } = null!;

        public int Open { get; set; }

        public int OpenIgnored { get; set; }

        public int FoldedOpen { get; set; }

        public int FoldedOpenIgnored { get; set; }

        public ResolvedName Resolved { get; set; }
    }
}
