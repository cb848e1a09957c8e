using System.Text;
using System.Text.Json;

namespace FeedDigest.Infrastructure.Configuration;

/// <summary>
/// Edits a JSON configuration file as text, so everything the edit does not touch (comments, order,
/// formatting) stays exactly as the admin wrote it. Positions come from a JSON reader that skips
/// comments, so a bracket inside a comment or a string is never mistaken for structure.
/// </summary>
public static class JsonConfigEditor
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Appends <paramref name="elements"/> (each a JSON value as text) to the array at
    /// <paramref name="path"/> (e.g. FeedDigest, Feeds), creating the array and the objects on the way
    /// when they are missing.
    /// </summary>
    public static string AppendToArray(string json, IReadOnlyList<string> path, IReadOnlyList<string> elements)
    {
        if (elements.Count == 0)
        {
            return json;
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        var (found, depthFound, start, end, lastElementEnd) = Locate(bytes, path);
        if (found == path.Count)
        {
            // The array exists: insert before its closing bracket, after its last element.
            var indent = IndentOf(json, CharIndex(bytes, start)) + "  ";
            var insertAt = CharIndex(bytes, lastElementEnd ?? start + 1);
            var separator = lastElementEnd is null ? string.Empty : ",";
            // A "// comment" after the last element stays with it: the new elements go on the lines after.
            var afterComment = lastElementEnd is null ? insertAt : EndOfTrailingComment(json, insertAt);
            var text = string.Concat(elements.Select((e, i) => (i == 0 ? "\n" : ",\n") + indent + e));
            var closing = CharIndex(bytes, end);
            var beforeClose = json[afterComment..closing];
            return json[..insertAt] + separator + json[insertAt..afterComment] + text + (beforeClose.Trim().Length == 0 && !beforeClose.Contains('\n', StringComparison.Ordinal) ? "\n" + IndentOf(json, CharIndex(bytes, start)) : string.Empty) + json[afterComment..];
        }

        // Create what is missing inside the deepest object that exists.
        var objectStart = CharIndex(bytes, start);
        var objectEnd = CharIndex(bytes, end);
        var baseIndent = IndentOf(json, objectStart) + "  ";
        var value = "[\n" + string.Join(",\n", elements.Select(e => baseIndent + new string(' ', 2 * (path.Count - found)) + e)) + "\n" + baseIndent + new string(' ', 2 * (path.Count - found - 1)) + "]";
        for (var level = path.Count - 1; level > found; level--)
        {
            var indent = baseIndent + new string(' ', 2 * (level - found));
            value = "{\n" + indent + JsonSerializer.Serialize(path[level]) + ": " + value + "\n" + baseIndent + new string(' ', 2 * (level - found - 1)) + "}";
        }

        var member = JsonSerializer.Serialize(path[found]) + ": " + value;
        var hasMembers = lastElementEnd is not null;
        var at = CharIndex(bytes, lastElementEnd ?? start + 1);
        return json[..at] + (hasMembers ? "," : string.Empty) + "\n" + baseIndent + member + (hasMembers ? string.Empty : "\n" + IndentOf(json, objectStart)) + json[at..objectEnd] + json[objectEnd..];
    }

    /// <summary>
    /// Removes the elements of the array at <paramref name="path"/> that <paramref name="match"/>
    /// picks, with the comma that separated each; returns how many went. Text before and after each
    /// removed element (comments on other elements included) stays.
    /// </summary>
    public static string RemoveFromArray(string json, IReadOnlyList<string> path, Func<JsonElement, bool> match, out int removed)
    {
        var matches = ElementSpans(json, path).Select(span => Matches(json, span, match)).ToList();
        removed = 0;
        // From the last element back, so the indexes of those still to remove stay the same.
        for (var i = matches.Count - 1; i >= 0; i--)
        {
            if (matches[i])
            {
                json = RemoveElement(json, ElementSpans(json, path), i);
                removed++;
            }
        }

        return json;
    }

    /// <summary>
    /// An element on lines of its own goes with those lines, its trailing "// comment" included, and
    /// when it was the last, the comma before it goes too; an element sharing its line with others
    /// (a compact array) goes with the comma that separated it.
    /// </summary>
    private static string RemoveElement(string json, List<(int Start, int End)> spans, int i)
    {
        var (start, end) = spans[i];
        var isLast = i == spans.Count - 1;
        var lineStart = json.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
        var lineEnd = json.IndexOf('\n', end);
        lineEnd = lineEnd < 0 ? json.Length : lineEnd;
        var after = json[end..lineEnd].TrimStart(' ', '\t');
        after = after.StartsWith(',') ? after[1..].TrimStart(' ', '\t') : after;
        var ownLines = json[lineStart..start].Trim().Length == 0
            && (after.TrimEnd('\r').Length == 0 || after.StartsWith("//", StringComparison.Ordinal))
            && (i == 0 || spans[i - 1].End < lineStart)
            && (isLast || spans[i + 1].Start > lineEnd);
        if (ownLines)
        {
            json = json[..lineStart] + json[Math.Min(json.Length, lineEnd + 1)..];
            var comma = i > 0 && isLast ? json.IndexOf(',', spans[i - 1].End) : -1;
            return comma >= 0 && comma < lineStart ? json.Remove(comma, 1) : json;
        }

        if (i > 0)
        {
            return json[..json.IndexOf(',', spans[i - 1].End)] + json[end..];
        }

        return isLast ? json[..start] + json[end..] : json[..start] + json[spans[i + 1].Start..];
    }

    /// <summary>
    /// Sets member <paramref name="name"/> to <paramref name="value"/> (JSON text) in every object of
    /// the array at <paramref name="path"/> that <paramref name="match"/> picks, replacing the value
    /// when the member exists and adding it last when not; returns how many objects were changed.
    /// </summary>
    public static string SetMember(string json, IReadOnlyList<string> path, Func<JsonElement, bool> match, string name, string value, out int changed)
    {
        var spans = ElementSpans(json, path);
        changed = 0;
        for (var i = spans.Count - 1; i >= 0; i--)
        {
            if (!Matches(json, spans[i], match))
            {
                continue;
            }

            changed++;
            var (start, end) = spans[i];
            var element = json[start..end];
            json = json[..start] + SetObjectMember(element, name, value) + json[end..];
        }

        return json;
    }

    /// <summary>The elements of the array at <paramref name="path"/>, read as JSON (comments skipped); empty when it is missing.</summary>
    public static IReadOnlyList<JsonElement> ReadArray(string json, IReadOnlyList<string> path) =>
        [.. ElementSpans(json, path).Select(span => Parse(json[span.Start..span.End]))];

    /// <summary>A "// comment" after an element on its line belongs to it: the end of that comment, else <paramref name="end"/>.</summary>
    private static int EndOfTrailingComment(string json, int end)
    {
        var lineEnd = json.IndexOf('\n', end);
        var rest = json[end..(lineEnd < 0 ? json.Length : lineEnd)];
        var trimmed = rest.TrimStart(' ', '\t');
        return trimmed.StartsWith("//", StringComparison.Ordinal) ? end + rest.TrimEnd('\r').Length : end;
    }

    private static bool Matches(string json, (int Start, int End) span, Func<JsonElement, bool> match) => match(Parse(json[span.Start..span.End]));

    private static JsonElement Parse(string element)
    {
        using var document = JsonDocument.Parse(element, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }

    private static string SetObjectMember(string element, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(element);
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Cannot set \"{name}\" on an element that is not an object.");
        }

        long? lastEnd = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTarget = string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);
            reader.Read();
            var valueStart = reader.TokenStartIndex;
            reader.Skip();
            var valueEnd = TokenEnd(ref reader);
            if (isTarget)
            {
                return element[..CharIndex(bytes, valueStart)] + value + element[CharIndex(bytes, valueEnd)..];
            }

            lastEnd = valueEnd;
        }

        var closing = CharIndex(bytes, reader.TokenStartIndex);
        var member = JsonSerializer.Serialize(name) + ": " + value;
        if (lastEnd is { } after)
        {
            var at = CharIndex(bytes, after);
            return element[..at] + ", " + member + element[at..];
        }

        return element[..closing].TrimEnd() + " " + member + " " + element[closing..];
    }

    private static long TokenEnd(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray
            ? reader.TokenStartIndex + 1
            : reader.TokenStartIndex + (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) + (reader.TokenType == JsonTokenType.String ? 2 : 0);

    /// <summary>Character offsets of each element of the array at <paramref name="path"/>.</summary>
    private static List<(int Start, int End)> ElementSpans(string json, IReadOnlyList<string> path)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var (found, _, start, _, _) = Locate(bytes, path);
        var spans = new List<(int, int)>();
        if (found < path.Count || bytes[start] != (byte)'[')
        {
            return spans;
        }

        var reader = new Utf8JsonReader(bytes.AsSpan((int)start), ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var elementStart = start + reader.TokenStartIndex;
            reader.Skip();
            spans.Add((CharIndex(bytes, elementStart), CharIndex(bytes, start + TokenEnd(ref reader))));
        }

        return spans;
    }

    /// <summary>
    /// Finds the deepest existing container along <paramref name="path"/>: how many path steps were
    /// found, and the byte offsets of that container's opening and closing tokens and of the end of
    /// its last member or element (null when empty).
    /// </summary>
    private static (int Found, int Depth, long Start, long End, long? LastEnd) Locate(byte[] bytes, IReadOnlyList<string> path)
    {
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The configuration file must hold a JSON object.");
        }

        var found = 0;
        while (true)
        {
            var start = reader.TokenStartIndex;
            var isArray = reader.TokenType == JsonTokenType.StartArray;
            long? lastEnd = null;
            var descended = false;
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    return (found, reader.CurrentDepth, start, reader.TokenStartIndex, lastEnd);
                }

                if (!isArray && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    reader.Read();
                    if (found < path.Count && string.Equals(name, path[found], StringComparison.OrdinalIgnoreCase)
                        && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        found++;
                        descended = true;
                        break;
                    }
                }

                reader.Skip();
                lastEnd = reader.TokenStartIndex + (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) + (reader.TokenType == JsonTokenType.String ? 2 : 0);
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    lastEnd = reader.TokenStartIndex + 1;
                }
            }

            if (!descended)
            {
                throw new JsonException("The configuration file ends early.");
            }
        }
    }

    private static int CharIndex(byte[] bytes, long byteIndex) => Encoding.UTF8.GetCharCount(bytes, 0, (int)byteIndex);

    private static string IndentOf(string text, int index)
    {
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        var end = lineStart;
        while (end < text.Length && text[end] is ' ' or '\t')
        {
            end++;
        }

        return text[lineStart..end];
    }
}
