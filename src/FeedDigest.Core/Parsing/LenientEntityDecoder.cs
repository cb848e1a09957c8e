using System.Globalization;
using System.Net;
using System.Text;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Decodes character and entity references in the text of a document that is not well-formed XML,
/// the way HTML parsers and feedparser's loose parser do: the five XML entities and the HTML 4 named
/// entities are decoded, anything else (a bare ampersand, an unknown name) stays as written.
/// </summary>
internal static class LenientEntityDecoder
{
    private const int MaxNameLength = 32;

    public static string Decode(string raw)
    {
        var amp = raw.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
        {
            return raw;
        }

        var builder = new StringBuilder(raw.Length);
        builder.Append(raw, 0, amp);
        var i = amp;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c != '&')
            {
                builder.Append(c);
                i++;
                continue;
            }

            var consumed = TryDecodeReference(raw, i, builder);
            if (consumed == 0)
            {
                builder.Append('&');
                i++;
            }
            else
            {
                i += consumed;
            }
        }

        return builder.ToString();
    }

    /// <summary>Appends the meaning of the reference at <paramref name="start"/>; returns its length, or 0 if it is no reference.</summary>
    private static int TryDecodeReference(string raw, int start, StringBuilder builder)
    {
        var i = start + 1;
        if (i < raw.Length && raw[i] == '#')
        {
            i++;
            var hex = i < raw.Length && raw[i] is 'x' or 'X';
            if (hex)
            {
                i++;
            }

            var digitsStart = i;
            while (i < raw.Length && (hex ? char.IsAsciiHexDigit(raw[i]) : char.IsAsciiDigit(raw[i])))
            {
                i++;
            }

            if (i == digitsStart)
            {
                return 0;
            }

            // A reference beyond Unicode (or too long to be a number) stands for U+FFFD, as in HTML.
            var digits = raw.AsSpan(digitsStart, i - digitsStart);
            var number = digits.Length <= 7 && int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : -1;
            AppendCodePoint(builder, number);
            // HTML accepts a numeric reference without its semicolon; so do we.
            return (i < raw.Length && raw[i] == ';' ? i + 1 : i) - start;
        }

        var nameStart = i;
        while (i < raw.Length && i - nameStart <= MaxNameLength && char.IsAsciiLetterOrDigit(raw[i]))
        {
            i++;
        }

        if (i == nameStart || i >= raw.Length || raw[i] != ';')
        {
            return 0;
        }

        var name = raw.AsSpan(nameStart, i - nameStart);
        var predefined = name switch
        {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            _ => null,
        };
        if (predefined is not null)
        {
            builder.Append(predefined);
            return i + 1 - start;
        }

        var reference = raw.Substring(start, i + 1 - start);
        var decoded = WebUtility.HtmlDecode(reference);
        if (decoded == reference)
        {
            return 0;
        }

        builder.Append(decoded);
        return i + 1 - start;
    }

    public static void AppendCodePoint(StringBuilder builder, int number)
    {
        if (number is > 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
        {
            builder.Append(char.ConvertFromUtf32(number));
        }
        else
        {
            builder.Append('\uFFFD');
        }
    }
}
