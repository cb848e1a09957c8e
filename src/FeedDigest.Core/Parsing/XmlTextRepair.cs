using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Repairs the faults that make a strict XML reader refuse a whole feed although its meaning is
/// clear: text before the XML declaration, HTML entities XML does not declare, raw control characters.
/// Each repair is reported so the document is still marked as broken.
/// </summary>
internal static partial class XmlTextRepair
{
    public static string Repair(string text, List<string> errors)
    {
        var start = text.IndexOf('<', StringComparison.Ordinal);
        if (start > 0)
        {
            if (!string.IsNullOrWhiteSpace(text[..start]))
            {
                errors.Add("line 1, column 1: text before the root element was ignored");
            }

            text = text[start..];
        }

        text = ReplaceUndeclaredEntities(text, errors);
        return RemoveControlCharacters(text, errors);
    }

    private static string ReplaceUndeclaredEntities(string text, List<string> errors)
    {
        if (!text.Contains('&', StringComparison.Ordinal))
        {
            return text;
        }

        var reported = false;
        return NamedEntityOutsideCdata().Replace(text, match =>
        {
            // CDATA sections and comments are matched whole and kept: entities mean nothing inside them.
            if (!match.Groups["name"].Success)
            {
                return match.Value;
            }

            var name = match.Groups["name"].Value;
            if (name is "amp" or "lt" or "gt" or "quot" or "apos")
            {
                return match.Value;
            }

            var decoded = WebUtility.HtmlDecode(match.Value);
            if (!reported)
            {
                errors.Add($"{Position(text, match.Index)}: undeclared entity &{name}; read as its HTML meaning");
                reported = true;
            }

            if (decoded == match.Value)
            {
                // Not an HTML entity either: keep the text literally rather than fail the document.
                return "&amp;" + match.Value[1..];
            }

            var builder = new StringBuilder();
            foreach (var rune in decoded.EnumerateRunes())
            {
                builder.Append("&#").Append(rune.Value).Append(';');
            }

            return builder.ToString();
        });
    }

    private static string RemoveControlCharacters(string text, List<string> errors)
    {
        var index = text.AsSpan().IndexOfAnyInRange('\u0000', '\u001F');
        while (index >= 0 && text[index] is '\t' or '\n' or '\r')
        {
            var next = text.AsSpan(index + 1).IndexOfAnyInRange('\u0000', '\u001F');
            index = next < 0 ? -1 : index + 1 + next;
        }

        if (index < 0)
        {
            return text;
        }

        errors.Add($"{Position(text, index)}: control characters are not allowed in XML and were removed");
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c >= '\u0020' || c is '\t' or '\n' or '\r')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string Position(string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return $"line {line}, column {index - lineStart + 1}";
    }

    [GeneratedRegex("<!\\[CDATA\\[.*?\\]\\]>|<!--.*?-->|&(?<name>[A-Za-z][A-Za-z0-9]{1,31});", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex NamedEntityOutsideCdata();
}
