using System.Buffers;
using System.Text;
using System.Text.Json;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) into the shared model.
/// Never throws for bad input: what cannot be read is reported in <see cref="ParsedFeed.Errors"/>
/// with the line and column where it was found.
/// </summary>
/// <remarks>
/// The document is walked once with a <see cref="Utf8JsonReader"/>, each top-level member and
/// each item taken as it comes. A syntax error half-way (a truncated download) therefore keeps
/// the feed's fields and the items before it, as the XML readers keep the good items of a bad
/// document; a JsonDocument would give all or nothing.
/// </remarks>
internal static class JsonFeedReader
{
    // System.Text.Json's default; deeper documents are refused with a JsonException, not a stack overflow.
    private const int MaxDepth = 64;

    // The top-level members that are read; everything else (icon, hubs, extensions …) is skipped unparsed.
    private static readonly SearchValues<char> SchemeCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    private static readonly string[] FeedMembers = ["version", "title", "home_page_url", "feed_url", "authors", "author", "items"];

    /// <summary>True when the first character that is not white space or a byte order mark is '{'.</summary>
    public static bool LooksLikeJson(string text)
    {
        foreach (var c in text)
        {
            if (c == '{')
            {
                return true;
            }

            if (!char.IsWhiteSpace(c) && c != '\uFEFF')
            {
                return false;
            }
        }

        return false;
    }

    /// <param name="text">The decoded document.</param>
    /// <param name="documentUri">Where the document came from; the last base for relative URLs.</param>
    /// <param name="errors">Errors found so far (decoding); this reader's are added.</param>
    public static ParsedFeed Read(string text, Uri? documentUri, List<string> errors)
    {
        var utf8 = Encoding.UTF8.GetBytes(BlankLeadingByteOrderMarks(text));
        var positions = new TextPositions(utf8);
        var document = Scan(utf8, positions, errors);
        if (document.IsComplete && !document.Members.ContainsKey("version") && !document.Members.ContainsKey("items") && document.Items is null)
        {
            errors.Add("line 1, column 1: the JSON object has neither \"version\" nor \"items\"; this is not a JSON Feed");
            return new ParsedFeed(FeedFormat.Unknown, null, null, [], true, errors);
        }

        var feed = new Reporter(errors, null);
        var documentBase = documentUri is { IsAbsoluteUri: true } ? documentUri : null;

        // Relative URLs resolve against the feed's own URL, else its home page, else where it was
        // fetched from: the publisher's canonical address beats a mirror's.
        var feedUrl = Member(document, "feed_url", feed, (value, report) => AbsoluteUri(Link(value, "feed_url", documentBase, report)));
        var link = Member(document, "home_page_url", feed, (value, report) => Link(value, "home_page_url", feedUrl ?? documentBase, report));
        var homePage = AbsoluteUri(link);
        var baseUri = feedUrl ?? homePage ?? documentBase;

        var title = Member(document, "title", feed, (value, report) => Text(value, "title", report));

        // JSON Feed 1.1 section "authors": items without their own authors have the feed's.
        var feedAuthor = Member(document, "authors", feed, (value, report) => AuthorName(value, "authors", report))
            ?? Member(document, "author", feed, (value, report) => AuthorName(value, "author", report));

        var items = new List<ParsedItem>();
        if (document.Items is not null)
        {
            for (var i = 0; i < document.Items.Count; i++)
            {
                var (element, position) = document.Items[i];
                var item = ReadItem(element, i + 1, position, baseUri, feedAuthor, errors);
                if (item is not null)
                {
                    items.Add(item);
                }
            }
        }
        else if (document.Members.TryGetValue("items", out var notArray))
        {
            errors.Add($"{notArray.Position}: \"items\" is {Describe(notArray.Value.ValueKind)}, not an array; no items read");
        }
        else if (document.IsComplete)
        {
            errors.Add("line 1, column 1: the feed has no \"items\" array");
        }

        return new ParsedFeed(FeedFormat.Json, title, link, items, errors.Count > 0, errors);
    }

