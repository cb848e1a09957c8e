using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
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
/// A <see cref="Utf8JsonReader"/> first walks the document, noting where the members and items
/// start and where it stops being valid JSON; one <see cref="JsonDocument"/> is then parsed from
/// the valid part, closed. A syntax error half-way (a truncated download) therefore keeps the
/// feed's fields and the items before it, as the XML readers keep the good items of a bad
/// document, where parsing the whole would give all or nothing.
/// </remarks>
internal static class JsonFeedReader
{
    // System.Text.Json's default; deeper documents are refused with a JsonException, not a stack overflow.
    private const int MaxDepth = 64;

    private static readonly SearchValues<char> SchemeCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    // The top-level members whose positions are noted; the rest (icon, hubs, extensions …) are only skipped.
    private static readonly string[] FeedMembers = ["version", "title", "home_page_url", "feed_url", "authors", "author", "items"];

    private static readonly FrozenDictionary<string, byte[]> Utf8Names = new[] { "version", "title", "home_page_url", "feed_url", "authors", "author", "items", "name" }
        .ToFrozenDictionary(name => name, name => Encoding.UTF8.GetBytes(name), StringComparer.Ordinal);

    // In the order of ItemMember.
    private static readonly byte[][] ItemMemberNames =
    [
        .. new[] { "url", "external_url", "content_html", "content_text", "id", "title", "date_published", "date_modified", "authors", "author", "summary", "tags" }
            .Select(Encoding.UTF8.GetBytes),
    ];

    private enum ItemMember
    {
        Url,
        ExternalUrl,
        ContentHtml,
        ContentText,
        Id,
        Title,
        DatePublished,
        DateModified,
        Authors,
        Author,
        Summary,
        Tags,
    }

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
        using var document = Scan(utf8, positions, errors);
        if (document.Root is not { } root)
        {
            return new ParsedFeed(FeedFormat.Json, null, null, [], true, errors);
        }

        if (document.IsComplete && !TryGetMember(root, "version", out _) && !TryGetMember(root, "items", out _))
        {
            errors.Add("line 1, column 1: the JSON object has neither \"version\" nor \"items\"; this is not a JSON Feed");
            return new ParsedFeed(FeedFormat.Unknown, null, null, [], true, errors);
        }

        var feed = new Reporter(errors, positions, 0, 0);
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

        List<ParsedItem> items = [];
        if (!TryGetMember(root, "items", out var itemsValue))
        {
            if (document.IsComplete)
            {
                errors.Add("line 1, column 1: the feed has no \"items\" array");
            }
        }
        else if (itemsValue.ValueKind != JsonValueKind.Array)
        {
            feed.At(document.MemberOffset("items")).Add($"\"items\" is {Describe(itemsValue.ValueKind)}, not an array; no items read");
        }
        else
        {
            var number = 0;
            var members = new JsonElement[ItemMemberNames.Length];
            items = new List<ParsedItem>(itemsValue.GetArrayLength());
            foreach (var element in itemsValue.EnumerateArray())
            {
                var report = new Reporter(errors, positions, document.ItemOffset(number), ++number);
                if (ReadItem(element, baseUri, feedAuthor, report, members) is { } item)
                {
                    items.Add(item);
                }
            }
        }

