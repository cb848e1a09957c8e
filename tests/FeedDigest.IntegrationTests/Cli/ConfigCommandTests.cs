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