    private static ParsedItem? ReadItem(JsonElement item, int number, string position, Uri? baseUri, string? feedAuthor, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{position}: item {number} skipped: it is {Describe(item.ValueKind)}, not an object");
            return null;
        }

        var report = new Reporter(errors, $"{position}: item {number}: ");
        try
        {
            var link = Property(item, "url", report, (value, r) => Link(value, "url", baseUri, r))
                ?? Property(item, "external_url", report, (value, r) => Link(value, "external_url", baseUri, r));
            var contentHtml = Property(item, "content_html", report, (value, r) => Text(value, "content_html", r, collapse: false));
            var contentText = Property(item, "content_text", report, (value, r) => Text(value, "content_text", r, collapse: false));
            return new ParsedItem
            {
                Id = Property(item, "id", report, Id),
                Title = Property(item, "title", report, (value, r) => Text(value, "title", r)),
                Link = link,
                Published = Property(item, "date_published", report, (value, r) => Date(value, "date_published", r)),
                Updated = Property(item, "date_modified", report, (value, r) => Date(value, "date_modified", r)),
                Author = Property(item, "authors", report, (value, r) => AuthorName(value, "authors", r))
                    ?? Property(item, "author", report, (value, r) => AuthorName(value, "author", r))
                    ?? feedAuthor,

                // summary and content_text are plain text (JSON Feed 1.1); the model holds HTML, so
                // they are escaped rather than left for "<" or "&" to be read as markup later.
                Summary = EscapeHtml(Property(item, "summary", report, (value, r) => Text(value, "summary", r, collapse: false))),
                Content = contentHtml ?? EscapeHtml(contentText),
                Categories = Property(item, "tags", report, Tags) ?? [],
            };
        }
        catch (InvalidOperationException exception)
        {
            // JsonElement throws this for a member name that is an unpaired surrogate escape
            // ("\ud800"): valid JSON grammar, but no UTF-16 string. It costs the item, not the feed.
            errors.Add($"{position}: item {number} skipped: {exception.Message}");
            return null;
        }
    }

    private static T? Member<T>(ScannedDocument document, string name, Reporter feed, Func<JsonElement, Reporter, T?> read) =>
        document.Members.TryGetValue(name, out var member) ? read(member.Value, feed.At(member.Position)) : default;

    private static T? Property<T>(JsonElement item, string name, Reporter report, Func<JsonElement, Reporter, T?> read) =>
        item.TryGetProperty(name, out var value) ? read(value, report) : default;

    private static string? Text(JsonElement value, string name, Reporter report, bool collapse = true)
    {
        var text = StringValue(value, name, report);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return collapse ? HtmlText.CollapseWhiteSpace(text) : text;
    }

    /// <summary>JSON Feed 1.1: an id given as a number or other type "must" be coerced to a string.</summary>
    private static string? Id(JsonElement value, Reporter report)
    {
        var id = value.ValueKind switch
        {
            JsonValueKind.String => StringValue(value, "id", report),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null => null,
            _ => Wrong(value, "id", "a string", report),
        };
        return string.IsNullOrWhiteSpace(id) ? null : id.Trim();
    }

    private static DateTimeOffset? Date(JsonElement value, string name, Reporter report) =>
        FeedDateParser.Parse(StringValue(value, name, report))?.ToUniversalTime();

    /// <summary>The first author's name, from a 1.1 "authors" array or a 1.0 "author" object.</summary>
    private static string? AuthorName(JsonElement value, string name, Reporter report)
    {
        try
        {
            return FirstAuthorName(value, name, report);
        }
        catch (InvalidOperationException)
        {
            // TryGetProperty("name") meets a member name that is an unpaired surrogate escape.
            report.Add($"\"{name}\" has a member name with an unpaired surrogate escape; ignored");
            return null;
        }
    }

    private static string? FirstAuthorName(JsonElement value, string name, Reporter report)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var author in value.EnumerateArray())
                {
                    if (author.ValueKind == JsonValueKind.Object && author.TryGetProperty("name", out var authorName)
                        && Text(authorName, $"{name}[].name", report) is { } text)
                    {
                        return text;
                    }
                }

                return null;
            case JsonValueKind.Object:
                return value.TryGetProperty("name", out var objectName) ? Text(objectName, $"{name}.name", report) : null;
            case JsonValueKind.Null:
                return null;
            default:
                return Wrong(value, name, name == "authors" ? "an array" : "an object", report);
        }
    }

    private static List<string>? Tags(JsonElement value, Reporter report)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return value.ValueKind == JsonValueKind.Null ? null : Wrong<List<string>>(value, "tags", "an array", report);
        }

        var tags = new List<string>();
        foreach (var tag in value.EnumerateArray())
        {
            if (Text(tag, "tags[]", report) is { } text)
            {
                tags.Add(text);
            }
        }

        return tags;
    }

    /// <summary>
    /// A URL as the feed states it when it is absolute, resolved against <paramref name="baseUri"/>
    /// when relative (or as stated when there is no base), null when it cannot be a URL.
    /// </summary>
    private static string? Link(JsonElement value, string name, Uri? baseUri, Reporter report)
    {
        var text = StringValue(value, name, report)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (HasScheme(text))
        {
            // Absolute links are kept as stated: Uri.ToString() would add a "/" to a bare host.
            if (Uri.TryCreate(text, UriKind.Absolute, out _))
            {
                return text;
            }

            report.Add($"\"{name}\" is not a valid URL; ignored");
            return null;
        }

        if (baseUri is not null && Uri.TryCreate(baseUri, text, out var resolved))
        {
            return resolved.AbsoluteUri;
        }

        return text;
    }

    private static Uri? AbsoluteUri(string? link) =>
        link is not null && HasScheme(link) && Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>
    /// True when the text starts with an RFC 3986 scheme. Checked before Uri.TryCreate because on
    /// Unix "/news/1" parses as an absolute file: URI instead of a path to resolve.
    /// </summary>
    private static bool HasScheme(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && char.IsAsciiLetter(text[0])
            && text.AsSpan(0, colon).IndexOfAnyExcept(SchemeCharacters) < 0;
    }

    private static string? StringValue(JsonElement value, string name, Reporter report)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    return value.GetString();
                }
                catch (InvalidOperationException)
                {
                    report.Add($"\"{name}\" holds an unpaired surrogate escape; ignored");
                    return null;
                }

            case JsonValueKind.Null:
                return null;
            default:
                return Wrong(value, name, "a string", report);
        }
    }

    private static string? Wrong(JsonElement value, string name, string expected, Reporter report) =>
        Wrong<string>(value, name, expected, report);

    private static T? Wrong<T>(JsonElement value, string name, string expected, Reporter report)
    {
        report.Add($"\"{name}\" is {Describe(value.ValueKind)}, not {expected}; ignored");
        return default;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string? EscapeHtml(string? text) =>
        text?.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// Utf8JsonReader refuses a byte order mark; one left in the text (a second BOM, or one inside a
    /// declared charset) becomes a space, so line and column numbers still match the document.
    /// </summary>
    private static string BlankLeadingByteOrderMarks(string text)
    {
        var start = text.IndexOf('{', StringComparison.Ordinal);
        if (start <= 0 || !text.AsSpan(0, start).Contains('\uFEFF'))
        {
            return text;
        }

        return string.Concat(text.AsSpan(0, start).ToString().Replace('\uFEFF', ' '), text.AsSpan(start));
    }

    /// <summary>
    /// Walks the document once: the members this reader uses are kept as elements, each item on
    /// its own; the walk stops at the first syntax error, keeping what came before it.
    /// </summary>
    private static ScannedDocument Scan(byte[] utf8, TextPositions positions, List<string> errors)
    {
        var document = new ScannedDocument();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                errors.Add($"{positions.At(reader.TokenStartIndex)}: a JSON Feed is a JSON object, not {Describe(reader.TokenType)}");
                return document;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = KnownMember(ref reader);
                reader.Read();
                var position = positions.At(reader.TokenStartIndex);
                if (name == "items" && reader.TokenType == JsonTokenType.StartArray)
                {
                    // A repeated member replaces the earlier one, as JsonElement.TryGetProperty does.
                    document.Members.Remove(name);
                    document.Items = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var itemPosition = positions.At(reader.TokenStartIndex);
                        document.Items.Add((JsonElement.ParseValue(ref reader), itemPosition));
                    }
                }
                else if (name is not null)
                {
                    if (name == "items")
                    {
                        document.Items = null;
                    }

                    document.Members[name] = (JsonElement.ParseValue(ref reader), position);
                }
                else
                {
                    reader.Skip();
                }
            }

            // Reading past the root object finds anything but white space after it.
            while (reader.Read())
            {
            }

            document.IsComplete = true;
        }
        catch (JsonException exception)
        {
            errors.Add($"{positions.At(exception)}: {WithoutPosition(exception.Message)}");
        }

        return document;
    }

    private static string? KnownMember(ref Utf8JsonReader reader)
    {
        foreach (var name in FeedMembers)
        {
            try
            {
                if (reader.ValueTextEquals(name))
                {
                    return name;
                }
            }
            catch (InvalidOperationException)
            {
                // An unpaired surrogate escape in the name: it is none of ours.
                return null;
            }
        }

        return null;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };

    // System.Text.Json appends " LineNumber: 3 | BytePositionInLine: 0." to its messages; the
    // position is given once, in the project's "line L, column C" form.
    private static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    private sealed class ScannedDocument
    {
        public Dictionary<string, (JsonElement Value, string Position)> Members { get; } = new(StringComparer.Ordinal);

        public List<(JsonElement Element, string Position)>? Items { get; set; }

        /// <summary>The root object was read to its end without a syntax error.</summary>
        public bool IsComplete { get; set; }
    }

    /// <summary>Collects messages, each prefixed with where it was found.</summary>
    private sealed class Reporter(List<string> errors, string? prefix)
    {
        public Reporter At(string position) => new(errors, $"{position}: ");

        public void Add(string message) => errors.Add($"{prefix ?? "line 1, column 1: "}{message}");
    }

    /// <summary>
    /// Turns byte offsets in the UTF-8 document into 1-based line and column numbers (columns in
    /// UTF-16 characters, as XmlException counts them). Offsets asked for in increasing order cost
    /// one pass over the document in all, so a minified feed on one line stays linear.
    /// </summary>
    private sealed class TextPositions(byte[] utf8)
    {
        private long offset;
        private long line = 1;
        private long column = 1;

        public string At(long target)
        {
            target = Math.Clamp(target, 0, utf8.Length);
            if (target < offset)
            {
                (offset, line, column) = (0, 1, 1);
            }

            for (; offset < target; offset++)
            {
                var b = utf8[offset];
                if (b == (byte)'\n')
                {
                    line++;
                    column = 1;
                }
                else if ((b & 0xC0) != 0x80)
                {
                    // A lead byte starts one character; a four-byte sequence is a surrogate pair.
                    column += b >= 0xF0 ? 2 : 1;
                }
            }

            return $"line {line}, column {column}";
        }

        /// <summary>The position of a reader error, which System.Text.Json gives as a 0-based line and a byte in it.</summary>
        public string At(JsonException exception)
        {
            var lineNumber = exception.LineNumber ?? 0;
            var start = 0L;
            for (var seen = 0L; seen < lineNumber && start < utf8.Length; start++)
            {
                if (utf8[start] == (byte)'\n')
                {
                    seen++;
                }
            }

            return At(start + (exception.BytePositionInLine ?? 0));
        }
    }
}
