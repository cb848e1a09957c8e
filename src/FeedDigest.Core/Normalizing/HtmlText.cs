using System.Text;
using AngleSharp.Html.Parser;

namespace FeedDigest.Core.Normalizing;

/// <summary>Turns feed HTML into plain text: tags dropped, entities decoded, white space collapsed.</summary>
public static class HtmlText
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    /// <summary>
    /// Plain text of an HTML fragment. Text that holds no markup is only white-space collapsed, so
    /// plain titles such as "AT&amp;T &lt; Verizon" (after XML decoding) survive unchanged.
    /// </summary>
    public static string ToPlainText(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        if (!LooksLikeMarkup(html))
        {
            return CollapseWhiteSpace(html);
        }

        var document = Parser.ParseDocument("<body></body>");
        var nodes = Parser.ParseFragment(html, document.Body!);
        var text = new StringBuilder();
        foreach (var node in nodes)
        {
            AppendText(node, text);
        }

        return CollapseWhiteSpace(text.ToString());
    }

    /// <summary>Cuts text to at most <paramref name="maxLength"/> characters on a word boundary, adding an ellipsis.</summary>
    public static string Truncate(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = maxLength - 1;
        // Text without spaces (Chinese, Japanese) is cut on a character boundary; Latin text on the last space.
        var lastSpace = text.LastIndexOf(' ', cut);
        if (lastSpace > maxLength / 2)
        {
            cut = lastSpace;
        }
        else if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut).TrimEnd(), "…");
    }

    public static string CollapseWhiteSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool LooksLikeMarkup(string text)
    {
        var lt = text.IndexOf('<', StringComparison.Ordinal);
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        return (lt >= 0 && lt + 1 < text.Length && (char.IsLetter(text[lt + 1]) || text[lt + 1] is '/' or '!'))
            || (amp >= 0 && text.IndexOf(';', amp) > amp);
    }

    private static void AppendText(AngleSharp.Dom.INode node, StringBuilder text)
    {
        switch (node)
        {
            case AngleSharp.Dom.IText textNode:
                text.Append(textNode.Data);
                break;
            case AngleSharp.Dom.IElement element when element.LocalName is "script" or "style" or "template":
                break;
            case AngleSharp.Dom.IElement element:
                var isBlock = element.LocalName is "p" or "div" or "br" or "li" or "tr" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote";
                if (isBlock)
                {
                    text.Append(' ');
                }

                foreach (var child in element.ChildNodes)
                {
                    AppendText(child, text);
                }

                if (isBlock)
                {
                    text.Append(' ');
                }

                break;
        }
    }
}
