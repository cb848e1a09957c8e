using System.Buffers;
using System.Net;
using System.Text;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads a text construct (Atom title, summary, content; RSS title, description …) into plain text and
/// HTML, whatever its declared type:
/// <list type="bullet">
/// <item>type "text" (RFC 4287 §3.1.1.1): the characters are the text;</item>
/// <item>type "html" (§3.1.1.2): the characters are HTML markup;</item>
/// <item>type "xhtml" (§3.1.1.3): the child elements are the markup, inside one xhtml:div that is not part of it;</item>
/// <item>Atom 0.3 mode="base64", and any type that is neither text nor XML (§4.1.3.3, e.g.
/// application/octet-stream), carry Base64 (feedparser decodes it; undecodable text is kept as written);</item>
/// <item>child elements where escaped text was declared are read as markup anyway (feedparser does this,
/// "element declared itself as escaped markup, but it isn't really").</item>
/// </list>
/// Elements without a type use <paramref name="fallback"/>: RSS gives none, so its titles are guessed.
/// </summary>
internal static class TextConstruct
{
    public static TextValue Read(XElement element, TextKind fallback)
    {
        var type = Attribute(element, "type")?.Trim().ToLowerInvariant() ?? string.Empty;
        var mode = Attribute(element, "mode")?.Trim().ToLowerInvariant() ?? string.Empty;
        var kind = Classify(type, fallback);
        if (mode == "escaped" && kind is TextKind.Text or TextKind.Guess && type.Length == 0)
        {
            kind = TextKind.Html;
        }

        if (element.HasElements)
        {
            return ReadMarkup(element);
        }

        var raw = element.Value;
        if (mode == "base64" || kind == TextKind.Binary)
        {
            raw = DecodeBase64(raw) ?? raw;
            kind = kind is TextKind.Html or TextKind.Xhtml ? TextKind.Html : TextKind.Text;
        }

        return FromCharacters(raw, kind);
    }

    /// <summary>Plain text and HTML from character data of a known kind.</summary>
    public static TextValue FromCharacters(string raw, TextKind kind)
    {
        if (kind == TextKind.Guess)
        {
            kind = FeedText.LooksLikeHtml(raw) ? TextKind.Html : TextKind.Text;
        }

        return TextValue.FromCharacters(raw, kind is TextKind.Html or TextKind.Xhtml);
    }

    public static TextKind Classify(string type, TextKind fallback) => type switch
    {
        "" => fallback,
        "text" or "plain" or "text/plain" => TextKind.Text,
        "html" or "text/html" => TextKind.Html,
        "xhtml" or "application/xhtml+xml" => TextKind.Xhtml,
        _ when type.StartsWith("text/", StringComparison.Ordinal) => TextKind.Text,
        _ when type.EndsWith("+xml", StringComparison.Ordinal) || type.EndsWith("/xml", StringComparison.Ordinal) => TextKind.Text,
        _ => TextKind.Binary,
    };

