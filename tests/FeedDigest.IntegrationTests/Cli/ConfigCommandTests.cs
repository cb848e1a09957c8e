using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;

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
    public async Task AFileNamedWithConfig_IsReadInsteadOfAppSettings_NotOverIt()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), """
            {
              "FeedDigest": {
                "Feeds": [ { "Id": "sample-one", "Url": "https://one.example/feed" }, { "Id": "sample-two", "Url": "https://two.example/feed" } ],
                "Topics": [ { "Id": "t", "Keywords": [ "x" ] } ],
                "Subscribers": [ { "Email": "someone@example.org", "Topics": [ "t" ], "Cron": "* * * * *" } ]
              }
            }
            """);
        var desk = Path.Combine(directory.Path, "desk.json");
        string Desk(string sendAt) => $$"""
            {
              "FeedDigest": {
                "Feeds": [ { "Id": "desk", "Url": "https://desk.example/feed" } ],
                "Topics": [ { "Id": "t", "Keywords": [ "x" ] } ],
                "Subscribers": [ { "Email": "deputy@example.org", "Topics": [ "t" ], "SendAt": "{{sendAt}}" } ]
              }
            }
            """;
        await File.WriteAllTextAsync(desk, Desk("7am"));

        // Merged, the subscriber took the other file's Cron and "7am" went unread.
        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", desk);
        Assert.Equal(1, exitCode);
        Assert.Contains("FeedDigest:Subscribers:0:SendAt", stderr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(desk, Desk("07:00"));
        var feeds = await FeedDigestProcess.RunAsync(directory.Path, "feeds", "list", "--config", desk);
        var subscribers = await FeedDigestProcess.RunAsync(directory.Path, "subscribers", "list", "--config", desk);
        Assert.Contains("desk", feeds.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sample-", feeds.Stdout, StringComparison.Ordinal);
        Assert.Contains("deputy@example.org", subscribers.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("cron", subscribers.Stdout, StringComparison.OrdinalIgnoreCase);
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
    public async Task ConfigValidate_ValuesOfTheWrongType_NamesEachSettingAndExitsOne()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "bad.json");
        await File.WriteAllTextAsync(file, """
            {
              "FeedDigest": {
                "Polling": { "DefaultInterval": "30 minutes" },
                "Mail": { "Smtp": { "Port": "twenty-five" } },
                "Feeds": [ { "Id": "a", "Url": "https://a.example/feed" } ],
                "Topics": [ { "Id": "t", "Keywords": [ "x" ] } ],
                "Subscribers": [ { "Email": "someone@example.org", "Topics": [ "t" ] } ]
              }
            }
            """);

        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("The configuration is not valid; fix these settings:", stderr, StringComparison.Ordinal);
        Assert.Contains("'30 minutes' at 'FeedDigest:Polling:DefaultInterval' to type 'System.TimeSpan'", stderr, StringComparison.Ordinal);
        Assert.Contains("'twenty-five' at 'FeedDigest:Mail:Smtp:Port' to type 'System.Int32'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_TemplatesFolder_ATemplateThatDoesNotParseIsNamed_AMissingFolderToo_AndAGoodOneIsAccepted()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "a.xml"), FeedDocuments.Rss(("1", "Censorship story", "x")));
        var templates = Path.Combine(directory.Path, "templates");
        Directory.CreateDirectory(templates);
        await File.WriteAllTextAsync(Path.Combine(templates, "digest.txt.liquid"), "{% for story in %}");
        var file = Path.Combine(directory.Path, "settings.json");
        string Settings(string folder) => $$"""
            {
              "FeedDigest": {
                "Digests": { "TemplatesFolder": "{{folder}}" },
                "Stories": { "NewFeedWindow": "3650.00:00:00" },
                "Feeds": [ { "Id": "a", "Url": "feeds/a.xml" } ],
                "Topics": [ { "Id": "t", "Keywords": [ "censorship" ] } ],
                "Subscribers": [ { "Email": "someone@example.org", "Topics": [ "t" ] } ]
              }
            }
            """;

        await File.WriteAllTextAsync(file, Settings("templates"));
        var broken = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);
        await File.WriteAllTextAsync(file, Settings("no-such-folder"));
        var missing = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);
        await File.WriteAllTextAsync(Path.Combine(templates, "digest.txt.liquid"), "{% for section in sections %}{{ section.topic_name }}{% endfor %}");
        await File.WriteAllTextAsync(Path.Combine(templates, "digest.html.liquid"), "<p>Our own digest: {{ heading }}</p>");
        await File.WriteAllTextAsync(file, Settings("templates"));
        var good = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);
        var polled = await FeedDigestProcess.RunAsync(directory.Path, "poll", "--once", "--config", file);
        var preview = Path.Combine(directory.Path, "preview.html");
        var previewed = await FeedDigestProcess.RunAsync(directory.Path, "digest", "preview", "--subscriber", "someone@example.org", "--out", preview, "--config", file);

        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"FeedDigest:Digests:TemplatesFolder: {templates}/digest.txt.liquid does not parse", broken.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("FeedDigest:Digests:TemplatesFolder: the folder", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, good.ExitCode);
        Assert.Equal(0, polled.ExitCode);
        Assert.Equal(0, previewed.ExitCode);
        Assert.StartsWith("<p>Our own digest: ", await File.ReadAllTextAsync(preview), StringComparison.Ordinal);
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
        // The service logs the refusal, then writes its status file.
        Assert.True(await Eventually.WaitUntilAsync(() => ConfigurationStatus.Read(status) is { RunningOnLastGood: true }, TimeSpan.FromSeconds(10)), service.Output);
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
