using System.Text.RegularExpressions;
using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary><c>feeddigest topics test</c> on the shipped example configuration and the sample feeds, polled for real.</summary>
public sealed partial class TopicsCommandTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task TopicsTest_ShippedCensorshipTopic_MatchesTheEnglishAndChineseSampleStoriesOnIt()
    {
        await PollSamplesAsync();

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "topics", "test", "--topic", "online-censorship");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("VPN sellers fined as Great Firewall enforcement tightens", stdout, StringComparison.Ordinal);
        Assert.Contains("监管部门关闭数百个微信公众号", stdout, StringComparison.Ordinal);
        Assert.Contains("网络审查新规：微博大V须实名认证", stdout, StringComparison.Ordinal);
        Assert.Contains("source: Northbridge Wire (northbridge-wire)", stdout, StringComparison.Ordinal);
        Assert.Contains("审查 in title", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Chipmakers Report Strong Quarter", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Photo Essay", stdout, StringComparison.Ordinal);
        Assert.Contains("6 of 10 stored stories", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopicsTest_Query_ListsMatchesWithTheTermsAndFieldsThatHit()
    {
        await PollSamplesAsync();

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "topics", "test", "source:northbridge (VPN OR censor*) -shipping");

        Assert.True(exitCode == 0, stderr);
        // Each match starts with the time it was first seen: "2026-11-26 12:00  Title".
        var titles = stdout.Split('\n').Where(line => StoryLine().IsMatch(line)).Select(line => line[18..].Trim()).ToList();
        Assert.Equal(2, titles.Count);
        Assert.Contains("VPN sellers fined as Great Firewall enforcement tightens", titles);
        Assert.Contains("China shuts hundreds of WeChat accounts in new censorship drive", titles);
        Assert.Contains("why:    northbridge in source; VPN in title; VPN in summary", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopicsTest_MalformedQuery_PrintsThePositionAndWhatWasExpectedAndFails()
    {
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), """
            { "FeedDigest": { "Storage": { "ConnectionString": "Data Source=data/t.db" } } }
            """);

        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "topics", "test", "(censorship OR VPN");

        Assert.Equal(1, exitCode);
        Assert.Contains("position 19: expected \")\"", stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}  ")]
    private static partial Regex StoryLine();

    private async Task PollSamplesAsync()
    {
        var root = SampleConfigurationTests.RepositoryRoot();
        File.Copy(Path.Combine(root, "appsettings.example.json"), Path.Combine(directory.Path, "appsettings.json"));
        Directory.CreateDirectory(Path.Combine(directory.Path, "samples", "feeds"));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "samples", "feeds")))
        {
            File.Copy(file, Path.Combine(directory.Path, "samples", "feeds", Path.GetFileName(file)));
        }

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "poll", "--once");
        Assert.True(exitCode == 0, stdout + stderr);
    }
}