    /// <summary>
    /// The raw value of an element as feed libraries report it: its characters, or the markup of its
    /// children when it has some (gofeed returns category and guid markup this way).
    /// </summary>
    public static string RawValue(XElement element)
    {
        if (!element.HasElements)
        {
            return element.Value;
        }

        // Text beside child elements is the value; the children are something else (an <image> inside
        // a <category>, say). Only elements without any text are markup standing for the value.
        var text = string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value));
        return string.IsNullOrWhiteSpace(text) ? InnerMarkup(element) : text;
    }

    private static TextValue ReadMarkup(XElement element) => TextValue.FromMarkup(SingleDiv(element) ?? element);

    /// <summary>The text of an element's descendants, without scripts and styles, with a space around each block.</summary>
    public static string PlainText(XElement element)
    {
        // One builder per thread, reused: titles are read for every item.
        var plain = plainBuilder ?? new StringBuilder();
        plainBuilder = null;
        AppendPlainText(element, plain);
        var text = plain.ToString();
        if (plain.Capacity <= 4096)
        {
            plain.Clear();
            plainBuilder = plain;
        }

        return text;
    }

    [ThreadStatic]
    private static StringBuilder? plainBuilder;

    /// <summary>The xhtml:div wrapping an XHTML construct, when it is the only child (RFC 4287 §3.1.1.3).</summary>
    private static XElement? SingleDiv(XElement element)
    {
        XElement? div = null;
        for (var node = element.FirstNode; node is not null; node = node.NextNode)
        {
            switch (node)
            {
                case XElement child when div is null && child.Name.LocalName.Equals("div", StringComparison.OrdinalIgnoreCase):
                    div = child;
                    break;
                case XText text when string.IsNullOrWhiteSpace(text.Value):
                    break;
                default:
                    return null;
            }
        }

        return div;
    }

    /// <summary>The text of an element's descendants, without scripts and styles, with a space around each block.</summary>
    /// <remarks>A walk without recursion, as in <see cref="InnerMarkup"/>.</remarks>
    private static void AppendPlainText(XElement element, StringBuilder plain)
    {
        var node = element.FirstNode;
        while (node is not null)
        {
            switch (node)
            {
                case XText text:
                    plain.Append(text.Value);
                    break;
                case XElement child when child.Name.LocalName is "script" or "style":
                    break;
                case XElement child:
                    var block = IsBlock(child);
                    if (block)
                    {
                        plain.Append(' ');
                    }

                    if (child.FirstNode is { } first)
                    {
                        node = first;
                        continue;
                    }

                    if (block)
                    {
                        plain.Append(' ');
                    }

                    break;
            }

            // Up to the first ancestor (below the element) with a next sibling, ending each element left.
            while (node.NextNode is null)
            {
                if (node.Parent is not { } parent || parent == element)
                {
                    return;
                }

                if (IsBlock(parent))
                {
                    plain.Append(' ');
                }

                node = parent;
            }

            node = node.NextNode;
        }
    }

    private static bool IsBlock(XElement element) =>
        element.Name.LocalName is "p" or "div" or "br" or "li" or "tr" or "td" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote";

    /// <summary>The children of an element as markup, named as written but without namespace declarations.</summary>
    /// <remarks>
    /// A walk without recursion, and prefixes found through <see cref="PrefixScope"/> rather than
    /// <see cref="XElement.GetPrefixOfNamespace"/>, which searches every ancestor for each element: both
    /// would cost time or stack in proportion to the depth, for every element.
    /// </remarks>
    public static string InnerMarkup(XElement element)
    {
        var builder = new StringBuilder();
        var scope = new PrefixScope(element);
        var openNames = new Stack<string>();
        var node = element.FirstNode;
        while (node is not null)
        {
            switch (node)
            {
                case XText text:
                    AppendEncoded(builder, text.Value);
                    break;
                case XElement child:
                    scope.Enter(child);
                    var name = scope.QualifiedName(child);
                    builder.Append('<').Append(name);
                    for (var attribute = child.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
                    {
                        if (attribute.IsNamespaceDeclaration)
                        {
                            continue;
                        }

                        var attributeName = attribute.Name.Namespace == XNamespace.Xml ? "xml:" + attribute.Name.LocalName : attribute.Name.LocalName;
                        builder.Append(' ').Append(attributeName).Append("=\"").Append(WebUtility.HtmlEncode(attribute.Value)).Append('"');
                    }

                    if (child.IsEmpty)
                    {
                        builder.Append(" />");
                    }
                    else
                    {
                        builder.Append('>');
                        if (child.FirstNode is { } first)
                        {
                            openNames.Push(name);
                            node = first;
                            continue;
                        }

                        builder.Append("</").Append(name).Append('>');
                    }

                    scope.Leave(child);
                    break;
            }

            // Up to the first ancestor (below the element) with a next sibling, closing each element left.
            while (node.NextNode is null)
            {
                if (node.Parent is not { } parent || parent == element)
                {
                    return builder.ToString();
                }

                builder.Append("</").Append(openNames.Pop()).Append('>');
                scope.Leave(parent);
                node = parent;
            }

            node = node.NextNode;
        }

        return builder.ToString();
    }

    /// <summary>Text as HTML: WebUtility.HtmlEncode, but with apostrophes and quotes left as they are.</summary>
    private static void AppendEncoded(StringBuilder builder, string text)
    {
        // Most text needs no encoding: no markup characters and nothing HtmlEncode writes as a number (U+00A0 and above).
        if (text.AsSpan().IndexOfAny(HtmlSpecial) < 0 && text.AsSpan().IndexOfAnyInRange('\u00A0', '\uFFFF') < 0)
        {
            builder.Append(text);
            return;
        }

        builder.Append(WebUtility.HtmlEncode(text).Replace("&#39;", "'", StringComparison.Ordinal).Replace("&quot;", "\"", StringComparison.Ordinal));
    }

    private static readonly SearchValues<char> HtmlSpecial = SearchValues.Create("<>&\"'");

    /// <summary>
    /// The namespace declarations in scope during a walk of a tree, for naming elements with the prefix
    /// they were written with. It answers as <see cref="XElement.GetPrefixOfNamespace"/> does (the nearest
    /// prefixed declaration of the namespace whose prefix no nearer element declares again) while looking
    /// only at the elements that declare namespaces, and remembers its last answer until the declarations
    /// in scope change.
    /// </summary>
    private sealed class PrefixScope
    {
        /// <summary>The elements declaring namespaces, outermost first: the walk's root and its ancestors, then the walk's.</summary>
        private List<XElement>? declaring;

        // The last answer, until the declarations in scope change: content is nearly always in one namespace.
        private XNamespace? lastNamespace;
        private string? lastPrefix;

        public PrefixScope(XElement root)
        {
            for (var element = root; element is not null; element = element.Parent)
            {
                if (Declares(element))
                {
                    (declaring ??= []).Add(element);
                }
            }

            declaring?.Reverse();
        }

        public void Enter(XElement element)
        {
            if (Declares(element))
            {
                (declaring ??= []).Add(element);
                lastNamespace = null;
            }
        }

        public void Leave(XElement element)
        {
            if (declaring is { Count: > 0 } && declaring[^1] == element)
            {
                declaring.RemoveAt(declaring.Count - 1);
                lastNamespace = null;
            }
        }

        public string QualifiedName(XElement element)
        {
            var ns = element.Name.Namespace;
            if (ns == XNamespace.None)
            {
                return element.Name.LocalName;
            }

            if (ns != lastNamespace)
            {
                lastPrefix = PrefixOf(ns);
                lastNamespace = ns;
            }

            return string.IsNullOrEmpty(lastPrefix) ? element.Name.LocalName : lastPrefix + ":" + element.Name.LocalName;
        }

        private string? PrefixOf(XNamespace ns)
        {
            var name = ns.NamespaceName;
            for (var i = (declaring?.Count ?? 0) - 1; i >= 0; i--)
            {
                for (var attribute = declaring![i].FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
                {
                    if (attribute.IsNamespaceDeclaration && attribute.Name.NamespaceName.Length != 0 && attribute.Value == name
                        && !DeclaredInside(attribute.Name.LocalName, i))
                    {
                        return attribute.Name.LocalName;
                    }
                }
            }

            return name == XNamespace.Xml.NamespaceName ? "xml"
                : name == XNamespace.Xmlns.NamespaceName ? "xmlns"
                : null;
        }

        /// <summary>Whether an element nearer than declaring[<paramref name="index"/>] declares the prefix again.</summary>
        private bool DeclaredInside(string prefix, int index)
        {
            for (var i = index + 1; i < declaring!.Count; i++)
            {
                for (var attribute = declaring[i].FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
                {
                    if (attribute.IsNamespaceDeclaration && attribute.Name.LocalName == prefix)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool Declares(XElement element)
        {
            if (!element.HasAttributes)
            {
                return false;
            }

            for (var attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
            {
                if (attribute.IsNamespaceDeclaration)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static string? DecodeBase64(string text)
    {
        var compact = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                compact.Append(c);
            }
        }

        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(compact.ToString()));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>An attribute by local name in no namespace, ignoring case (feedparser lower-cases attribute names).</summary>
    public static string? Attribute(XElement element, string localName)
    {
        for (var attribute = element.FirstAttribute; attribute is not null; attribute = attribute.NextAttribute)
        {
            if (attribute.Name.Namespace == XNamespace.None && attribute.Name.LocalName.Equals(localName, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.Value;
            }
        }

        return null;
    }
}
