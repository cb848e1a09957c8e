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
            var text = separator + string.Concat(elements.Select((e, i) => (i == 0 ? "\n" : ",\n") + indent + e));
            var closing = CharIndex(bytes, end);
            var beforeClose = json[insertAt..closing];
            return json[..insertAt] + text + (beforeClose.Trim().Length == 0 && !beforeClose.Contains('\n', StringComparison.Ordinal) ? "\n" + IndentOf(json, CharIndex(bytes, start)) : string.Empty) + json[insertAt..];
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
