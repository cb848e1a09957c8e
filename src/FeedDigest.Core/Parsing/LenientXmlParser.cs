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
/// <item>characters XML forbids (C0 controls) are dropped.</item>
/// </list>
/// It never throws and runs in time linear in the text.
/// </summary>
internal sealed class LenientXmlParser
{
    private static readonly XNamespace XmlnsNamespace = XNamespace.Xmlns;

    private readonly string text;
    private readonly List<OpenElement> stack = [];
    private XElement? root;
    private int pos;

    private LenientXmlParser(string text)
    {
        this.text = text;
    }

    /// <summary>The root element of the recovered tree, or null if the text holds no element at all.</summary>
    public static XElement? Parse(string text)
    {
        var parser = new LenientXmlParser(text);
        parser.Run();
        return parser.root;
    }

    private void Run()
    {
        while (pos < text.Length)
        {
            var lt = text.IndexOf('<', pos);
            if (lt < 0)
            {
                AppendText(text[pos..], decode: true);
                return;
            }

            if (lt > pos)
            {
                AppendText(text[pos..lt], decode: true);
                pos = lt;
            }

            var next = pos + 1 < text.Length ? text[pos + 1] : '\0';
            if (next == '!')
            {
                SkipOrReadDeclaration();
            }
            else if (next == '?')
            {
                var end = text.IndexOf("?>", pos + 2, StringComparison.Ordinal);
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
            AppendText(text[(pos + 9)..stop], decode: false);
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

        var name = text[nameStart..i];
        // The tag ends at '>', or where the next tag begins if its '>' is missing.
        while (i < text.Length && text[i] != '>' && text[i] != '<')
        {
            i++;
        }

        pos = i < text.Length && text[i] == '>' ? i + 1 : i;
        Close(name);
    }

    private void Close(string qualifiedName)
    {
        var index = stack.FindLastIndex(open => string.Equals(open.QualifiedName, qualifiedName, StringComparison.Ordinal));
        if (index < 0)
        {
            index = stack.FindLastIndex(open => string.Equals(open.QualifiedName, qualifiedName, StringComparison.OrdinalIgnoreCase));
        }

        if (index >= 0)
        {
            stack.RemoveRange(index, stack.Count - index);
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

        var qualifiedName = text[nameStart..i];
        var attributes = new List<KeyValuePair<string, string>>();
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

            i = ReadAttribute(i, attributes);
        }

        pos = i;
        Open(qualifiedName, attributes, selfClosing);
    }

    private int ReadAttribute(int i, List<KeyValuePair<string, string>> attributes)
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

        var name = text[nameStart..i];
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i >= text.Length || text[i] != '=')
        {
            attributes.Add(new(name, string.Empty));
            return i;
        }

        i++;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        string value;
        if (i < text.Length && text[i] is '"' or '\'')
        {
            var quote = text[i];
            var end = text.IndexOf(quote, i + 1);
            if (end < 0)
            {
                // Unterminated: the value runs to the end of the tag.
                end = text.IndexOf('>', i + 1);
                end = end < 0 ? text.Length : end;
                value = text[(i + 1)..end];
                i = end;
            }
            else
            {
                value = text[(i + 1)..end];
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

            value = text[valueStart..i];
        }

        attributes.Add(new(name, RemoveForbiddenCharacters(LenientEntityDecoder.Decode(value))));
        return i;
    }

    private void Open(string qualifiedName, List<KeyValuePair<string, string>> attributes, bool selfClosing)
    {
        if (root is not null && stack.Count == 0)
        {
            // Content after the root element closed is not part of the document.
            return;
        }

        Dictionary<string, string>? scope = null;
        foreach (var (name, value) in attributes)
        {
            if (name == "xmlns")
            {
                (scope ??= new(StringComparer.Ordinal))[string.Empty] = value.Trim();
            }
            else if (name.StartsWith("xmlns:", StringComparison.Ordinal) && name.Length > 6)
            {
                (scope ??= new(StringComparer.Ordinal))[name[6..]] = value.Trim();
            }
        }

        var open = new OpenElement(qualifiedName, scope);
        stack.Add(open);
        var element = new XElement(ResolveName(qualifiedName, isAttribute: false));
        foreach (var (name, value) in attributes)
        {
            if (name == "xmlns" || name.StartsWith("xmlns:", StringComparison.Ordinal))
            {
                continue;
            }

            var attributeName = ResolveName(name, isAttribute: true);
            if (attributeName.Namespace != XmlnsNamespace && element.Attribute(attributeName) is null)
            {
                element.Add(new XAttribute(attributeName, value));
            }
        }

        if (stack.Count == 1)
        {
            root = element;
        }
        else
        {
            stack[^2].Element!.Add(element);
        }

        open.Element = element;
        if (selfClosing)
        {
            stack.RemoveAt(stack.Count - 1);
        }
    }

    private XName ResolveName(string qualifiedName, bool isAttribute)
    {
        var colon = qualifiedName.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? qualifiedName[..colon] : string.Empty;
        var localName = SafeLocalName(colon > 0 ? qualifiedName[(colon + 1)..] : qualifiedName);
        if (prefix.Length == 0)
        {
            return isAttribute ? XName.Get(localName) : XName.Get(localName, LookupNamespace(string.Empty) ?? string.Empty);
        }

        if (prefix == "xml")
        {
            return XNamespace.Xml + localName;
        }

        var ns = LookupNamespace(prefix)
            ?? FeedNamespaces.ForUndeclaredPrefix(prefix)
            ?? "urn:x-feeddigest:undeclared-prefix:" + SafeLocalName(prefix);
        return XName.Get(localName, ns);
    }

    private string? LookupNamespace(string prefix)
    {
        for (var i = stack.Count - 1; i >= 0; i--)
        {
            if (stack[i].Scope is { } scope && scope.TryGetValue(prefix, out var uri))
            {
                return uri;
            }
        }

        return null;
    }

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

    private void AppendText(string value, bool decode)
    {
        if (stack.Count == 0 || value.Length == 0)
        {
            return;
        }

        var decoded = decode ? LenientEntityDecoder.Decode(value) : value;
        stack[^1].Element!.Add(RemoveForbiddenCharacters(decoded));
    }

    private static string RemoveForbiddenCharacters(string value)
    {
        var span = value.AsSpan();
        var index = IndexOfForbidden(span);
        if (index < 0)
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!IsForbidden(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int IndexOfForbidden(ReadOnlySpan<char> span)
    {
        for (var i = 0; i < span.Length; i++)
        {
            if (IsForbidden(span[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsForbidden(char c) => (c < ' ' && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF';

    private static bool IsNameStart(char c) => char.IsLetter(c) || c is '_' or ':';

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or ':' or '-' or '.' || c > '\u00B7' && XmlConvert.IsNCNameChar(c);

    private sealed class OpenElement(string qualifiedName, Dictionary<string, string>? scope)
    {
        public string QualifiedName { get; } = qualifiedName;

        public Dictionary<string, string>? Scope { get; } = scope;

        public XElement? Element { get; set; }
    }
}
