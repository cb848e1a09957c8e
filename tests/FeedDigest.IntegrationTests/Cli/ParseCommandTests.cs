using System.Text.Json;
using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary><c>feeddigest parse --json</c> is a contract (conformance is scored through it): checked on the real executable.</summary>
public sealed class ParseCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public async Task Parse_Rss20AndAtom10_PrintOneJsonObjectPerDocumentInOrder()
    {
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(AppContext.BaseDirectory, "parse", "--json", Fixture("rss20.xml"), Fixture("atom10.xml"));

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);

        using var rss = JsonDocument.Parse(lines[0]);
        var feed = rss.RootElement;
        Assert.Equal(Fixture("rss20.xml"), feed.GetProperty("source").GetString());
        Assert.Equal("rss", feed.GetProperty("format").GetString());
        Assert.Equal("Example & Co", feed.GetProperty("title").GetString());
        Assert.Equal("https://example.org/", feed.GetProperty("link").GetString());
        Assert.False(feed.GetProperty("bozo").GetBoolean());
        Assert.Equal(0, feed.GetProperty("errors").GetArrayLength());
        var first = feed.GetProperty("items")[0];
        Assert.Equal("first-1", first.GetProperty("id").GetString());
        Assert.Equal("First story", first.GetProperty("title").GetString());
        Assert.Equal("https://example.org/first", first.GetProperty("link").GetString());
        Assert.Equal("2014-05-27T10:00:00Z", first.GetProperty("published").GetString());
        // As in feedparser, an RSS item with only a pubDate was last updated then.
        Assert.Equal("2014-05-27T10:00:00Z", first.GetProperty("updated").GetString());
        Assert.Equal("Ann Author", first.GetProperty("author").GetString());
        Assert.Equal("Short <i>summary</i>", first.GetProperty("summary").GetString());
        Assert.Equal("<p>Full content</p>", first.GetProperty("content").GetString());
        Assert.Equal(["News", "China"], first.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, feed.GetProperty("items")[1].GetProperty("id").ValueKind);
        // A local file is no base for a web link: a relative link stays as written.
        Assert.Equal("/second", feed.GetProperty("items")[1].GetProperty("link").GetString());

        using var atom = JsonDocument.Parse(lines[1]);
        feed = atom.RootElement;
        Assert.Equal("atom", feed.GetProperty("format").GetString());
        Assert.Equal("Atom Example", feed.GetProperty("title").GetString());
        var entry = feed.GetProperty("items")[0];
        Assert.Equal("https://atom.example/blog/entries/one", entry.GetProperty("link").GetString());
        Assert.Equal("2014-05-27T08:00:00Z", entry.GetProperty("published").GetString());
        Assert.Equal("2014-05-28T11:30:00Z", entry.GetProperty("updated").GetString());
        Assert.Equal("Bo Writer", entry.GetProperty("author").GetString());
        Assert.Equal(["tech"], entry.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Parse_BrokenDocument_PrintsWhatWasReadWithBozoAndLineNumbers()
    {
        var (exitCode, stdout, _) = await FeedDigestProcess.RunAsync(AppContext.BaseDirectory, "parse", "--json", Fixture("broken.xml"));

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("bozo").GetBoolean());
        Assert.Equal("Good one", json.RootElement.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.Matches("^line \\d+, column \\d+: ", json.RootElement.GetProperty("errors")[0].GetString());
    }

    [Fact]
    public async Task Parse_MissingFile_ExitsNonZeroAndSaysWhy()
    {
        var (exitCode, stdout, _) = await FeedDigestProcess.RunAsync(AppContext.BaseDirectory, "parse", "--json", "/nonexistent/feed.xml");

        Assert.Equal(1, exitCode);
        Assert.Contains("no file at /nonexistent/feed.xml", stdout, StringComparison.Ordinal);
    }
}
