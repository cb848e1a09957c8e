using System.Diagnostics;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Polling;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// Every kind of bad edit the admin can make to the running service's file is refused with the file,
/// the place and the reason; the service keeps the last good configuration and says so; a good edit
/// applies within 5 seconds.
/// </summary>
public sealed class LiveEditRefusalTests
{
    private const string Good = """
        {
          // edited live
          "FeedDigest": {
            "Polling": { "TickInterval": "00:00:01", "DefaultInterval": "00:30:00" },
            "Feeds": [ { "Id": "wire", "Url": "feeds/wire.xml" } ],
            "Topics": [ { "Id": "vpn", "Name": "VPN", "Query": "VPN", "Feeds": [ "wire" ] } ],
            "Subscribers": [ { "Email": "ann@example.org", "Topics": [ "vpn" ], "TimeZone": "Europe/Berlin" } ]
          }
        }
        """;

    public static TheoryData<string, string, string, string> BadEdits => new()
    {
        // kind, what replaces what, the place named, the reason named
        { "broken JSON", "\"Topics\": [", "line 6, column", "\"Topics\" [" },
        { "bad query", "\"Query\": \"VPN\"", "FeedDigest:Topics:0:Query", "\"Query\": \"(VPN OR proxy\"" },
        { "unknown time zone", "Europe/Berlin", "FeedDigest:Subscribers:0:TimeZone: unknown time zone \"Mars/Olympus\"", "Mars/Olympus" },
        { "topic naming a missing feed", "\"Feeds\": [ \"wire\" ]", "FeedDigest:Topics:0:Feeds: topic \"vpn\" names the feed \"gone\", which is not configured", "\"Feeds\": [ \"gone\" ]" },
        { "negative feed interval", "\"Url\": \"feeds/wire.xml\"", "FeedDigest:Feeds:0:PollInterval: must be at least 00:01:00", "\"Url\": \"feeds/wire.xml\", \"PollInterval\": \"-00:05:00\"" },
        { "negative polling interval", "\"DefaultInterval\": \"00:30:00\"", "FeedDigest:Polling:DefaultInterval must be at least 00:01:00", "\"DefaultInterval\": \"-00:30:00\"" },
        { "polling interval not a time span", "\"DefaultInterval\": \"00:30:00\"", "'30 minutes' at 'FeedDigest:Polling:DefaultInterval' to type 'System.TimeSpan'", "\"DefaultInterval\": \"30 minutes\"" },
    };

