using System.Globalization;
using System.Text.Json;
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
}
