using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using System.Net;

namespace FeedDigest.Core.Normalizing;

/// <summary>Turns feed HTML into plain text: tags dropped, entities decoded, white space collapsed.</summary>
public static partial class HtmlText
{
    /// <summary>
    /// Plain text of an HTML fragment: tags and comments dropped, script and style contents dropped,
    /// block elements turned into spaces, entities decoded (by <see cref="WebUtility.HtmlDecode"/>),
    /// white space collapsed. Text that holds no markup, such as "AT&amp;T &lt; Verizon" after XML
    /// decoding, is only white-space collapsed.
    /// </summary>
    /// <remarks>
    /// A single forward scan rather than an HTML parser: the output is plain text, encoded again
    /// wherever it is shown, so no DOM is needed, and building one cost 40–70 µs a summary, which
    /// dominated a first poll of 60,000 stories. Sanitizing HTML that is shown as HTML is another matter
    /// and goes through a sanitizer.
    /// </remarks>
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

        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c != '<' || !TryReadTag(html, i, out var tag))
            {
                // A "<" that opens no tag ("1 < 2") is text.
                text.Append(c);
                i++;
                continue;
            }

            i = tag.End;
            if (tag.IsComment)
            {
                continue;
            }

            var name = html.AsSpan(tag.NameStart, tag.NameEnd - tag.NameStart);
            if (!tag.Closing && IsRawTextElement(name))
            {
                var close = html.IndexOf("</" + name.ToString(), i, StringComparison.OrdinalIgnoreCase);
                i = close < 0 ? html.Length : EndOfTag(html, close + 2 + name.Length);
                continue;
            }

            if (IsBlockElement(name))
            {
                text.Append(' ');
            }
        }

        return CollapseWhiteSpace(WebUtility.HtmlDecode(text.ToString()));
    }

    /// <summary>
    /// What the "&lt;" at <paramref name="lt"/> opens: a comment, or a tag with its name; false when
    /// it opens neither and is text. The forward scans here and in <see cref="HtmlBlocks"/> share it.
    /// </summary>
    internal static bool TryReadTag(string html, int lt, out HtmlTag tag)
    {
        tag = default;
        if (lt + 1 >= html.Length)
        {
            return false;
        }

        if (html.AsSpan(lt).StartsWith("<!--", StringComparison.Ordinal))
        {
            var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
            tag = new HtmlTag(IsComment: true, Closing: false, NameStart: lt, NameEnd: lt, End: end < 0 ? html.Length : end + 3);
            return true;
        }

        var next = html[lt + 1];
        if (!char.IsAsciiLetter(next) && next is not ('/' or '!' or '?'))
        {
            return false;
        }

        var closing = next == '/';
        var nameStart = lt + (closing ? 2 : 1);
        var nameEnd = nameStart;
        while (nameEnd < html.Length && char.IsAsciiLetterOrDigit(html[nameEnd]))
        {
            nameEnd++;
        }

        tag = new HtmlTag(IsComment: false, closing, nameStart, nameEnd, EndOfTag(html, nameEnd));
        return true;
    }

    /// <summary>The index after the tag's closing "&gt;", skipping "&gt;" inside quoted attribute values.</summary>
    internal static int EndOfTag(string html, int from)
    {
        var quote = '\0';
        for (var k = from; k < html.Length; k++)
        {
            var ch = html[k];
            if (quote != '\0')
            {
                if (ch == quote)
                {
                    quote = '\0';
                }
            }
            else if (ch is '"' or '\'')
            {
                quote = ch;
            }
            else if (ch == '>')
            {
                return k + 1;
            }
        }

        return html.Length;
    }

    internal static bool IsRawTextElement(ReadOnlySpan<char> name) =>
        name.Equals("script", StringComparison.OrdinalIgnoreCase)
        || name.Equals("style", StringComparison.OrdinalIgnoreCase)
        || name.Equals("template", StringComparison.OrdinalIgnoreCase);

    private static bool IsBlockElement(ReadOnlySpan<char> name)
    {
        Span<char> lower = stackalloc char[Math.Min(name.Length, 16)];
        if (name.Length > 16)
        {
            return false;
        }

        name.ToLowerInvariant(lower);
        return lower switch
        {
            "p" or "div" or "br" or "li" or "tr" or "td" or "th" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote" or "ul" or "ol" or "table" or "hr" or "section" or "article" or "figure" or "figcaption" or "pre" => true,
            _ => false,
        };
    }

    /// <summary>
    /// Text as a reader should see it, for a feed that escaped its text twice: character references
    /// left in it ("Beijing&amp;#8217;s" in the feed, "Beijing&#8217;s" once read) and the five XML
    /// entities are decoded, once. Only where text is shown: a stored title or summary stays as
    /// the feed gave it, since its identity and edit fingerprints were made from it. Named HTML
    /// entities stay as they are ("what does &amp;nbsp; mean?" is about the entity).
    /// </summary>
    public static string ForDisplay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains('&', StringComparison.Ordinal) ? LeftoverReference().Replace(text, match => WebUtility.HtmlDecode(match.Value)) : text;
    }

    [GeneratedRegex("&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|quot|apos|lt|gt);", RegexOptions.CultureInvariant)]
    private static partial Regex LeftoverReference();

    /// <summary>Cuts text to at most <paramref name="maxLength"/> characters on a word boundary, adding an ellipsis.</summary>
    public static string Truncate(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = maxLength - 1;
        // Latin text is cut on the last space; Chinese, Japanese and Korean, which have no spaces
        // between words, next to any of their characters, so a Chinese summary quoting an English
        // name is cut near the limit, not at the name's space.
        var wordBreak = Math.Max(text.LastIndexOf(' ', cut), LastCjkBoundary(text, cut, maxLength / 2));
        if (wordBreak > maxLength / 2)
        {
            cut = wordBreak;
        }
        else if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut).TrimEnd(), "…");
    }

    /// <summary>The last index in (<paramref name="floor"/>, <paramref name="from"/>] with a CJK character just before or at it; -1 when none.</summary>
    private static int LastCjkBoundary(string text, int from, int floor)
    {
        for (var p = from; p > floor; p--)
        {
            if (char.IsLowSurrogate(text[p]))
            {
                continue;
            }

            if (Rune.TryGetRuneAt(text, p, out var at) && Scripts.IsCjk(at))
            {
                return p;
            }

            var before = char.IsLowSurrogate(text[p - 1]) && p >= 2 ? p - 2 : p - 1;
            if (Rune.TryGetRuneAt(text, before, out var previous) && Scripts.IsCjk(previous))
            {
                return p;
            }
        }

        return -1;
    }

    /// <summary>
    /// Collapses runs of XML white space (space, tab, CR, LF) into one space and trims. A no-break
    /// space is content (the author put it there on purpose), so it stays.
    /// </summary>
    public static string CollapseWhiteSpace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Most blocks and titles are already collapsed: they come back as they are, not copied.
        if (!NeedsCollapsing(text))
        {
            return text;
        }

        var buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\r' or '\n' or '\f')
            {
                pendingSpace = length > 0;
                continue;
            }

            if (pendingSpace)
            {
                buffer[length++] = ' ';
                pendingSpace = false;
            }

            buffer[length++] = c;
        }

        return new string(buffer[..length]);
    }

    private static readonly SearchValues<char> WhiteSpaceOtherThanSpace = SearchValues.Create("\t\r\n\f");

    private static bool NeedsCollapsing(string text) =>
        text.Length > 0
        && (text[0] == ' ' || text[^1] == ' ' || text.AsSpan().IndexOfAny(WhiteSpaceOtherThanSpace) >= 0 || text.Contains("  ", StringComparison.Ordinal));

    internal static bool LooksLikeMarkup(string text)
    {
        var lt = text.IndexOf('<', StringComparison.Ordinal);
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        return (lt >= 0 && lt + 1 < text.Length && (char.IsLetter(text[lt + 1]) || text[lt + 1] is '/' or '!'))
            || (amp >= 0 && text.IndexOf(';', amp) > amp);
    }
}

/// <summary>A comment or a tag in an HTML fragment, by index: its name (empty for a comment) and the index after it.</summary>
internal readonly record struct HtmlTag(bool IsComment, bool Closing, int NameStart, int NameEnd, int End);
