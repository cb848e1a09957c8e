using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// The digests built from the sample feeds (the shipped example configuration, plus a Chinese-language
/// and a plain-text subscriber), judged by tools nobody here wrote: Debian's SpamAssassin must score
/// each below 1.0 (<c>spamassassin -L -t</c>, local tests only), and headless Chromium must render each
/// HTML digest at 375 and 1024 pixels wide without horizontal scroll. The reports and screenshots are
/// kept in TestResults/spamassassin and TestResults/screenshots. Both tools come from Debian packages
/// (spamassassin, chromium) that .ci/run installs.
/// </summary>
/// <remarks>
/// <code>dotnet test tests/FeedDigest.IntegrationTests --filter RealToolsTests</code> produces them.
/// </remarks>
public sealed class RealToolsTests
{
    private const double MaxSpamScore = 1.0;
    private static readonly int[] Widths = [375, 1024];

    [Fact]
    public async Task SampleDigests_SpamAssassin_ScoresEachBelowOne()
    {
        var spamassassin = FindTool("spamassassin");
        var reports = ArtefactDirectory("spamassassin");
        using var directory = new TempDirectory();
        var digests = await BuildSampleDigestsAsync(directory.Path);

        var scores = new List<string>();
        foreach (var path in digests)
        {
            // Local tests only (-L), as the issue asks; no Bayes learning from the test's messages.
            var (exitCode, output, error) = await RunAsync(spamassassin, ["-L", "-t", "--cf=bayes_auto_learn 0"], stdin: path);
            await File.WriteAllTextAsync(Path.Combine(reports, Path.GetFileNameWithoutExtension(path) + ".txt"), output + error);
            var status = Regex.Match(output, @"^X-Spam-Status: (?<spam>Yes|No), score=(?<score>-?[0-9.]+) required=[0-9.]+ tests=(?<tests>[^\n]*(?:\n\t[^\n]*)*)", RegexOptions.Multiline);
            Assert.True(status.Success, $"spamassassin (exit {exitCode}) gave no X-Spam-Status for {path}:\n{error}\n{output}");
            var score = double.Parse(status.Groups["score"].Value, CultureInfo.InvariantCulture);
            var tests = Regex.Replace(status.Groups["tests"].Value, @"\s+", " ");
            scores.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}: {score} ({tests})"));
            Assert.True(score < MaxSpamScore, $"SpamAssassin scored {Path.GetFileName(path)} {score} (at most {MaxSpamScore} allowed): {tests}");
        }

