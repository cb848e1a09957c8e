using System.Net;
using System.Text;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Plain text of the short HTML found in titles and names: tags dropped (with a space where a block
/// element breaks the line), comments, scripts and styles removed, entities decoded. A linear scan
/// rather than an HTML parser, because titles are short and read for every item; text without
/// markup costs one search.
/// </summary>
internal static class HtmlFlattener
{
    public static string ToPlainText(string html)
    {
        if (html.AsSpan().IndexOfAny('<', '&') < 0)
        {
            return html;
        }

        if (!html.Contains('<', StringComparison.Ordinal))
        {
            return WebUtility.HtmlDecode(html);
        }

        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                AppendDecoded(text, html, i, html.Length);
                break;
            }

            AppendDecoded(text, html, i, lt);
            if (lt + 1 >= html.Length || !(char.IsAsciiLetter(html[lt + 1]) || html[lt + 1] is '/' or '!' or '?'))
            {
                // A '<' that starts no tag ("a < b", "<3") is text.
                text.Append('<');
                i = lt + 1;
                continue;
            }

            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }

            var end = TagEnd(html, lt + 1);
            var name = TagName(html, lt + 1, end);
            if (name is "script" or "style")
            {
                var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                i = close < 0 ? html.Length : TagEnd(html, close + 2);
                continue;
            }

            if (name is "p" or "div" or "br" or "li" or "tr" or "td" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote")
            {
                text.Append(' ');
            }

            i = end;
        }

        return text.ToString();
    }

    private static void AppendDecoded(StringBuilder text, string html, int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        var segment = html.AsSpan(start, end - start);
        if (segment.Contains('&'))
        {
            text.Append(WebUtility.HtmlDecode(segment.ToString()));
        }
        else
        {
            text.Append(segment);
        }
    }

    /// <summary>The index after the '&gt;' closing a tag, skipping quoted attribute values.</summary>
    private static int TagEnd(string html, int i)
    {
        char quote = '\0';
        var afterEquals = false;
        for (; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'' && afterEquals)
            {
                // Only a quote that opens an attribute value quotes; an apostrophe elsewhere is a stray.
                quote = c;
            }
            else if (c == '>')
            {
                return i + 1;
            }

            if (!char.IsWhiteSpace(c))
            {
                afterEquals = c == '=';
            }
        }

        return html.Length;
    }

    private static string TagName(string html, int i, int end)
    {
        if (i < end && html[i] == '/')
        {
            i++;
        }

        var start = i;
        while (i < end && (char.IsAsciiLetterOrDigit(html[i]) || html[i] is ':' or '-'))
        {
            i++;
        }

        return html[start..i].ToLowerInvariant();
    }
}
