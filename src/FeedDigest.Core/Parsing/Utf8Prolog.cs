using System.Text;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Decides from the first bytes whether a document can go straight to the XML reader as UTF-8: no other
/// charset declared (by HTTP or the XML declaration), no UTF-16/32 byte order mark, and no DOCTYPE (whose
/// internal subset may declare entities that must be expanded first, see <see cref="InternalEntityExpander"/>).
/// </summary>
internal static class Utf8Prolog
{
    private const int PrologWindow = 1024;

    public static bool AllowsDirectReading(ReadOnlySpan<byte> body, string? declaredCharset)
    {
        if (declaredCharset is not null && !IsUtf8Name(declaredCharset.Trim().Trim('"', '\'')))
        {
            return false;
        }

        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        if (body.IsEmpty || body[0] != (byte)'<')
        {
            // Leading white space before an XML declaration is an error, other bytes may be a BOM or junk:
            // the general path looks at them.
            return false;
        }

        var head = body[..Math.Min(body.Length, PrologWindow)];
        if (head.IndexOf("<!DOCTYPE"u8) >= 0)
        {
            return false;
        }

        if (!head.StartsWith("<?xml"u8))
        {
            return true;
        }

        var end = head.IndexOf("?>"u8);
        if (end < 0)
        {
            return false;
        }

        var declaration = Encoding.ASCII.GetString(head[..end]);
        var at = declaration.IndexOf("encoding", StringComparison.Ordinal);
        if (at < 0)
        {
            return true;
        }

        var quote = declaration.IndexOfAny(['"', '\''], at);
        if (quote < 0)
        {
            return false;
        }

        var close = declaration.IndexOf(declaration[quote], quote + 1);
        return close > quote && IsUtf8Name(declaration[(quote + 1)..close].Trim());
    }

    private static bool IsUtf8Name(string name) =>
        name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase);
}
