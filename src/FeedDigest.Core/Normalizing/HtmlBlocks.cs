using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// Splits an item's HTML (or plain text) into its blocks of text: paragraphs, list items, headings,
/// table cells, lines of plain text. Furniture is judged block by block (<see cref="PageFurniture"/>).
/// </summary>
/// <remarks>
/// A forward scan like <see cref="HtmlText.ToPlainText"/>, not a DOM: it runs on every item of every
/// poll. Elements that are page furniture by their nature (aside, nav, footer, form, button …) or by
/// their class or id (share, social, newsletter, related, ad …) can be skipped whole.
/// </remarks>
public static partial class HtmlBlocks
{
    private static readonly HashSet<string> FurnitureElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "aside", "nav", "footer", "header", "form", "button", "select", "noscript", "iframe", "object", "embed", "script", "style", "template",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "dl", "dt", "dd",
        "table", "hr", "section", "article", "figure", "figcaption", "pre", "main", "center",
    };

    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    };

    /// <param name="skipFurnitureElements">Skip the elements furniture by nature or by class/id; false keeps them.</param>
    public static List<string> Split(string? html, bool skipFurnitureElements)
    {
        var blocks = new List<string>();
        if (string.IsNullOrWhiteSpace(html))
        {
            return blocks;
        }

        if (!HtmlText.LooksLikeMarkup(html))
        {
            // Plain text: its lines are its blocks.
            foreach (var line in html.Split('\n'))
            {
                Add(blocks, line, decode: false);
            }

            return blocks;
        }

        var current = new StringBuilder();
        var i = 0;
        while (i < html.Length)
        {
            // Text up to the next tag goes in as one run.
            var lt = html.IndexOf('<', i);
            if (lt != i)
            {
                var end = lt < 0 ? html.Length : lt;
                current.Append(html.AsSpan(i, end - i));
                i = end;
                continue;
            }

            if (!HtmlText.TryReadTag(html, i, out var tag))
            {
                current.Append('<');
                i++;
                continue;
            }

            i = tag.End;
            if (tag.IsComment)
            {
                continue;
            }

            var name = html[tag.NameStart..tag.NameEnd];
            var attributes = html.AsSpan(tag.NameEnd, Math.Max(0, tag.End - tag.NameEnd));
            if (!tag.Closing && name.Length > 0 && (HtmlText.IsRawTextElement(name) || (skipFurnitureElements && IsFurniture(name, attributes))))
            {
                Add(blocks, current.ToString(), decode: true);
                current.Clear();
                if (!VoidElements.Contains(name) && !attributes.TrimEnd().EndsWith("/>", StringComparison.Ordinal))
                {
                    i = AfterClosingTag(html, name, i);
                }

                continue;
            }

            if (IsBlockElement(name))
            {
                Add(blocks, current.ToString(), decode: true);
                current.Clear();
            }
        }

        Add(blocks, current.ToString(), decode: true);
        return blocks;
    }

    private static void Add(List<string> blocks, string text, bool decode)
    {
        var block = HtmlText.CollapseWhiteSpace(decode ? WebUtility.HtmlDecode(text) : text);
        if (block.Length > 0)
        {
            blocks.Add(block);
        }
    }

    private static bool IsFurniture(string name, ReadOnlySpan<char> attributes)
    {
        if (FurnitureElements.Contains(name))
        {
            return true;
        }

        // Most tags (a link, an image) have neither attribute: no regex for them.
        if (!attributes.Contains("class", StringComparison.OrdinalIgnoreCase) && !attributes.Contains("id", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (Match match in ClassOrId().Matches(attributes.ToString()))
        {
            var value = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value;
            foreach (var token in value.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (FurnitureClass().IsMatch(token))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The index after the element's matching closing tag (elements of the same name nest).</summary>
    private static int AfterClosingTag(string html, string name, int from)
    {
        var depth = 1;
        var i = from;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= html.Length)
            {
                return html.Length;
            }

            var closing = html[lt + 1] == '/';
            var start = lt + (closing ? 2 : 1);
            var end = HtmlText.EndOfTag(html, start);
            if (string.Compare(html, start, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (start + name.Length >= html.Length || !char.IsAsciiLetterOrDigit(html[start + name.Length])))
            {
                if (closing)
                {
                    depth--;
                }
                else if (!HtmlText.IsRawTextElement(name) && !html.AsSpan(start, end - start).TrimEnd().EndsWith("/>", StringComparison.Ordinal))
                {
                    depth++;
                }

                if (depth == 0)
                {
                    return end;
                }
            }

            i = end > lt ? end : lt + 1;
        }

        return html.Length;
    }

    private static bool IsBlockElement(string name) => BlockElements.Contains(name);

    [GeneratedRegex("""\b(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClassOrId();

    /// <summary>Class and id names sites give their furniture (WordPress's sharedaddy and jp-relatedposts, AdSense's adsbygoogle …).</summary>
    [GeneratedRegex("""^(?:.*[-_])?(?:share|sharing|sharedaddy|social|subscribe|subscription|newsletter|signup|sign-up|follow|advert|advertisement|ads?|adsbygoogle|sponsor|sponsored|promo|promotion|related|relatedposts|jp-relatedposts|popup|modal|donate|donation|cookie|cookies|comments?|byline-share|addtoany|a2a|wp-block-buttons|nav|navigation|breadcrumbs?|tags|post-tags)(?:[-_].*)?$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FurnitureClass();
}
