using System.Buffers;
using System.Text;

namespace FeedDigest.Core.Parsing;

/// <summary>Normalisation shared by every text value the parser returns.</summary>
internal static class FeedText
{
    /// <summary>
    /// Collapses runs of XML white space (space, tab, CR, LF: XML 1.0 production S) to one space and trims.
    /// Other white space, such as the no-break space of &amp;nbsp;, is content and is kept.
    /// </summary>
    public static string CollapseWhiteSpace(string text)
    {
        var span = text.AsSpan();
        var needsWork = span.Length > 0
            && (IsXmlSpace(span[0]) || IsXmlSpace(span[^1]) || span.IndexOfAny(TabOrLineBreak) >= 0 || span.IndexOf("  ", StringComparison.Ordinal) >= 0);
        if (!needsWork)
        {
            return text;
        }

        // Runs of characters other than white space are copied whole (a vectorised search finds their ends),
        // into a buffer of the text's length: the result is never longer.
        var buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        while (true)
        {
            var start = span.IndexOfAnyExcept(XmlSpace);
            if (start < 0)
            {
                break;
            }

            if (start > 0 && length > 0)
            {
                buffer[length++] = ' ';
            }

            span = span[start..];
            var end = span.IndexOfAny(XmlSpace);
            var run = end < 0 ? span : span[..end];
            run.CopyTo(buffer[length..]);
            length += run.Length;
            if (end < 0)
            {
                break;
            }

            span = span[end..];
        }

        return new string(buffer[..length]);
    }

    private static readonly SearchValues<char> XmlSpace = SearchValues.Create(" \t\n\r");
    private static readonly SearchValues<char> TabOrLineBreak = SearchValues.Create("\t\n\r");

    public static bool IsXmlSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    /// <summary>
    /// Maps C1 control characters (U+0080–U+009F) to the windows-1252 characters they almost always
    /// stand for: feeds encode curly quotes as &amp;#146; and the like (feedparser does the same).
    /// </summary>
    public static string RepairC1Controls(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= '\u0080' and <= '\u009F')
            {
                var mapped = Windows1252.GetString([(byte)chars[i]]);
                chars[i] = mapped.Length == 1 && mapped[0] != '\uFFFD' && mapped[0] != '?' ? mapped[0] : chars[i];
            }
        }

        return new string(chars);
    }

    private static readonly Encoding Windows1252 = CreateWindows1252();

    private static Encoding CreateWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
    }

    /// <summary>
    /// Whether text in an element of unknown type is HTML: it holds a tag. Titles in RSS carry no type;
    /// text without tags is taken literally (so an escaped "&amp;lt;p&amp;gt;" in a CDATA section stays as
    /// written, as gofeed and feedparser keep it), text with tags is flattened as HTML.
    /// </summary>
    public static bool LooksLikeHtml(string text)
    {
        var lt = text.IndexOf('<', StringComparison.Ordinal);
        while (lt >= 0 && lt + 1 < text.Length)
        {
            var next = text[lt + 1];
            if (char.IsAsciiLetter(next) || (next == '/' && lt + 2 < text.Length && char.IsAsciiLetter(text[lt + 2])))
            {
                // No '>' after this tag's start closes any later one either: one search, not one per '<'.
                return text.IndexOf('>', lt + 1) > 0;
            }

            lt = text.IndexOf('<', lt + 1);
        }

        return false;
    }
}
