using System.Text;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Expands the general entities a document declares in its internal DOCTYPE subset, e.g.
/// <c>&lt;!DOCTYPE rss [&lt;!ENTITY id "tag:example.com,"&gt;]&gt;</c>, which feedparser (through expat)
/// supports. The XML readers never process DTDs (<see cref="SafeXml"/>), so this is done here, on the
/// text, under strict limits:
/// <list type="bullet">
/// <item>only internal entities are expanded; external ones (SYSTEM/PUBLIC) are never fetched and their
/// references are removed, as a non-validating processor may do (XML 1.0 §4.4.3);</item>
/// <item>an entity's expansion is capped at <see cref="MaxEntityLength"/> characters, all the declared
/// entities' expansions together at <see cref="MaxGrowth"/>, and the whole document may grow by at
/// most <see cref="MaxGrowth"/> characters, so "billion laughs", quadratic blow-up and thousands of
/// declarations each as large as allowed are refused after a bounded amount of work and memory,
/// leaving the references unexpanded (the document is then read as broken).</item>
/// </list>
/// </summary>
internal static class InternalEntityExpander
{
    public const int MaxEntityLength = 16 * 1024;
    public const int MaxGrowth = 1024 * 1024;
    private const int MaxDepth = 16;
    private const int MaxNameLength = 64;

    /// <summary>Returns the text with declared entities expanded, or the text itself when there are none.</summary>
    public static string Expand(string text, List<string> errors)
    {
        var doctype = FindDoctype(text);
        if (doctype is not { } found)
        {
            return text;
        }

        var declarations = ReadDeclarations(text.AsSpan(found.SubsetStart, found.SubsetEnd - found.SubsetStart));
        if (declarations.Count == 0)
        {
            return text;
        }

        var expanded = new Dictionary<string, string>(StringComparer.Ordinal);
        // Every expansion is kept until the document is substituted: each is capped, and so is their sum.
        var budget = MaxGrowth;
        foreach (var name in declarations.Keys)
        {
            if (ExpandEntity(name, declarations, expanded, 0, ref budget) is null)
            {
                errors.Add(budget < 0
                    ? $"{SafeXml.Position(text, found.SubsetStart)}: the document's {declarations.Count} entities expand to more than {MaxGrowth} characters together; entities were not expanded"
                    : $"{SafeXml.Position(text, found.SubsetStart)}: entity &{name}; expands beyond {MaxEntityLength} characters or recursively; entities were not expanded");
                return text;
            }
        }

        var result = Substitute(text, found.End, expanded);
        if (result is null)
        {
            errors.Add($"{SafeXml.Position(text, found.End)}: expanding the document's entities would add more than {MaxGrowth} characters; entities were not expanded");
            return text;
        }

        return result;
    }

    private readonly record struct Doctype(int SubsetStart, int SubsetEnd, int End);

    /// <summary>Finds a DOCTYPE with an internal subset in the prolog (before the root element).</summary>
    private static Doctype? FindDoctype(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var lt = text.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= text.Length)
            {
                return null;
            }

