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

    [Fact]
    public void AppendToArray_LastElementWithLineComment_KeepsTheCommentOnItsElement()
    {
        var edited = JsonConfigEditor.AppendToArray("""
            { "FeedDigest": { "Feeds": [
                { "Id": "a" } // about a
            ] } }
            """, FeedsPath, ["""{ "Id": "b" }"""]);

        Assert.Equal(["a", "b"], Ids(edited));
        Assert.Contains("{ \"Id\": \"a\" }, // about a\n", edited, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveFromArray_KeepsOtherElementsAndTheirComments_AndDropsTheRemovedOnesComment()
    {
        var json = """
            {
              "FeedDigest": {
                "Feeds": [
                  { "Id": "a" }, // about a
                  { "Id": "b" }, // about b
                  { "Id": "c" } // about c
                ]
              }
            }
            """;

        var middle = JsonConfigEditor.RemoveFromArray(json, FeedsPath, e => e.GetProperty("Id").GetString() == "b", out var removed);
        var first = JsonConfigEditor.RemoveFromArray(json, FeedsPath, e => e.GetProperty("Id").GetString() == "a", out _);
        var last = JsonConfigEditor.RemoveFromArray(json, FeedsPath, e => e.GetProperty("Id").GetString() == "c", out _);
        var all = JsonConfigEditor.RemoveFromArray(json, FeedsPath, _ => true, out var removedAll);
        var none = JsonConfigEditor.RemoveFromArray(json, FeedsPath, _ => false, out var removedNone);

        Assert.Equal(1, removed);
        Assert.Equal(["a", "c"], Ids(middle));
        Assert.DoesNotContain("about b", middle, StringComparison.Ordinal);
        Assert.Contains("// about a", middle, StringComparison.Ordinal);
        Assert.Contains("// about c", middle, StringComparison.Ordinal);
        Assert.Equal(["b", "c"], Ids(first));
        Assert.Equal(["a", "b"], Ids(last));
        Assert.Contains("// about b", last, StringComparison.Ordinal);
        Assert.Equal(3, removedAll);
        Assert.Empty(Ids(all));
        Assert.Equal(0, removedNone);
        Assert.Equal(json, none);
    }

    [Fact]
    public void SetMember_ReplacesAnExistingValue_OrAddsTheMember_OnlyInMatchingElements()
    {
        var json = """
            { "FeedDigest": { "Subscribers": [
                { "Email": "a@example.org", "Paused": false /* was on holiday */ },
                { "Email": "b@example.org" }, // new
                { }
            ] } }
            """;
        string[] path = ["FeedDigest", "Subscribers"];

        var edited = JsonConfigEditor.SetMember(json, path, e => e.TryGetProperty("Email", out _), "Paused", "true", out var changed);

        Assert.Equal(2, changed);
        Assert.Contains("/* was on holiday */", edited, StringComparison.Ordinal);
        Assert.Contains("// new", edited, StringComparison.Ordinal);
        var elements = JsonConfigEditor.ReadArray(edited, path);
        Assert.True(elements[0].GetProperty("Paused").GetBoolean());
        Assert.True(elements[1].GetProperty("Paused").GetBoolean());
        Assert.False(elements[2].TryGetProperty("Paused", out _));
        var onEmpty = JsonConfigEditor.SetMember(json, path, e => !e.TryGetProperty("Email", out _), "Email", "\"c@example.org\"", out _);
        Assert.Equal("c@example.org", JsonConfigEditor.ReadArray(onEmpty, path)[2].GetProperty("Email").GetString());
    }

    private static string[] Ids(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.GetProperty("FeedDigest").GetProperty("Feeds").EnumerateArray().Select(e => e.GetProperty("Id").GetString()!).ToArray();
    }
}
