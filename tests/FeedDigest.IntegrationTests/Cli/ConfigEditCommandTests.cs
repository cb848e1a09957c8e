using System.Diagnostics;
using System.Text.Json;
using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary>The commands that edit the configuration file, run as the real executable.</summary>
public sealed class ConfigEditCommandTests
{
    private const string Start = """
        // FeedDigest configuration, edited by hand and by the CLI
        {
          "FeedDigest": {
            /* the wires */
            "Feeds": [
              { "Id": "wire", "Url": "https://wire.example/rss" } // the first feed
            ],
            "Topics": [
              { "Id": "vpn", "Name": "VPN", "Query": "VPN", "Feeds": [ "wire" ] } // limited to feeds
            ],
            "Subscribers": [
              { "Email": "ann@example.org", "Topics": [ "vpn" ] }
            ]
          }
        }
        """;

    [Fact]
    public async Task FeedsAdd_WebPage_FindsItsFeed_AddsItToTheTopic_AndKeepsComments()
    {
        using var directory = new TempDirectory();
        await using var server = await LoopbackFeedServer.StartAsync();
        var feed = server.Set("news/feed.xml", FeedDocuments.Rss(("1", "a story", "text")));
        var page = server.Set("news/", $"""<html><head><title>News</title><link rel="alternate" type="application/rss+xml" href="feed.xml"></head><body>hi</body></html>""", "text/html; charset=utf-8");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), Start);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "feeds", "add", page.AbsoluteUri, "--topic", "vpn", "--tag", "news");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains(feed.AbsoluteUri, stdout, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(Path.Combine(directory.Path, "appsettings.json"));
        Assert.Contains("// FeedDigest configuration", text, StringComparison.Ordinal);
        Assert.Contains("/* the wires */", text, StringComparison.Ordinal);
        Assert.Contains("// the first feed", text, StringComparison.Ordinal);
        Assert.Contains("// limited to feeds", text, StringComparison.Ordinal);
        using var json = Parse(text);
        var feeds = Section(json, "Feeds").ToList();
        Assert.Equal(2, feeds.Count);
        Assert.Equal(feed.AbsoluteUri, feeds[1].GetProperty("Url").GetString());
        Assert.Equal("Test Wire", feeds[1].GetProperty("Title").GetString());
        Assert.Equal(["news"], feeds[1].GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        var newId = feeds[1].GetProperty("Id").GetString();
        Assert.Equal(["wire", newId], Section(json, "Topics").Single().GetProperty("Feeds").EnumerateArray().Select(f => f.GetString()));

        // The same feed again is refused.
        var again = await FeedDigestProcess.RunAsync(directory.Path, "feeds", "add", feed.AbsoluteUri);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already configured", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedsAdd_PageWithoutFeed_IsRefused_FileUnchanged()
    {
        using var directory = new TempDirectory();
        await using var server = await LoopbackFeedServer.StartAsync();
        var page = server.Set("plain/", "<html><head><title>No feed here</title></head><body>hi</body></html>", "text/html");
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, Start);

        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "feeds", "add", page.AbsoluteUri);

        Assert.Equal(1, exitCode);
        Assert.Contains("advertises no feed", stderr, StringComparison.Ordinal);
        Assert.Equal(Start, await File.ReadAllTextAsync(config));
    }

    [Fact]
    public async Task EditsThatWouldBreakTheConfiguration_AreRefused_WithTheSettingAndReason_FileUnchanged()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, Start);

        var badQuery = await FeedDigestProcess.RunAsync(directory.Path, "topics", "add", "broken", "--query", "(VPN OR proxy");
        Assert.Equal(1, badQuery.ExitCode);
        Assert.Contains("FeedDigest:Topics:1:Query", badQuery.Stderr, StringComparison.Ordinal);
        Assert.Contains("expected \")\"", badQuery.Stderr, StringComparison.Ordinal);

        var badZone = await FeedDigestProcess.RunAsync(directory.Path, "subscribers", "add", "bob@example.org", "--topic", "vpn", "--time-zone", "Mars/Olympus");
        Assert.Equal(1, badZone.ExitCode);
        Assert.Contains("FeedDigest:Subscribers:1:TimeZone: unknown time zone \"Mars/Olympus\"", badZone.Stderr, StringComparison.Ordinal);

        var unknownTopic = await FeedDigestProcess.RunAsync(directory.Path, "subscribers", "add", "bob@example.org", "--topic", "nope");
        Assert.Equal(1, unknownTopic.ExitCode);
        Assert.Contains("there is no topic \"nope\"", unknownTopic.Stderr, StringComparison.Ordinal);

        // The topic names the feed: removing it would leave the topic naming a missing feed.
        var feedInUse = await FeedDigestProcess.RunAsync(directory.Path, "feeds", "remove", "wire");
        Assert.Equal(1, feedInUse.ExitCode);
        Assert.Contains("names the feed \"wire\", which is not configured", feedInUse.Stderr, StringComparison.Ordinal);

        var topicInUse = await FeedDigestProcess.RunAsync(directory.Path, "topics", "remove", "vpn");
        Assert.Equal(1, topicInUse.ExitCode);
        Assert.Contains("there is no topic \"vpn\"", topicInUse.Stderr, StringComparison.Ordinal);

        var missing = await FeedDigestProcess.RunAsync(directory.Path, "subscribers", "pause", "nobody@example.org");
        Assert.Equal(1, missing.ExitCode);

        Assert.Equal(Start, await File.ReadAllTextAsync(config));
    }

    [Fact]
    public async Task TopicsAndSubscribers_AddListPauseRemove()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, Start);

        await RunOkAsync(directory.Path, "topics", "add", "censorship", "--name", "Censorship", "--query", "censor* OR \"Great Firewall\"");
        await RunOkAsync(directory.Path, "subscribers", "add", "bob@example.org", "--topic", "censorship", "--topic", "vpn", "--cadence", "weekly", "--day", "Monday", "--send-at", "08:30", "--time-zone", "Asia/Shanghai");
        await RunOkAsync(directory.Path, "subscribers", "pause", "BOB@example.org");

        var topics = await RunOkAsync(directory.Path, "topics", "list");
        Assert.Contains("censorship\tCensorship\tcensor* OR \"Great Firewall\"\tall feeds\t1 subscribers", topics, StringComparison.Ordinal);
        Assert.Contains("vpn\tVPN\tVPN\tfeed:wire\t2 subscribers", topics, StringComparison.Ordinal);
        var subscribers = await RunOkAsync(directory.Path, "subscribers", "list");
        Assert.Contains("bob@example.org\tcensorship,vpn\t", subscribers, StringComparison.Ordinal);
        Assert.Contains("Asia/Shanghai\tpaused", subscribers, StringComparison.Ordinal);
        Assert.Contains("ann@example.org\tvpn\t", subscribers, StringComparison.Ordinal);

        await RunOkAsync(directory.Path, "subscribers", "pause", "bob@example.org", "--resume");
        Assert.Contains("Asia/Shanghai\tactive", await RunOkAsync(directory.Path, "subscribers", "list"), StringComparison.Ordinal);

        await RunOkAsync(directory.Path, "subscribers", "remove", "bob@example.org");
        await RunOkAsync(directory.Path, "topics", "remove", "censorship");
        var text = await File.ReadAllTextAsync(config);
        Assert.Contains("// limited to feeds", text, StringComparison.Ordinal);
        using var json = Parse(text);
        Assert.Equal(["vpn"], Section(json, "Topics").Select(t => t.GetProperty("Id").GetString()));
        Assert.Equal(["ann@example.org"], Section(json, "Subscribers").Select(s => s.GetProperty("Email").GetString()));
        Assert.Contains("The configuration is valid.", await RunOkAsync(directory.Path, "config", "validate", config), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoAdminsEditingAtOnce_BothEditsAreKept()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, Start);

        // Two processes, each making several edits, started together: a lost update would drop one.
        var first = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                await RunOkAsync(directory.Path, "topics", "add", $"topic-{i}", "--query", $"word{i}");
            }
        });
        var second = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                await RunOkAsync(directory.Path, "subscribers", "add", $"reader{i}@example.org", "--topic", "vpn");
            }
        });
        await Task.WhenAll(first, second);

        using var json = Parse(await File.ReadAllTextAsync(config));
        Assert.Equal(5, Section(json, "Topics").Count());
        Assert.Equal(5, Section(json, "Subscribers").Count());
        Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp"));
    }

    [Fact]
    public async Task AnEdit_KeepsTheFilesModeOwnerAndGroup_SoTheServicesUserCanStillReadIt()
    {
        if (OperatingSystem.IsWindows())
        {
            // The replacement inherits the folder's ACLs, as the original did: nothing to keep by hand.
            return;
        }

        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(config, Start);
        const UnixFileMode ownerWritesGroupReads = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        File.SetUnixFileMode(config, ownerWritesGroupReads);
        if (Environment.IsPrivilegedProcess)
        {
            // As the service's file would be: owned by another user and group than root, who edits it.
            await RunToolAsync("chown", "65534:65534", config);
        }

        var ownerBefore = await RunToolAsync("stat", "--format=%u:%g", config);

        await RunOkAsync(directory.Path, "topics", "add", "censorship", "--query", "censor*");

        Assert.Contains("censorship", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
        Assert.Equal(ownerWritesGroupReads, File.GetUnixFileMode(config));
        Assert.Equal(ownerBefore, await RunToolAsync("stat", "--format=%u:%g", config));
    }

    private static async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {await stderr}");
        return (await stdout).Trim();
    }

    private static async Task<string> RunOkAsync(string directory, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory, arguments);
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)}: {stderr}{stdout}");
        return stdout;
    }

    private static JsonDocument Parse(string text) =>
        JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

    private static JsonElement.ArrayEnumerator Section(JsonDocument json, string name) =>
        json.RootElement.GetProperty("FeedDigest").GetProperty(name).EnumerateArray();
}