        await File.WriteAllLinesAsync(Path.Combine(reports, "scores.txt"), scores);
    }

    [Fact]
    public async Task SampleDigests_HeadlessChromium_AtPhoneAndDesktopWidths_HaveNoHorizontalScroll()
    {
        var chromium = FindTool("chromium");
        var screenshots = ArtefactDirectory("screenshots");
        using var directory = new TempDirectory();
        var digests = await BuildSampleDigestsAsync(directory.Path);
        var pages = new List<(string Name, string Html)>();
        foreach (var path in digests)
        {
            if ((await MimeMessage.LoadAsync(path)).HtmlBody is { } html)
            {
                pages.Add((Path.GetFileNameWithoutExtension(path), html));
            }
        }

        Assert.NotEmpty(pages);
        foreach (var (name, html) in pages)
        {
            foreach (var width in Widths)
            {
                // Headless Chromium's window is at least 500 px wide, so the digest is shown in a frame
                // exactly as wide as the screen being tried: its media queries and layout see that width.
                var page = Path.Combine(directory.Path, string.Create(CultureInfo.InvariantCulture, $"{name}-{width}.html"));
                await File.WriteAllTextAsync(page, Framed(html, width));
                var screenshot = Path.Combine(screenshots, string.Create(CultureInfo.InvariantCulture, $"{name}-{width}.png"));
                var (shotExit, _, shotError) = await RunAsync(chromium, [.. Headless(width, directory.Path), $"--screenshot={screenshot}", new Uri(page).AbsoluteUri]);
                Assert.True(shotExit == 0 && File.Exists(screenshot), $"chromium could not take {screenshot}: {shotError}");

                var (exitCode, dom, error) = await RunAsync(chromium, [.. Headless(width, directory.Path), "--dump-dom", new Uri(page).AbsoluteUri]);
                var measured = Regex.Match(dom, @"data-scroll-width=""(?<scroll>\d+)"" data-inner-width=""(?<inner>\d+)""");
                Assert.True(measured.Success, $"chromium (exit {exitCode}) did not run the probe on {name} at {width} px: {error}");
                var scrollWidth = int.Parse(measured.Groups["scroll"].Value, CultureInfo.InvariantCulture);
                var innerWidth = int.Parse(measured.Groups["inner"].Value, CultureInfo.InvariantCulture);
                Assert.Equal(width, innerWidth);
                Assert.True(scrollWidth <= innerWidth, $"{name} at {width} px scrolls sideways: scrollWidth {scrollWidth} > innerWidth {innerWidth} (see {screenshot})");
            }
        }
    }

    /// <summary>
    /// A page showing the digest in a frame <paramref name="width"/> px wide (srcdoc, so the page may
    /// look inside it), with a probe that writes what the browser measured in the frame into the DOM
    /// that --dump-dom prints.
    /// </summary>
    private static string Framed(string html, int width) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"></head>
            <body style="margin:0">
            <iframe id="digest" style="border:0;display:block;width:{{width}}px;height:2000px" srcdoc="{{html.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)}}"></iframe>
            <script>
            window.addEventListener('load', () => {
              const frame = document.getElementById('digest');
              const probe = document.createElement('i');
              probe.setAttribute('data-scroll-width', frame.contentDocument.documentElement.scrollWidth);
              probe.setAttribute('data-inner-width', frame.contentWindow.innerWidth);
              document.body.appendChild(probe);
            });
            </script>
            </body></html>
            """);

    private static string[] Headless(int width, string profileParent) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
        "--blink-settings=imagesEnabled=false", "--force-device-scale-factor=1",
        $"--user-data-dir={Path.Combine(profileParent, "chromium-profile")}",
        string.Create(CultureInfo.InvariantCulture, $"--window-size={width},2000"),
        // --dump-dom prints the page once it has loaded, after the probe's load handler.
        "--virtual-time-budget=5000",
    ];

    /// <summary>
    /// The shipped example configuration on the sample feeds, with a From domain as an admin would set
    /// it, and two more subscribers (Chinese, plain text); their digests as .eml files from the pickup folder.
    /// </summary>
    private static async Task<string[]> BuildSampleDigestsAsync(string contentRoot)
    {
        var root = SampleConfigurationTests.RepositoryRoot();
        File.Copy(Path.Combine(root, "appsettings.example.json"), Path.Combine(contentRoot, "appsettings.json"));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "samples"), "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(contentRoot, Path.GetRelativePath(root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Mail:From"] = "FeedDigest <digest@news.example.org>",
            ["FeedDigest:Mail:ReplyTo"] = "China desk <desk@news.example.org>",
            ["FeedDigest:Subscribers:2:Email"] = "bianji@example.org",
            ["FeedDigest:Subscribers:2:Name"] = "编辑",
            ["FeedDigest:Subscribers:2:Topics:0"] = "online-censorship",
            ["FeedDigest:Subscribers:2:Topics:1"] = "wechat-weibo",
            ["FeedDigest:Subscribers:2:Language"] = "zh-CN",
            ["FeedDigest:Subscribers:2:TimeZone"] = "Asia/Shanghai",
            ["FeedDigest:Subscribers:3:Email"] = "plain@example.org",
            ["FeedDigest:Subscribers:3:Topics:0"] = "online-censorship",
            ["FeedDigest:Subscribers:3:Format"] = "text",
        };
        using var host = FeedDigestHost.CreateBuilder(
            configFile: null,
            withScheduler: false,
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                builder.Logging.ClearProviders();
            },
            contentRoot).Build();
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var subscribers = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers;
        Assert.Equal(4, subscribers.Count);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStatesAsync(subscribers.Select(s => s.Key).ToList(), clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        Assert.True((await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories > 0);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(4, (await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default)).DigestsSent);
        var digests = Directory.GetFiles(Path.Combine(contentRoot, "data", "outbox"), "*.eml").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, digests.Length);
        // The Chinese-language subscriber's digest is written in Chinese (Language read from configuration).
        var chinese = await MimeMessage.LoadAsync(digests.Single(path => MimeMessage.Load(path).To.Mailboxes.Single().Address == "bianji@example.org"));
        Assert.Contains("条新报道", chinese.Subject, StringComparison.Ordinal);
        return digests;
    }

    private static string ArtefactDirectory(string name)
    {
        var path = Path.Combine(SampleConfigurationTests.RepositoryRoot(), "TestResults", name);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: apt-get install {name} (.ci/run installs it).");

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string tool, string[] arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(stdin));
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        return (process.ExitCode, await output, await error);
    }
}
