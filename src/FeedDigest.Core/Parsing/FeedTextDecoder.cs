using System.Text;
using System.Text.RegularExpressions;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Turns the bytes of a feed into text before any XML reader sees them, so that a wrong label
/// costs a few characters instead of the whole document.
/// </summary>
internal static partial class FeedTextDecoder
{
    static FeedTextDecoder()
    {
        // GB2312, Big5, Shift_JIS, KOI8-R and windows-125x live in the code-pages provider on .NET.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>
    /// Decodes in the order RFC 7303 §8.5 gives: a byte order mark, then the charset of the
    /// media type, then the XML declaration, then UTF-8. Bytes that are not valid in the chosen
    /// encoding fall back to windows-1252, the usual truth behind a mislabelled "UTF-8" feed.
    /// </summary>
    public static DecodedText Decode(ReadOnlySpan<byte> bytes, string? declaredCharset, List<string> warnings)
    {
        var (bomEncoding, bomLength) = DetectByteOrderMark(bytes);
        if (bomEncoding is not null)
        {
            return new DecodedText(bomEncoding.GetString(bytes[bomLength..]), bomEncoding.WebName);
        }

        var encoding = TryGetEncoding(declaredCharset);
        if (encoding is null)
        {
            var declared = ReadXmlDeclarationEncoding(bytes);
            encoding = TryGetEncoding(declared);
            if (declared is not null && encoding is null)
            {
                warnings.Add($"unknown encoding \"{declared}\" in the XML declaration; read as UTF-8");
            }
        }

        // Bytes that spell "<?xml" in ASCII cannot be UTF-16 or UTF-32, whatever they declare
        // (XML 1.0 appendix F); .NET's XmlWriter writes such declarations on UTF-8 files.
        if (encoding is UnicodeEncoding or UTF32Encoding && bytes.StartsWith("<?xml"u8))
        {
            warnings.Add($"the document declares {encoding.WebName} but its bytes are ASCII-compatible; read as UTF-8");
            encoding = null;
        }

        encoding ??= Encoding.UTF8;
        if (encoding is UTF8Encoding)
        {
            try
            {
                return new DecodedText(StrictUtf8.GetString(bytes), "utf-8");
            }
            catch (DecoderFallbackException)
            {
                warnings.Add("the document is not valid UTF-8; read as windows-1252");
                return new DecodedText(Encoding.GetEncoding(1252).GetString(bytes), "windows-1252");
            }
        }

        return new DecodedText(encoding.GetString(bytes), encoding.WebName);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static (Encoding? Encoding, int Length) DetectByteOrderMark(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (Encoding.UTF8, 3);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (Encoding.UTF32, 4);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode, 2);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode, 2);
        }

        // No BOM, but "<?" in a 16- or 32-bit encoding (RFC 7303 §8.5 / XML 1.0 appendix F).
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x3C]))
        {
            return (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 0);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x3C, 0x00, 0x00, 0x00]))
        {
            return (Encoding.UTF32, 0);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x3C, 0x00, 0x3F]))
        {
            return (Encoding.BigEndianUnicode, 0);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x3C, 0x00, 0x3F, 0x00]))
        {
            return (Encoding.Unicode, 0);
        }

        return (null, 0);
    }

    private static string? ReadXmlDeclarationEncoding(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 512)]);
        var match = XmlDeclarationEncoding().Match(head);
        return match.Success ? match.Groups["name"].Value : null;
    }

    private static Encoding? TryGetEncoding(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            var encoding = Encoding.GetEncoding(name.Trim().Trim('"', '\''));
            // GB2312 documents routinely hold GBK and GB18030 characters; read the superset.
            return encoding.CodePage is 936 or 20936 ? Encoding.GetEncoding("GB18030") : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("""^\s*<\?xml[^>]*?encoding\s*=\s*["'](?<name>[A-Za-z0-9._\-:]+)["']""", RegexOptions.CultureInvariant)]
    private static partial Regex XmlDeclarationEncoding();
}

internal readonly record struct DecodedText(string Text, string EncodingName);
