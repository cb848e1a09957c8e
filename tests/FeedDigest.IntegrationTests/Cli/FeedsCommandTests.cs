using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Cli;

public sealed class FeedsCommandTests
{
    [Fact]
    public async Task ImportOpml_TwoAdminsAtOnce_LoseNothingAndKeepComments()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, """
            // my feeds
            {
              "FeedDigest": {
                "Feeds": [
                  { "Id": "existing", "Url": "https://existing.example/rss" } // keep me
                ]
              }
            }
            """);
        var first = await WriteOpmlAsync(directory.Path, "a", 10);
        var second = await WriteOpmlAsync(directory.Path, "b", 10);

        var results = await Task.WhenAll(
            FeedDigestProcess.RunAsync(directory.Path, "feeds", "import-opml", first),
            FeedDigestProcess.RunAsync(directory.Path, "feeds", "import-opml", second));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var text = await File.ReadAllTextAsync(config);
        Assert.Contains("// my feeds", text, StringComparison.Ordinal);
        Assert.Contains("// keep me", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var urls = json.RootElement.GetProperty("FeedDigest").GetProperty("Feeds").EnumerateArray().Select(f => f.GetProperty("Url").GetString()).ToList();
        Assert.Equal(21, urls.Count);
        Assert.Equal(21, urls.Distinct().Count());

        var (exitCode, stdout, _) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate");
        Assert.Equal(0, exitCode);
        Assert.Contains("valid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportOpml_ListsTheConfiguredFeeds()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), """
            { "FeedDigest": { "Feeds": [ { "Id": "w", "Url": "https://wire.example/rss", "Title": "Wire", "Tags": [ "news" ] } ] } }
            """);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "feeds", "export-opml");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("""<outline type="rss" text="Wire" title="Wire" xmlUrl="https://wire.example/rss" category="news" />""", stdout, StringComparison.Ordinal);
    }

    private static async Task<string> WriteOpmlAsync(string directory, string prefix, int count)
    {
        var outlines = string.Concat(Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"""<outline text="{prefix} feed {i}" type="rss" xmlUrl="https://{prefix}{i}.example/rss"/>""")));
        var path = Path.Combine(directory, prefix + ".opml");
        await File.WriteAllTextAsync(path, $"""<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>""");
        return path;
    }

    /// <summary>
    /// The feed's Url is a web page: <c>feeds add</c> writes the feed the page advertises, which the
    /// store knows as where it fetched the removed feed from. It is the same feed, renamed.
    /// </summary>
    [Fact]
    public async Task RemoveThenAddWithAnotherId_FeedConfiguredByItsWebPage_IsRenamed_AndItsItemsAreNotStoredAgain()
    {
        using var directory = new TempDirectory();
        await using var server = await LoopbackFeedServer.StartAsync();
        server.Set("news/feed.xml", """
            <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example/</link><description>d</description>
            <item><guid isPermaLink="false">u1</guid><title>Undated story</title><link>https://wire.example/u1</link><description>x</description></item>
            </channel></rss>
            """);
        var page = server.Set("news/", """<html><head><title>News</title><link rel="alternate" type="application/rss+xml" href="feed.xml"></head><body>hi</body></html>""", "text/html; charset=utf-8");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), $$"""
            { "FeedDigest": {
                "Storage": { "ConnectionString": "Data Source=data/feeddigest.db" },
                "Feeds": [ { "Id": "wire", "Url": "{{page.AbsoluteUri}}" } ],
                "Topics": [ { "Id": "vpn", "Name": "VPN", "Query": "story" } ],
                "Subscribers": [ { "Email": "ann@example.org", "Topics": [ "vpn" ] } ] } }
            """);

        await RunAsync(directory.Path, "poll", "--once");
        await RunAsync(directory.Path, "feeds", "remove", "wire");
        await RunAsync(directory.Path, "feeds", "add", page.AbsoluteUri, "--id", "newswire");
        var poll = await RunAsync(directory.Path, "poll", "--once");

        Assert.Contains("Feed wire renamed to newswire", poll.Stdout + poll.Stderr, StringComparison.Ordinal);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory.Path, "data", "feeddigest.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT feed_id || ':' || title FROM stories ORDER BY id";
        var stories = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stories.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["newswire:Undated story"], stories);
    }

    /// <summary>
    /// A feed removed with <c>feeds remove</c> and one archived when a rename took its Id keep their
    /// rows and stories: <c>feeds list</c> shows them apart from the configured feeds. The removed one
    /// was configured by its web page, and is also known by the feed it was fetched from.
    /// </summary>
    [Fact]
    public async Task List_FeedRemovedAndFeedArchivedByARename_AreListedAsNotConfigured_WithTheirStoredStories()
    {
        using var directory = new TempDirectory();
        await using var server = await LoopbackFeedServer.StartAsync();
        var gazette = server.Set("gazette.xml", Rss("Gazette", "g1", "g2"));
        var wire = server.Set("wire.xml", Rss("Wire", "w1"));
        var harborFeed = server.Set("harbor/feed.xml", Rss("Harbor", "h1", "h2", "h3"));
        var harbor = server.Set("harbor/", """<html><head><title>Harbor</title><link rel="alternate" type="application/rss+xml" href="feed.xml"></head><body>hi</body></html>""", "text/html; charset=utf-8");
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, Configuration(("gazette", gazette), ("wire", wire), ("harbor", harbor)));
        await RunAsync(directory.Path, "poll", "--once");

        var before = await RunAsync(directory.Path, "feeds", "list");

        Assert.DoesNotContain("not configured", before.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, before.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // gazette is dropped and wire renamed to its Id in one edit, which archives gazette's row; then harbor is removed.
        await File.WriteAllTextAsync(config, Configuration(("gazette", wire), ("harbor", harbor)));
        await RunAsync(directory.Path, "feeds", "remove", "harbor");
        await RunAsync(directory.Path, "poll", "--once");

        var (_, stdout, _) = await RunAsync(directory.Path, "feeds", "list");

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        var section = lines.FindIndex(l => l.StartsWith("Stored feeds not configured (not polled", StringComparison.Ordinal));
        Assert.True(section > 0, stdout);
        Assert.Matches($@"^gazette +ok +.+ {Regex.Escape(wire.AbsoluteUri)}$", Assert.Single(lines[..section], l => l.StartsWith("gazette", StringComparison.Ordinal)));
        Assert.Matches("^ID +STORIES +LAST SUCCESS +NOTE +URL$", lines[section + 1]);
        Assert.Equal(section + 4, lines.Count);
        Assert.Matches($@"^gazette~removed-[0-9a-f]{{8}} +2 +\d{{4}}-\d\d-\d\d \d\d:\d\dZ +archived by a rename: configure its URL to take it back +{Regex.Escape(gazette.AbsoluteUri)}$", lines[section + 2]);
        Assert.Matches($@"^harbor +3 +\d{{4}}-\d\d-\d\d \d\d:\d\dZ +removed from the configuration +{Regex.Escape(harbor.AbsoluteUri)} \(fetched from {Regex.Escape(harborFeed.AbsoluteUri)}\)$", lines[section + 3]);
    }

    private static string Configuration(params (string Id, Uri Url)[] feeds) =>
        $$"""
        { "FeedDigest": {
            "Storage": { "ConnectionString": "Data Source=data/feeddigest.db" },
            "Feeds": [ {{string.Join(", ", feeds.Select(f => $$"""{ "Id": "{{f.Id}}", "Url": "{{f.Url.AbsoluteUri}}" }"""))}} ] } }
        """;

    private static string Rss(string title, params string[] guids) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title><link>https://{title.ToLowerInvariant()}.example/</link><description>d</description>
        {string.Concat(guids.Select(g => $"<item><guid isPermaLink=\"false\">{g}</guid><title>{title} story {g}</title><link>https://{title.ToLowerInvariant()}.example/{g}</link><description>x</description></item>"))}
        </channel></rss>
        """;

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string directory, params string[] arguments)
    {
        var result = await FeedDigestProcess.RunAsync(directory, arguments);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', arguments)}: {result.Stdout} {result.Stderr}");
        return result;
    }
}
