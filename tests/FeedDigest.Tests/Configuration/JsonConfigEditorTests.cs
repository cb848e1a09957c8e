using System.Text.Json;
using FeedDigest.Infrastructure.Configuration;

namespace FeedDigest.Tests.Configuration;

public sealed class JsonConfigEditorTests
{
    private static readonly string[] FeedsPath = ["FeedDigest", "Feeds"];

    [Fact]
    public void AppendToArray_ExistingArray_KeepsCommentsAndAddsAfterTheLastElement()
    {
        var json = """
            // top comment
            {
              "FeedDigest": {
                // the feeds
                "Feeds": [
                  { "Id": "a", "Url": "https://a.example/" } // first
                ],
                "Topics": []
              }
            }
            """;

        var edited = JsonConfigEditor.AppendToArray(json, FeedsPath, ["""{ "Id": "b", "Url": "https://b.example/" }"""]);

        Assert.Contains("// top comment", edited, StringComparison.Ordinal);
        Assert.Contains("// the feeds", edited, StringComparison.Ordinal);
        Assert.Contains("// first", edited, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], Ids(edited));
    }

    [Fact]
    public void AppendToArray_EmptyArray_AddsAllElements()
    {
        var edited = JsonConfigEditor.AppendToArray("""{ "FeedDigest": { "Feeds": [ ] } }""", FeedsPath, ["""{ "Id": "x" }""", """{ "Id": "y" }"""]);

        Assert.Equal(["x", "y"], Ids(edited));
    }

    [Fact]
    public void AppendToArray_MissingArray_CreatesItInTheSection()
    {
        var edited = JsonConfigEditor.AppendToArray("""
            {
              "FeedDigest": {
                "Polling": { "TickInterval": "00:00:30" } /* keep */
              }
            }
            """, FeedsPath, ["""{ "Id": "new" }"""]);

        Assert.Equal(["new"], Ids(edited));
        Assert.Contains("/* keep */", edited, StringComparison.Ordinal);
        Assert.Contains("\"TickInterval\": \"00:00:30\"", edited, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendToArray_MissingSection_CreatesSectionAndArray()
    {
        var edited = JsonConfigEditor.AppendToArray("""{ "Logging": { "LogLevel": { "Default": "Warning" } } }""", FeedsPath, ["""{ "Id": "z" }"""]);

        Assert.Equal(["z"], Ids(edited));
    }

    private static string[] Ids(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.GetProperty("FeedDigest").GetProperty("Feeds").EnumerateArray().Select(e => e.GetProperty("Id").GetString()!).ToArray();
    }
}