        return new ParsedFeed(FeedFormat.Json, title, link, items, errors.Count > 0, errors);
    }

    private static ParsedItem? ReadItem(JsonElement item, Uri? baseUri, string? feedAuthor, Reporter report, JsonElement[] members)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            report.Skipped($"it is {Describe(item.ValueKind)}, not an object");
            return null;
        }

        ItemMembers(item, members);
        JsonElement Member(ItemMember member) => members[(int)member];
        var contentHtml = Text(Member(ItemMember.ContentHtml), "content_html", report, collapse: false);
        return new ParsedItem
        {
            Id = Id(Member(ItemMember.Id), report),
            Title = Text(Member(ItemMember.Title), "title", report),
            Link = Link(Member(ItemMember.Url), "url", baseUri, report) ?? Link(Member(ItemMember.ExternalUrl), "external_url", baseUri, report),
            Published = Date(Member(ItemMember.DatePublished), "date_published", report),
            Updated = Date(Member(ItemMember.DateModified), "date_modified", report),
            Author = AuthorName(Member(ItemMember.Authors), "authors", report) ?? AuthorName(Member(ItemMember.Author), "author", report) ?? feedAuthor,

            // summary and content_text are plain text (JSON Feed 1.1); the model holds HTML, so
            // they are escaped rather than left for "<" or "&" to be read as markup later.
            Summary = EscapeHtml(Text(Member(ItemMember.Summary), "summary", report, collapse: false)),
            Content = contentHtml ?? EscapeHtml(Text(Member(ItemMember.ContentText), "content_text", report, collapse: false)),
            Categories = Tags(Member(ItemMember.Tags), report) ?? [],
        };
    }

    /// <summary>
    /// The item's members this reader uses, into <paramref name="values"/> by <see cref="ItemMember"/>, in one pass over
    /// the object (a lookup per name searched the object a dozen times and showed in profiles).
    /// Absent ones are left Undefined, which reads as null; of repeated names the last counts, as
    /// with TryGetProperty.
    /// </summary>
    private static void ItemMembers(JsonElement item, JsonElement[] values)
    {
        Array.Clear(values);
        foreach (var member in item.EnumerateObject())
        {
            // Compared as raw UTF-8; a name with an escape in it is compared unescaped.
            var raw = JsonMarshal.GetRawUtf8PropertyName(member);
            var escaped = raw.Contains((byte)'\\');
            for (var i = 0; i < ItemMemberNames.Length; i++)
            {
                bool equal;
                try
                {
                    equal = escaped ? member.NameEquals(ItemMemberNames[i]) : raw.SequenceEqual(ItemMemberNames[i]);
                }
                catch (InvalidOperationException)
                {
                    // A name that is an unpaired surrogate escape ("\ud800"): none of ours.
                    break;
                }

                if (equal)
                {
                    values[i] = member.Value;
                    break;
                }
            }
        }
    }

    private static T? Member<T>(ScannedDocument document, string name, Reporter feed, Func<JsonElement, Reporter, T?> read) =>
        document.Root is { } root && TryGetMember(root, name, out var value) ? read(value, feed.At(document.MemberOffset(name))) : default;

    /// <summary>
    /// JsonElement.TryGetProperty, except that a member name which is an unpaired surrogate escape
    /// ("\ud800": valid JSON, but no UTF-16 string) makes it throw; then each member is looked at
    /// on its own and such a name, which cannot be one this reader wants, is passed over.
    /// </summary>
    private static bool TryGetMember(JsonElement element, string name, out JsonElement value)
    {
        // Looked up by UTF-8 name: a string name is transcoded on every call, which showed in profiles.
        var utf8Name = Utf8Names.TryGetValue(name, out var known) ? known : Encoding.UTF8.GetBytes(name);
        try
        {
            return element.TryGetProperty(utf8Name, out value);
        }
        catch (InvalidOperationException)
        {
            value = default;
            var found = false;
            foreach (var member in element.EnumerateObject())
            {
                try
                {
                    if (member.NameEquals(utf8Name))
                    {
                        // The last of repeated names wins, as with TryGetProperty.
                        (value, found) = (member.Value, true);
                    }
                }
                catch (InvalidOperationException)
                {
                    // This is the name that stopped TryGetProperty.
                }
            }

            return found;
        }
    }

    private static string? Text(JsonElement value, string name, Reporter report, bool collapse = true)
    {
        var text = StringValue(value, name, report);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return collapse ? CollapseWhiteSpace(text) : text;
    }

    /// <summary>
    /// HtmlText.CollapseWhiteSpace, skipped for text that has nothing to collapse (most titles and
    /// tags), since it builds a new string every time and showed in profiles of large feeds.
    /// </summary>
    private static string CollapseWhiteSpace(string text)
    {
        var clean = text[0] != ' ' && text[^1] != ' ';
        for (var i = 1; clean && i < text.Length; i++)
        {
            var c = text[i];
            clean = !char.IsWhiteSpace(c) || (c == ' ' && text[i - 1] != ' ');
        }

        return clean && !char.IsWhiteSpace(text[0]) ? text : HtmlText.CollapseWhiteSpace(text);
    }

    /// <summary>JSON Feed 1.1: an id given as a number or other type "must" be coerced to a string.</summary>
    private static string? Id(JsonElement value, Reporter report)
    {
        var id = value.ValueKind switch
        {
            JsonValueKind.String => StringValue(value, "id", report),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => Wrong(value, "id", "a string", report),
        };
        return string.IsNullOrWhiteSpace(id) ? null : id.Trim();
    }

    private static DateTimeOffset? Date(JsonElement value, string name, Reporter report) =>
        FeedDateParser.Parse(StringValue(value, name, report))?.ToUniversalTime();

    /// <summary>The first author's name, from a 1.1 "authors" array or a 1.0 "author" object.</summary>
    private static string? AuthorName(JsonElement value, string name, Reporter report)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var author in value.EnumerateArray())
                {
                    if (author.ValueKind == JsonValueKind.Object && TryGetMember(author, "name", out var authorName)
                        && Text(authorName, name == "authors" ? "authors[].name" : "author[].name", report) is { } text)
                    {
                        return text;
                    }
                }

                return null;
            case JsonValueKind.Object:
                return TryGetMember(value, "name", out var objectName) ? Text(objectName, name == "authors" ? "authors.name" : "author.name", report) : null;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            default:
                return Wrong(value, name, name == "authors" ? "an array" : "an object", report);
        }
    }

    private static string[]? Tags(JsonElement value, Reporter report)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : Wrong<string[]>(value, "tags", "an array", report);
        }

        // An exact array rather than a growing list: large feeds are mostly small items.
        var tags = new string[value.GetArrayLength()];
        var count = 0;
        foreach (var tag in value.EnumerateArray())
        {
            if (Text(tag, "tags[]", report) is { } text)
            {
                tags[count++] = text;
            }
        }

        return count == tags.Length ? tags : tags[..count];
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

            case JsonValueKind.Null or JsonValueKind.Undefined:
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
    /// Walks the document once with a Utf8JsonReader, noting where each member this reader uses
    /// and each item starts. The walk stops at the first syntax error; the document is then parsed
    /// cut after the last complete value it saw, closed with the brackets still open there, so
    /// a truncated or broken feed keeps the members and items before the error.
    /// </summary>
    private static ScannedDocument Scan(byte[] utf8, TextPositions positions, List<string> errors)
    {
        var scanned = new ScannedDocument();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var cut = 0L;
        var closing = string.Empty;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                errors.Add($"{positions.At(reader.TokenStartIndex)}: a JSON Feed is a JSON object, not {Describe(reader.TokenType)}");
                return scanned;
            }

            (cut, closing) = (reader.BytesConsumed, "}");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = KnownMember(ref reader);
                reader.Read();
                if (name is not null)
                {
                    // A repeated member: the last one counts, as JsonElement.TryGetProperty has it.
                    scanned.MemberOffsets[name] = reader.TokenStartIndex;
                }

                if (name == "items")
                {
                    scanned.ItemOffsets = null;
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        scanned.ItemOffsets = [];
                        (cut, closing) = (reader.BytesConsumed, "]}");
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            scanned.ItemOffsets.Add(reader.TokenStartIndex);
                            reader.Skip();
                            cut = reader.BytesConsumed;
                        }
                    }
                }

                reader.Skip();
                (cut, closing) = (reader.BytesConsumed, "}");
            }

            // Reading past the root object finds anything but white space after it.
            (cut, closing) = (reader.BytesConsumed, string.Empty);
            while (reader.Read())
            {
            }

            scanned.IsComplete = true;
        }
        catch (JsonException exception)
        {
            errors.Add($"{positions.At(exception)}: {WithoutPosition(exception.Message)}");
        }

        if (cut == 0)
        {
            // The root object never opened (white space JSON does not allow came before it).
            return scanned;
        }

        // Everything up to the cut has passed the reader, so the cut document, closed, is valid JSON.
        // The closing brackets overwrite what follows the cut when there is room (the bytes are this
        // reader's own copy, and no position after the cut is asked for any more): a second
        // document-sized copy showed in the garbage collector's share of large feeds.
        ReadOnlyMemory<byte> readable;
        if (scanned.IsComplete)
        {
            readable = utf8;
        }
        else if (cut + closing.Length <= utf8.Length)
        {
            Encoding.ASCII.GetBytes(closing, utf8.AsSpan((int)cut));
            readable = utf8.AsMemory(0, (int)cut + closing.Length);
        }
        else
        {
            readable = (byte[])[.. utf8.AsSpan(0, (int)cut), .. Encoding.ASCII.GetBytes(closing)];
        }

        try
        {
            scanned.Document = JsonDocument.Parse(readable, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException exception)
        {
            // Not expected (see above); if it happens the feed is reported unreadable rather than thrown.
            errors.Add($"line 1, column 1: what came before the error could not be read: {WithoutPosition(exception.Message)}");
        }

        return scanned;
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

    private sealed class ScannedDocument : IDisposable
    {
        public JsonDocument? Document { get; set; }

        /// <summary>The root object, or null when the document does not start with one.</summary>
        public JsonElement? Root => Document?.RootElement;

        /// <summary>Where the value of each member this reader uses starts, in bytes.</summary>
        public Dictionary<string, long> MemberOffsets { get; } = new(StringComparer.Ordinal);

        /// <summary>Where each item of the "items" array starts, in bytes; null when "items" is no array.</summary>
        public List<long>? ItemOffsets { get; set; }

        /// <summary>The root object was read to its end without a syntax error.</summary>
        public bool IsComplete { get; set; }

        public long MemberOffset(string name) => MemberOffsets.GetValueOrDefault(name);

        public long ItemOffset(int index) => ItemOffsets is { } offsets && index < offsets.Count ? offsets[index] : 0;

        public void Dispose() => Document?.Dispose();
    }

    /// <summary>
    /// Collects messages prefixed with where they were found, and which item (1-based; 0 for the
    /// feed); the text is built only when there is a message, since most values have none.
    /// </summary>
    private sealed class Reporter(List<string> errors, TextPositions positions, long offset, int item)
    {
        public Reporter At(long memberOffset) => new(errors, positions, memberOffset, item);

        public void Add(string message) => errors.Add(item == 0
            ? $"{positions.At(offset)}: {message}"
            : $"{positions.At(offset)}: item {item.ToString(CultureInfo.InvariantCulture)}: {message}");

        public void Skipped(string reason) => errors.Add($"{positions.At(offset)}: item {item.ToString(CultureInfo.InvariantCulture)} skipped: {reason}");
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
