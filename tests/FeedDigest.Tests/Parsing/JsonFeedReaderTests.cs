using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

public sealed class JsonFeedReaderTests
{
    private static readonly Uri MirrorUri = new("https://mirror.example/cache/feed.json");

    [Fact]
    public void Parse_JsonFeed11_MapsFeedAndItemFields()
    {
        const string json = """
            {
              "version": "https://jsonfeed.org/version/1.1",
              "title": "Harbor  Times",
              "home_page_url": "https://harbor.example",
              "feed_url": "https://harbor.example/feed.json",
              "authors": [{ "name": "Newsroom" }],
              "items": [
                {
                  "id": "harbor-1001",
                  "url": "https://harbor.example/news/port-reopens",
                  "external_url": "https://elsewhere.example/port",
                  "title": "Port reopens\nafter storm",
                  "summary": "The port reopened.",
                  "content_html": "<p>The port <b>reopened</b>.</p>",
                  "content_text": "The port reopened.",
                  "date_published": "2026-03-10T08:30:00+08:00",
                  "date_modified": "2026-03-10T09:00:00.52Z",
                  "authors": [{ "url": "https://harbor.example/li" }, { "name": "Li Wei" }],
                  "tags": ["Shipping", " Weather "]
                }
              ]
            }
            """;

        var feed = Parse(json, MirrorUri);

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.Equal("Harbor Times", feed.Title);
        Assert.Equal("https://harbor.example", feed.Link);
        Assert.False(feed.Bozo);
        Assert.Empty(feed.Errors);
        var item = Assert.Single(feed.Items);
        Assert.Equal("harbor-1001", item.Id);
        Assert.Equal("Port reopens after storm", item.Title);
        Assert.Equal("https://harbor.example/news/port-reopens", item.Link);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 30, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(TimeSpan.Zero, item.Published!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 0, 0, 520, TimeSpan.Zero), item.Updated);
        Assert.Equal("Li Wei", item.Author);
        Assert.Equal("The port reopened.", item.Summary);
        Assert.Equal("<p>The port <b>reopened</b>.</p>", item.Content);
        Assert.Equal(["Shipping", "Weather"], item.Categories);
    }

    [Fact]
    public void Parse_JsonFeed10AuthorObject_ReadsAuthorNameForItemAndInheritsFeedAuthor()
    {
        const string json = """
            {
              "version": "https://jsonfeed.org/version/1",
              "title": "North Wire",
              "author": { "name": "Ana Lima", "url": "https://north.example/ana" },
              "items": [
                { "id": "n-1", "author": { "name": "Bo Chen" }, "content_text": "one" },
                { "id": "n-2", "content_text": "two" }
              ]
            }
            """;

        var feed = Parse(json, null);

        Assert.False(feed.Bozo);
        Assert.Equal(["Bo Chen", "Ana Lima"], feed.Items.Select(i => i.Author));
    }

    [Fact]
    public void Parse_ItemWithAuthorsAndAuthor_PrefersThe11AuthorsArray()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": "1", "authors": [{"name": "New Style"}], "author": {"name": "Old Style"}}
            ]}
            """;

        Assert.Equal("New Style", Assert.Single(Parse(json, null).Items).Author);
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("1.5e3", "1.5e3")]
    [InlineData("true", "true")]
    [InlineData("\"  spaced  \"", "spaced")]
    [InlineData("\"   \"", null)]
    [InlineData("null", null)]
    public void Parse_IdOfAnyScalarType_CoercedToTrimmedString(string idJson, string? expected)
    {
        var json = $$"""{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": {{idJson}}}]}""";

        var feed = Parse(json, null);

        Assert.Equal(expected, Assert.Single(feed.Items).Id);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_ItemWithoutUrl_UsesExternalUrl()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": "1", "external_url": "https://elsewhere.example/story"},
              {"id": "2", "url": "", "external_url": "https://elsewhere.example/other"}
            ]}
            """;

        var feed = Parse(json, null);

        Assert.Equal(["https://elsewhere.example/story", "https://elsewhere.example/other"], feed.Items.Select(i => i.Link));
    }

    [Fact]
    public void Parse_RelativeUrls_ResolvedAgainstFeedUrlBeforeHomePageAndDocument()
    {
        const string json = """
            {
              "version": "https://jsonfeed.org/version/1.1",
              "home_page_url": "/blog/",
              "feed_url": "https://north.example/feeds/main.json",
              "items": [
                {"id": "1", "url": "posts/rates.html"},
                {"id": "2", "url": "/about"},
                {"id": "3", "url": "//cdn.example/a b.png"}
              ]
            }
            """;

        var feed = Parse(json, MirrorUri);

        Assert.Equal("https://north.example/blog/", feed.Link);
        Assert.Equal(
            ["https://north.example/feeds/posts/rates.html", "https://north.example/about", "https://cdn.example/a%20b.png"],
            feed.Items.Select(i => i.Link));
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_RelativeUrlsWithoutFeedUrl_ResolvedAgainstHomePage()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "home_page_url": "https://north.example/blog/",
             "items": [{"id": "1", "url": "posts/1"}]}
            """;

        Assert.Equal("https://north.example/blog/posts/1", Assert.Single(Parse(json, MirrorUri).Items).Link);
    }

    [Fact]
    public void Parse_RelativeUrlsWithoutFeedOrHomePage_ResolvedAgainstDocumentUri()
    {
        const string json = """{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "../posts/1"}]}""";

        Assert.Equal("https://mirror.example/posts/1", Assert.Single(Parse(json, MirrorUri).Items).Link);
        Assert.Equal("../posts/1", Assert.Single(Parse(json, null).Items).Link);
    }

    [Fact]
    public void Parse_UnparseableAbsoluteUrl_DroppedWithError()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1",
             "items": [{"id": "1", "url": "http://[broken/x", "external_url": "https://ok.example/x"}]}
            """;

        var feed = Parse(json, MirrorUri);

        Assert.Equal("https://ok.example/x", Assert.Single(feed.Items).Link);
        Assert.Equal(["line 2, column 12: item 1: \"url\" is not a valid URL; ignored"], feed.Errors);
    }

    [Fact]
    public void Parse_InvalidJson_IsBozoWithLineAndColumn()
    {
        const string json = """
            {
              "version": "https://jsonfeed.org/version/1.1",
              "title": "Broken" "oops"
            }
            """;

        var feed = Parse(json, null);

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.True(feed.Bozo);
        Assert.Equal("Broken", feed.Title);
        Assert.Empty(feed.Items);
        Assert.Equal(["line 3, column 21: '\"' is invalid after a value. Expected either ',', '}', or ']'."], feed.Errors);
    }

    [Fact]
    public void Parse_TruncatedDocument_KeepsFeedFieldsAndItemsBeforeTheBreak()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "Cut short", "items": [
              {"id": "1", "title": "First"},
              {"id": "2", "title": "Second"},
              {"id": "3", "title": "Thi
            """;

        var feed = Parse(json, null);

        Assert.Equal("Cut short", feed.Title);
        Assert.Equal(["First", "Second"], feed.Items.Select(i => i.Title));
        Assert.True(feed.Bozo);
        var error = Assert.Single(feed.Errors);
        Assert.StartsWith("line 4, column ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}""")]
    [InlineData("""{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"},""")]
    [InlineData("""{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}, {"id""")]
    public void Parse_CutRightAfterAnItem_KeepsIt(string json)
    {
        var feed = Parse(json, null);

        Assert.Equal("1", Assert.Single(feed.Items).Id);
        Assert.True(feed.Bozo);
        Assert.Single(feed.Errors);
    }

    [Fact]
    public void Parse_ItemThatIsNotAnObject_SkippedWithErrorOthersKept()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": "1"},
              "just a string",
              [1, 2],
              {"id": "4"}
            ]}
            """;

        var feed = Parse(json, null);

        Assert.Equal(["1", "4"], feed.Items.Select(i => i.Id));
        Assert.True(feed.Bozo);
        Assert.Equal(
            [
                "line 3, column 3: item 2 skipped: it is a string, not an object",
                "line 4, column 3: item 3 skipped: it is an array, not an object",
            ],
            feed.Errors);
    }

    [Fact]
    public void Parse_MembersOfTheWrongType_IgnoredWithErrorsAndNeverThrow()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": 12, "authors": "me",
             "items": [{"id": {"a": 1}, "title": ["x"], "url": 5, "date_published": 1700000000,
                        "tags": ["ok", 3, null], "authors": [{"name": 7}], "summary": false}]}
            """;

        var feed = Parse(json, null);

        Assert.Null(feed.Title);
        var item = Assert.Single(feed.Items);
        Assert.Null(item.Id);
        Assert.Null(item.Title);
        Assert.Null(item.Link);
        Assert.Null(item.Published);
        Assert.Null(item.Author);
        Assert.Null(item.Summary);
        Assert.Equal(["ok"], item.Categories);
        Assert.True(feed.Bozo);
        Assert.Equal(
            [
                "line 1, column 58: \"title\" is a number, not a string; ignored",
                "line 1, column 73: \"authors\" is a string, not an array; ignored",
                "line 2, column 12: item 1: \"id\" is an object, not a string; ignored",
                "line 2, column 12: item 1: \"title\" is an array, not a string; ignored",
                "line 2, column 12: item 1: \"url\" is a number, not a string; ignored",
                "line 2, column 12: item 1: \"date_published\" is a number, not a string; ignored",
                "line 2, column 12: item 1: \"authors[].name\" is a number, not a string; ignored",
                "line 2, column 12: item 1: \"summary\" is a boolean, not a string; ignored",
                "line 2, column 12: item 1: \"tags[]\" is a number, not a string; ignored",
            ],
            feed.Errors);
    }

    [Fact]
    public void Parse_ItemsNotAnArray_NoItemsAndAnError()
    {
        const string json = """{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": {"id": "1"}}""";

        var feed = Parse(json, null);

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.Equal("T", feed.Title);
        Assert.Empty(feed.Items);
        Assert.Equal(["line 1, column 72: \"items\" is an object, not an array; no items read"], feed.Errors);
    }

    [Fact]
    public void Parse_NoItemsMember_IsBozo()
    {
        var feed = Parse("""{"version": "https://jsonfeed.org/version/1.1", "title": "T"}""", null);

        Assert.Equal("T", feed.Title);
        Assert.Equal(["line 1, column 1: the feed has no \"items\" array"], feed.Errors);
    }

    [Fact]
    public void Parse_JsonObjectThatIsNoFeed_UnknownFormat()
    {
        var feed = Parse("""{"error": "not found", "status": 404}""", null);

        Assert.Equal(FeedFormat.Unknown, feed.Format);
        Assert.True(feed.Bozo);
        Assert.Equal(["line 1, column 1: the JSON object has neither \"version\" nor \"items\"; this is not a JSON Feed"], feed.Errors);
    }

    [Fact]
    public void Parse_PlainTextSummaryAndContentText_EscapedAsHtml()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": "1", "summary": "AT&T <3 rivals", "content_text": "a < b\nb > c"},
              {"id": "2", "content_html": "  ", "content_text": "fallback"}
            ]}
            """;

        var feed = Parse(json, null);

        Assert.Equal("AT&amp;T &lt;3 rivals", feed.Items[0].Summary);
        Assert.Equal("a &lt; b\nb &gt; c", feed.Items[0].Content);
        Assert.Equal("fallback", feed.Items[1].Content);
    }

    [Fact]
    public void Parse_Utf8BomAndLeadingWhiteSpace_ReadAsJson()
    {
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes(" \r\n\t{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Café\", \"items\": []}"))
            .ToArray();

        var feed = FeedParser.Parse(bytes);

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.Equal("Café", feed.Title);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_SecondByteOrderMarkInText_ReadAsJsonWithPositionsKept()
    {
        var feed = Parse("\uFEFF\uFEFF\n{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": 1, \"items\": []}", null);

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.Equal(["line 2, column 58: \"title\" is a number, not a string; ignored"], feed.Errors);
    }

    [Fact]
    public void Parse_UnpairedSurrogateEscapes_CostOnlyTheirValueNeverThrow()
    {
        // "\ud800" is valid JSON grammar but no UTF-16 string: as a value it is reported and
        // ignored; as a member name it cannot be one the reader wants, so it is passed over.
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "\ud800": 1, "author": {"\ud801": "x", "name": "Ana"}, "items": [
              {"id": "1", "title": "bad \ud800 title"},
              {"\udc00": "bad name", "id": "2"},
              {"id": "3"}
            ]}
            """;

        var feed = Parse(json, null);

        Assert.Equal(["1", "2", "3"], feed.Items.Select(i => i.Id));
        Assert.Null(feed.Items[0].Title);
        Assert.Equal("Ana", feed.Items[1].Author);
        Assert.Equal(["line 2, column 3: item 1: \"title\" holds an unpaired surrogate escape; ignored"], feed.Errors);
    }

    [Fact]
    public void Parse_NonJsonWhiteSpaceBeforeTheObject_IsBozoNotThrown()
    {
        var feed = Parse("\u00A0{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}", null);

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.True(feed.Bozo);
        Assert.Empty(feed.Items);
        Assert.StartsWith("line 1, column 1: ", Assert.Single(feed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenAfterTheItems_KeepsItemsAndLaterMembersAreLost()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}, {"id": "2"}],
             "title": "Late title", "home_page_url": [1, 2
            """;

        var feed = Parse(json, null);

        Assert.Equal(["1", "2"], feed.Items.Select(i => i.Id));
        Assert.Equal("Late title", feed.Title);
        Assert.Null(feed.Link);
        Assert.StartsWith("line 2, column ", Assert.Single(feed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepNesting_IsBozoWithoutStackOverflow()
    {
        var json = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"1\"}, {\"x\": "
            + new string('[', 100_000) + new string(']', 100_000) + "}]}";

        var feed = Parse(json, null);

        Assert.Equal("1", Assert.Single(feed.Items).Id);
        Assert.True(feed.Bozo);
        Assert.StartsWith("line 1, column ", Assert.Single(feed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextAfterTheRootObject_IsBozoButKeepsItems()
    {
        var feed = Parse("""{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}]} trailing""", null);

        Assert.Equal("1", Assert.Single(feed.Items).Id);
        Assert.Equal(["line 1, column 73: 't' is invalid after a single JSON value. Expected end of data."], feed.Errors);
    }

    [Fact]
    public void Parse_ColumnsCountCharactersNotBytes()
    {
        var feed = Parse("""{"title": "日本語", "version": 1, "items": [], } """, null);

        Assert.Equal(["line 1, column 45: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options."], feed.Errors);
    }

    [Fact]
    public void Parse_UnreadableDates_GiveNullWithoutError()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": "1", "date_published": "yesterday", "date_modified": "Tue, 10 Mar 2026 08:30:00 GMT"}
            ]}
            """;

        var feed = Parse(json, null);

        var item = Assert.Single(feed.Items);
        Assert.Null(item.Published);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 8, 30, 0, TimeSpan.Zero), item.Updated);
        Assert.False(feed.Bozo);
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData(" \r\n\t{", true)]
    [InlineData("\uFEFF{", true)]
    [InlineData("<?xml version=\"1.0\"?><rss/>", false)]
    [InlineData("[{}]", false)]
    [InlineData("   ", false)]
    [InlineData("x{", false)]
    public void LooksLikeJson_FirstSignificantCharacter_DecidesJson(string text, bool expected)
    {
        Assert.Equal(expected, JsonFeedReader.LooksLikeJson(text));
    }

    [Fact]
    public void Parse_XmlDocument_StillGoesToTheXmlReaders()
    {
        var feed = Parse("""<rss version="2.0"><channel><title>{ not json }</title></channel></rss>""", null);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("{ not json }", feed.Title);
    }

    private static ParsedFeed Parse(string json, Uri? documentUri) =>
        FeedParser.Parse(Encoding.UTF8.GetBytes(json), documentUri);
}