    [Theory]
    [MemberData(nameof(BadEdits))]
    public async Task BadEdit_IsRefusedWithFilePlaceAndReason_ServiceKeepsLastGood_ThenAGoodEditAppliesWithin5Seconds(string kind, string original, string expected, string replacement)
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "wire.xml"), FeedDocuments.Rss(("1", "VPN story", "x")));
        var file = Path.Combine(directory.Path, "appsettings.json");
        // The web pages on, for /healthz to say which configuration the service runs on.
        var port = InProcessSmtpServer.FreePort();
        var good = Good.Replace(
            "\"Polling\":",
            $"\"Web\": {{ \"Enabled\": true, \"Urls\": \"http://127.0.0.1:{port}\", \"TokenSecret\": \"live-edit-tests-token-secret-0123456789\" }}, \"Polling\":",
            StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, good);
        var logs = new CollectingLoggerProvider();
        using var host = FeedDigestHost.CreateBuilder(file, withScheduler: true, b => b.Logging.ClearProviders().AddProvider(logs), directory.Path).Build();
        await host.StartAsync();
        var catalog = host.Services.GetRequiredService<ICatalogSource>();
        var health = host.Services.GetRequiredService<ConfigurationHealth>();
        var polling = host.Services.GetRequiredService<IOptionsMonitor<PollingOptions>>();
        var before = Fingerprint(catalog.Current);
        var statusFile = Path.Combine(directory.Path, "data", ConfigurationStatus.FileName);

        Assert.Contains(original, good, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, good.Replace(original, replacement, StringComparison.Ordinal));

        // A loaded machine may let the watcher read the file between its truncation and its write:
        // that empty file is refused too (as an editor's half-written save is), and the write's own
        // refusal follows. The one that names the problem is the one this test is about.
        Assert.True(
            await Eventually.WaitUntilAsync(() => health.RunningOnLastGood && health.Refusals.Any(r => r.Problems.Any(p => p.Contains(expected, StringComparison.Ordinal))), TimeSpan.FromSeconds(5)),
            $"{kind}: the edit was not refused within 5 s, or no refusal names the problem: {string.Join(" | ", health.Refusals.SelectMany(r => r.Problems))}");
        var refusal = health.Refusals.Last(r => r.Problems.Any(p => p.Contains(expected, StringComparison.Ordinal)));
        if (kind is not ("negative polling interval" or "polling interval not a time span"))
        {
            // The catalog's problems and JSON mistakes name the file they are in; a setting's, the setting.
            Assert.All(refusal.Problems, p => Assert.StartsWith(file, p, StringComparison.Ordinal));
        }

        Assert.True(await Eventually.WaitUntilAsync(
            () => logs.Lines.Any(l => l.Level == LogLevel.Error && l.Message.Contains("refused", StringComparison.Ordinal) && l.Message.Contains(expected, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5)), $"{kind}: no log line names the problem");
        Assert.Equal(before, Fingerprint(catalog.Current));
        Assert.Equal(TimeSpan.FromMinutes(30), polling.CurrentValue.DefaultInterval);
        // The status file is written by the change's handler, just after the health flips.
        Assert.True(
            await Eventually.WaitUntilAsync(() => ConfigurationStatus.Read(statusFile) is { RunningOnLastGood: true }, TimeSpan.FromSeconds(5)),
            $"{kind}: {statusFile} does not say the service runs on the last good configuration");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using (var healthz = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("healthz", UriKind.Relative))))
        {
            Assert.Equal("last good (edits refused)", healthz.RootElement.GetProperty("configuration").GetString());
            var problems = healthz.RootElement.GetProperty("refusedEdits").EnumerateArray().SelectMany(edit => edit.GetProperty("problems").EnumerateArray()).Select(p => p.GetString()!);
            Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        }

        // The service still works on the last good configuration, and the next good edit applies.
        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(file, good.Replace("\"Id\": \"vpn\", \"Name\": \"VPN\"", "\"Id\": \"vpn\", \"Name\": \"Privacy\"", StringComparison.Ordinal));
        Assert.True(await Eventually.WaitUntilAsync(() => catalog.Current.Topics[0].Name == "Privacy" && !health.RunningOnLastGood, TimeSpan.FromSeconds(5)), $"{kind}: the fixed file was not applied within 5 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(await Eventually.WaitUntilAsync(() => ConfigurationStatus.Read(statusFile) is { RunningOnLastGood: false }, TimeSpan.FromSeconds(5)));
        Assert.Contains("\"configuration\":\"as written\"", await http.GetStringAsync(new Uri("healthz", UriKind.Relative)), StringComparison.Ordinal);

        await host.StopAsync();
        Assert.False(File.Exists(statusFile));
    }

    [Theory]
    [InlineData("deleted", "the file is gone")]
    [InlineData("unreadable", "cannot be read")]
    public async Task FileDeletedOrUnreadable_IsRefused_ServiceKeepsLastGood_ThenPuttingItBackApplies(string kind, string expected)
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(file, Good);
        var logs = new CollectingLoggerProvider();
        using var host = FeedDigestHost.CreateBuilder(file, withScheduler: true, b => b.Logging.ClearProviders().AddProvider(logs), directory.Path).Build();
        await host.StartAsync();
        var catalog = host.Services.GetRequiredService<ICatalogSource>();
        var health = host.Services.GetRequiredService<ConfigurationHealth>();
        var before = Fingerprint(catalog.Current);

        if (kind == "deleted")
        {
            File.Delete(file);
        }
        else if (Environment.IsPrivilegedProcess || OperatingSystem.IsWindows())
        {
            // Root reads a file whatever its mode (and Windows has no modes): a folder in the file's place cannot be read as one.
            File.Delete(file);
            Directory.CreateDirectory(file);
        }
        else
        {
            // As an edit by another user with a strict umask leaves it: replaced by a file the service may not read.
            var replacement = file + ".new";
            await File.WriteAllTextAsync(replacement, Good);
            File.SetUnixFileMode(replacement, UnixFileMode.None);
            File.Move(replacement, file, overwrite: true);
        }

        Assert.True(
            await Eventually.WaitUntilAsync(() => health.Refusals.Any(r => r.Problems.Any(p => p.StartsWith(file, StringComparison.Ordinal) && p.Contains(expected, StringComparison.Ordinal))), TimeSpan.FromSeconds(5)),
            $"{kind}: not refused within 5 s; refusals: {string.Join(" | ", health.Refusals.SelectMany(r => r.Problems))}");
        Assert.True(await Eventually.WaitUntilAsync(
            () => logs.Lines.Any(l => l.Level == LogLevel.Error && l.Message.Contains("refused", StringComparison.Ordinal) && l.Message.Contains(file, StringComparison.Ordinal) && l.Message.Contains(expected, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5)), $"{kind}: no log line names the file and the problem");
        Assert.Equal(before, Fingerprint(catalog.Current));

        // Put back, with an edit: it applies, and the service runs on the file as written again.
        if (Directory.Exists(file))
        {
            Directory.Delete(file);
        }
        else
        {
            File.Delete(file);
        }

        await File.WriteAllTextAsync(file, Good.Replace("\"Id\": \"vpn\", \"Name\": \"VPN\"", "\"Id\": \"vpn\", \"Name\": \"Privacy\"", StringComparison.Ordinal));
        Assert.True(await Eventually.WaitUntilAsync(() => catalog.Current.Topics[0].Name == "Privacy" && !health.RunningOnLastGood, TimeSpan.FromSeconds(5)), $"{kind}: the file put back was not applied within 5 s");

        await host.StopAsync();
    }

    /// <summary>Every value the bad edits touch, as the running catalog has it.</summary>
    private static string Fingerprint(Catalog catalog) => string.Join(
        " | ",
        catalog.Feeds.Select(f => $"{f.Id} {f.Source} {f.PollInterval}")
            .Concat(catalog.Topics.Select(t => $"{t.Id} {t.Name} {t.Query} {string.Join(",", t.Feeds.Only ?? new HashSet<string>())}"))
            .Concat(catalog.Subscribers.Select(s => $"{s.Email} {s.Schedule.TimeZone.Id}")));
}
