using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Cli;

public sealed class ConfigCommandTests
{
    [Fact]
    public async Task ConfigValidate_ShippedExample_IsValid()
    {
        var example = Path.Combine(RepositoryRoot(), "appsettings.example.json");

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(RepositoryRoot(), "config", "validate", "--config", example);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("The configuration is valid.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_BadSettings_NamesEachSettingAndExitsOne()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "bad.json");
        await File.WriteAllTextAsync(file, """
            {
              "FeedDigest": {
                "Polling": { "DefaultInterval": "00:00:05" },
                "Feeds": [ { "Id": "a", "Url": "https://a.example/feed" } ],
                "Topics": [ { "Id": "t", "Keywords": [ "x" ] } ],
                "Subscribers": [ { "Email": "someone@example.org", "Topics": [ "t", "nope" ], "TimeZone": "Mars/Olympus" } ]
              }
            }
            """);

        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("FeedDigest:Polling:DefaultInterval", stderr, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Subscribers:0:Topics: there is no topic \"nope\"", stderr, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Subscribers:0:TimeZone: unknown time zone \"Mars/Olympus\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_BrokenJson_SaysWhichFileAndExitsOne()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "broken.json");
        await File.WriteAllTextAsync(file, "{ \"FeedDigest\": { \"Feeds\": [ }");

        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("broken.json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_SaysWhenTheRunningServiceIsOnTheLastGoodConfiguration()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "wire.xml"), FeedDocuments.Rss(("1", "VPN story", "x")));
        var config = Path.Combine(directory.Path, "appsettings.json");
        const string good = """{ "FeedDigest": { "Feeds": [ { "Id": "wire", "Url": "feeds/wire.xml" } ], "Topics": [ { "Id": "vpn", "Query": "VPN" } ] } }""";
        await File.WriteAllTextAsync(config, good);
        await using var service = RunningService.Start(directory.Path);
        var status = Path.Combine(directory.Path, "data", "config-status.json");
        Assert.True(await Eventually.WaitUntilAsync(() => File.Exists(status), TimeSpan.FromSeconds(60)), service.Output);

        var asWritten = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate");
        Assert.Equal(0, asWritten.ExitCode);
        Assert.Contains($"The running service (pid {service.ProcessId}) runs on the configuration as written.", asWritten.Stdout, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, good.Replace("\"VPN\"", "\"VPN AND\"", StringComparison.Ordinal));
        Assert.True(await service.WaitForOutputAsync("Configuration edit refused", TimeSpan.FromSeconds(10)), service.Output);
        Assert.Contains("FeedDigest:Topics:0:Query", service.Output, StringComparison.Ordinal);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", config);
        Assert.Equal(1, exitCode);
        Assert.Contains("FeedDigest:Topics:0:Query", stderr, StringComparison.Ordinal);
        Assert.Contains("runs on the LAST GOOD configuration", stdout, StringComparison.Ordinal);
        Assert.Contains($"{config}: FeedDigest:Topics:0:Query", stdout, StringComparison.Ordinal);
        Assert.False(service.HasExited);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FeedDigest.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FeedDigest.sln not found above the test folder.");
    }
}