            if (string.CompareOrdinal(text, lt, "<!--", 0, 4) == 0)
            {
                var end = text.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                if (end < 0)
                {
                    return null;
                }

                i = end + 3;
            }
            else if (text[lt + 1] == '?')
            {
                var end = text.IndexOf("?>", lt + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return null;
                }

                i = end + 2;
            }
            else if (string.CompareOrdinal(text, lt, "<!DOCTYPE", 0, 9) == 0)
            {
                return ReadDoctype(text, lt + 9);
            }
            else
            {
                // The root element starts: there is no DOCTYPE.
                return null;
            }
        }

        return null;
    }

    private static Doctype? ReadDoctype(string text, int i)
    {
        char quote = '\0';
        var subsetStart = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[' && subsetStart < 0)
            {
                subsetStart = i + 1;
            }
            else if (c == ']' && subsetStart >= 0)
            {
                var close = text.IndexOf('>', i);
                return close < 0 ? null : new Doctype(subsetStart, i, close + 1);
            }
            else if (c == '>' && subsetStart < 0)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads <c>&lt;!ENTITY name "value"&gt;</c> declarations. External entities map to null (never
    /// read); parameter entities are skipped; the first declaration of a name binds (XML 1.0 §4.2).
    /// </summary>
    private static Dictionary<string, string?> ReadDeclarations(ReadOnlySpan<char> subset)
    {
        var declarations = new Dictionary<string, string?>(StringComparer.Ordinal);
        var i = 0;
        while (true)
        {
            var at = subset[i..].IndexOf("<!ENTITY", StringComparison.Ordinal);
            if (at < 0)
            {
                return declarations;
            }

            i += at + 8;
            i = SkipSpace(subset, i);
            if (i < subset.Length && subset[i] == '%')
            {
                continue;
            }

            var nameStart = i;
            while (i < subset.Length && !char.IsWhiteSpace(subset[i]) && subset[i] is not ('>' or '"' or '\''))
            {
                i++;
            }

            var name = subset[nameStart..i].ToString();
            i = SkipSpace(subset, i);
            if (name.Length == 0 || i >= subset.Length)
            {
                continue;
            }

            if (subset[i] is '"' or '\'')
            {
                var quote = subset[i];
                var end = subset[(i + 1)..].IndexOf(quote);
                if (end < 0)
                {
                    return declarations;
                }

                declarations.TryAdd(name, subset.Slice(i + 1, end).ToString());
                i += end + 2;
            }
            else
            {
                declarations.TryAdd(name, null);
            }
        }
    }

    private static int SkipSpace(ReadOnlySpan<char> span, int i)
    {
        while (i < span.Length && char.IsWhiteSpace(span[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// The full expansion of one entity, or null when it is too large, too deep or recursive, or
    /// when it would take more than what is left of <paramref name="budget"/> (then below zero).
    /// </summary>
    private static string? ExpandEntity(string name, Dictionary<string, string?> declarations, Dictionary<string, string> expanded, int depth, ref int budget)
    {
        if (expanded.TryGetValue(name, out var done))
        {
            return done;
        }

        if (depth > MaxDepth || !declarations.TryGetValue(name, out var value))
        {
            return null;
        }

        if (value is null)
        {
            expanded[name] = string.Empty;
            return string.Empty;
        }

        var builder = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var amp = value.IndexOf('&', i);
            if (amp < 0)
            {
                builder.Append(value, i, value.Length - i);
                break;
            }

            builder.Append(value, i, amp - i);
            var semicolon = SemicolonOfReference(value, amp);
            var reference = semicolon < 0 ? null : value[(amp + 1)..semicolon];
            if (reference is not null && reference.Length > 0 && reference[0] != '#' && declarations.ContainsKey(reference))
            {
                var inner = ExpandEntity(reference, declarations, expanded, depth + 1, ref budget);
                if (inner is null)
                {
                    return null;
                }

                builder.Append(inner);
                i = semicolon + 1;
            }
            else
            {
                // Character references and predefined entities are left for the XML reader.
                builder.Append('&');
                i = amp + 1;
            }

            if (builder.Length > MaxEntityLength)
            {
                return null;
            }
        }

        if (builder.Length > MaxEntityLength)
        {
            return null;
        }

        budget -= builder.Length;
        if (budget < 0)
        {
            return null;
        }

        var result = builder.ToString();
        expanded[name] = result;
        return result;
    }

    /// <summary>Replaces references after the DOCTYPE, outside CDATA sections and comments; null if the text would grow too much.</summary>
    private static string? Substitute(string text, int start, Dictionary<string, string> expanded)
    {
        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, start);
        var i = start;
        while (i < text.Length)
        {
            var next = text.AsSpan(i).IndexOfAny('&', '<');
            if (next < 0)
            {
                builder.Append(text, i, text.Length - i);
                break;
            }

            next += i;
            builder.Append(text, i, next - i);
            i = next;
            if (text[i] == '<')
            {
                var skipTo = SkipVerbatim(text, i);
                builder.Append(text, i, skipTo - i);
                i = skipTo;
                continue;
            }

            // A name is at most MaxNameLength characters: the ';' is looked for no further (a search to the
            // end of the text for every '&' of a document without ';' would be quadratic).
            var semicolon = SemicolonOfReference(text, i);
            var name = semicolon > i + 1 ? text[(i + 1)..semicolon] : null;
            if (name is not null && expanded.TryGetValue(name, out var value))
            {
                builder.Append(value);
                i = semicolon + 1;
                if (builder.Length - text.Length > MaxGrowth)
                {
                    return null;
                }
            }
            else
            {
                builder.Append('&');
                i++;
            }
        }

        return builder.ToString();
    }

    /// <summary>The index of the ';' ending the reference whose '&amp;' is at <paramref name="amp"/>, or -1 when none is within a name's length.</summary>
    private static int SemicolonOfReference(string text, int amp)
    {
        // '&', up to MaxNameLength - 1 name characters, ';'.
        var window = text.AsSpan(amp, Math.Min(text.Length - amp, MaxNameLength + 1));
        var semicolon = window.IndexOf(';');
        return semicolon < 0 ? -1 : amp + semicolon;
    }

    /// <summary>For a '&lt;' at <paramref name="i"/>, the end of a CDATA section or comment starting there, else i + 1.</summary>
    private static int SkipVerbatim(string text, int i)
    {
        if (string.CompareOrdinal(text, i, "<![CDATA[", 0, 9) == 0)
        {
            var end = text.IndexOf("]]>", i + 9, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 3;
        }

        if (string.CompareOrdinal(text, i, "<!--", 0, 4) == 0)
        {
            var end = text.IndexOf("-->", i + 4, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 3;
        }

        return i + 1;
    }
}
