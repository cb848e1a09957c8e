using System.Text.Json;
using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary><c>feeddigest cluster</c>: clustering quality is scored through it, so it is checked on the real executable.</summary>
public sealed class ClusterCommandTests
{
    private const string Items = """
        {"id": "a1", "title": "Chiquita and Fyffes merge to create world's largest banana company", "source": "Reuters", "published": "2014-03-10"}
        {"id": "b1", "title": "国家网信办发布新规 加强网络内容审查", "summary": "新规要求平台对用户发布的内容进行审查。", "source": "新华网", "published": "2014-03-10T08:00:00Z"}
        {"id": 3, "title": "Banana giants Chiquita, Fyffes agree to $1.07B merger", "published": "2014-03-11"}
        {"id": "c1", "title": "Mt. Gox files for US bankruptcy protection"}

        {"id": "b2", "title": "网信办新规出台：网络内容审查全面加强", "published": "Mon, 10 Mar 2014 12:00:00 +0800"}
        {"id": "a3", "title": "Chiquita, Fyffes merger creates banana giant", "published": "2014-03-20"}
        """;

    [Fact]
    public async Task Cluster_JsonLines_PrintsOneAssignmentPerItemInInputOrder()
    {
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, Items, "cluster");

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["\"a1\"", "\"b1\"", "3", "\"c1\"", "\"b2\"", "\"a3\""], lines.Select(l => l.GetProperty("id").GetRawText()));
        var cluster = lines.ToDictionary(l => l.GetProperty("id").GetRawText().Trim('"'), l => l.GetProperty("cluster").GetString());
        Assert.Equal(cluster["a1"], cluster["3"]);
        Assert.Equal(cluster["b1"], cluster["b2"]);
        Assert.Equal(6 - 2, cluster.Values.Distinct().Count());

        // Ten days later is outside the default 72-hour window.
        Assert.NotEqual(cluster["a1"], cluster["a3"]);
    }

    [Fact]
    public async Task Cluster_Explain_SaysHowNearEachDecisionWas_AndOnlyWhenAsked()
    {
        var explained = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, Items, "cluster", "--explain");
        var stricter = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, Items, "cluster", "--explain", "--threshold", "0.9");
        var plain = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, Items, "cluster");

        Assert.True(explained.ExitCode == 0, explained.Stderr);
        var lines = Lines(explained.Stdout);
        // The second banana story joined the first: how alike they were, and the bar.
        var joined = lines["3"];
        Assert.InRange(joined.GetProperty("needed").GetDouble(), 0.22, joined.GetProperty("similarity").GetDouble());
        Assert.False(joined.TryGetProperty("nearest", out _));
        // Nothing to compare with (the first of its story; ten days later, outside the window): nothing to say.
        Assert.False(lines["a1"].TryGetProperty("needed", out _));
        Assert.False(lines["a3"].TryGetProperty("needed", out _));
        Assert.Equal(Lines(plain.Stdout).ToDictionary(l => l.Key, l => l.Value.GetProperty("cluster").GetString()), lines.ToDictionary(l => l.Key, l => l.Value.GetProperty("cluster").GetString()));
        Assert.DoesNotContain("needed", plain.Stdout, StringComparison.Ordinal);

        // Under a bar it does not reach, the same story starts a cluster, and says how near it came.
        Assert.True(stricter.ExitCode == 0, stricter.Stderr);
        var missed = Lines(stricter.Stdout)["3"];
        Assert.Equal(0.9, missed.GetProperty("needed").GetDouble());
        Assert.Equal(joined.GetProperty("similarity").GetDouble(), missed.GetProperty("nearest").GetDouble());
        Assert.False(missed.TryGetProperty("similarity", out _));
    }

    [Fact]
    public async Task Cluster_WiderWindow_LetsTheLaterStoryJoin()
    {
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, Items, "cluster", "--window-hours", "720");

        Assert.True(exitCode == 0, stderr);
        var cluster = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(l => l.GetProperty("id").GetRawText().Trim('"'), l => l.GetProperty("cluster").GetString());
        Assert.Equal(cluster["a1"], cluster["a3"]);
    }

    [Fact]
    public async Task Cluster_ThresholdNearOne_LeavesEveryItemAlone()
    {
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, Items, "cluster", "--threshold", "0.99");

        Assert.True(exitCode == 0, stderr);
        var clusters = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("cluster").GetString());
        Assert.Equal(6, clusters.Distinct().Count());
    }

    private static Dictionary<string, JsonElement> Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(l => l.GetProperty("id").GetRawText().Trim('"'));

    [Fact]
    public async Task Cluster_TakesTheConfiguredKnobs_AndAnOptionGivenOverridesThem()
    {
        // The service in this folder would leave every item alone: so does the tool, unless told otherwise.
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "appsettings.json"), """{ "FeedDigest": { "Clustering": { "Threshold": 0.99 } } }""");

        var configured = await FeedDigestProcess.RunWithInputAsync(folder.Path, Items, "cluster");
        var overridden = await FeedDigestProcess.RunWithInputAsync(folder.Path, Items, "cluster", "--threshold", "0.22");

        Assert.True(configured.ExitCode == 0, configured.Stderr);
        Assert.Equal(6, ClusterCount(configured.Stdout));
        Assert.True(overridden.ExitCode == 0, overridden.Stderr);
        Assert.Equal(6 - 2, ClusterCount(overridden.Stdout));
    }

    [Fact]
    public async Task Cluster_TakesTheSettingsOfTheServicesEnvironment()
    {
        // deploy/ runs the service with DOTNET_ENVIRONMENT=Production: appsettings.Production.json is its own.
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "appsettings.json"), """{ "FeedDigest": { } }""");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "appsettings.Production.json"), """{ "FeedDigest": { "Clustering": { "Threshold": 0.99 } } }""");

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(folder.Path, Items, new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" }, "cluster");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(6, ClusterCount(stdout));
    }

    [Fact]
    public async Task Cluster_ConfiguredKnobOutOfRange_ExitsNonZeroNamingTheSetting()
    {
        using var folder = new TempDirectory();
        var settings = Path.Combine(folder.Path, "digest.json");
        await File.WriteAllTextAsync(settings, """{ "FeedDigest": { "Clustering": { "Threshold": 1.5 } } }""");

        var (exitCode, _, stderr) = await FeedDigestProcess.RunWithInputAsync(folder.Path, Items, "cluster", "--config", settings);

        Assert.Equal(2, exitCode);
        Assert.Contains("FeedDigest:Clustering:Threshold", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_LineWithoutId_ExitsNonZeroNamingTheLine()
    {
        var (exitCode, _, stderr) = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, "{\"id\": \"x\"}\n{\"title\": \"no id\"}\n", "cluster");

        Assert.Equal(1, exitCode);
        Assert.Contains("line 2:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_FileSavedWithAByteOrderMark_IsRead()
    {
        // Notepad and PowerShell 5's Out-File -Encoding utf8 start a UTF-8 file with one.
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunWithInputAsync(AppContext.BaseDirectory, "\uFEFF" + Items, "cluster");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(6, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Cluster_ItemsWithoutWords_EachStartACluster()
    {
        // No title and no text, or a feed's placeholder: nothing says two of them are one story (they
        // were, on the placeholder title "(untitled)" they are stored with, or on the feed's own).
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunWithInputAsync(
            AppContext.BaseDirectory,
            """
            {"id": "p1"}
            {"id": "p2", "title": "", "summary": "<img src=x.jpg>"}
            {"id": "p3", "source": "Harbor Photos"}
            {"id": "u1", "title": "Untitled", "summary": "<img src=a.jpg>", "source": "Harbor Photos"}
            {"id": "u2", "title": "Untitled", "summary": "<img src=b.jpg>", "source": "Coast Pictures"}
            """,
            "cluster");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(5, ClusterCount(stdout));
    }

    private static int ClusterCount(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("cluster").GetString()).Distinct().Count();
}
