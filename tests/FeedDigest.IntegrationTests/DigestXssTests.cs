using System.Globalization;
using System.Security;
using System.Text;
using AngleSharp.Html.Parser;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// Well-known XSS vectors (after the OWASP filter-evasion cheat sheet) put in every place a feed
/// carries text or links, through the real poller, store, renderer and SMTP: none is alive in the
/// HTML digest, parsed as a browser would parse it.
/// </summary>
public sealed class DigestXssTests
{
    private static readonly string[] Vectors =
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<body onload=alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
        "\"><script>alert(1)</script>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<form action=\"javascript:alert(1)\"><input type=submit></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<details open ontoggle=alert(1)>",
        "<scr<script>ipt>alert(1)</script>",
        "<style>@import 'http://evil.example/x.css';</style>",
        "<base href=\"javascript:alert(1)//\">",
        "<video><source onerror=\"alert(1)\"></video>",
        "<img src=\"https://tracker.example/pixel.gif\" width=\"1\" height=\"1\">",
    ];

    private static readonly string[] DeadElements =
        ["script", "iframe", "object", "embed", "form", "input", "base", "svg", "math", "video", "source", "details", "style", "link", "img"];

    [Fact]
    public async Task Digest_FromAFeedFullOfXssVectors_HasNoneAlive()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", HostileFeed());
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        using var host = TestHost.Build(directory.Path, TestHost.Settings(feedUri, smtp.Port), clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        var poll = await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);
        Assert.Equal(new PollReport(1, 0, Vectors.Length), poll);
        clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1, (await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default)).DigestsSent);

        var html = Assert.Single(smtp.Messages).HtmlBody!;
        var document = new HtmlParser().ParseDocument(html);
        // The digest is there: every hostile story was listed, under its (plain-text) title.
        Assert.Equal(Vectors.Length, Enumerable.Range(0, Vectors.Length).Count(i => System.Text.RegularExpressions.Regex.IsMatch(html, string.Create(CultureInfo.InvariantCulture, $@"Censorship case {i}\b"))));
        Assert.Empty(document.All.Where(element => DeadElements.Contains(element.LocalName)).Select(element => element.OuterHtml));
        Assert.Empty(document.All.SelectMany(element => element.Attributes)
            .Where(attribute => attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)).Select(attribute => attribute.Name));
        foreach (var attribute in document.All.SelectMany(element => element.Attributes).Where(a => a.Name is "href" or "src" or "action" or "background"))
        {
            Assert.True(
                attribute.Value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || attribute.Value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                    || System.Text.RegularExpressions.Regex.IsMatch(attribute.Value, "^#story-[0-9]+$"),
                $"{attribute.Name}=\"{attribute.Value}\" is neither an http(s) link nor the headline index's own anchor");
        }

        Assert.DoesNotContain(document.All.Select(element => element.GetAttribute("style") ?? string.Empty), style => style.Contains("javascript", StringComparison.OrdinalIgnoreCase) || style.Contains("url(", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["utf-8", "viewport"], document.QuerySelectorAll("meta").Select(m => m.GetAttribute("charset") ?? m.GetAttribute("name")));
    }

    /// <summary>Each vector in a story's title, description (HTML), content:encoded, and its link.</summary>
    private static string HostileFeed()
    {
        var builder = new StringBuilder("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Hostile Wire</title><link>https://wire.example/</link><description>x</description>
            """);
        for (var i = 0; i < Vectors.Length; i++)
        {
            var vector = Vectors[i];
            // Words of its own keep each story out of the others' cluster, so each is listed.
            var words = string.Join(' ', "abcdef".Select(letter => string.Create(CultureInfo.InvariantCulture, $"w{i}{letter}")));
            var link = i % 3 == 0 ? "javascript:alert(1)" : i % 3 == 1 ? "data:text/html,<script>alert(1)</script>" : $"https://wire.example/{i}";
            builder.Append(CultureInfo.InvariantCulture, $"""
                <item><guid isPermaLink="false">x{i}</guid>
                <title>{SecurityElement.Escape($"Censorship case {i} {words} {vector}")}</title>
                <link>{SecurityElement.Escape(link)}</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>
                <description>{SecurityElement.Escape($"<p>Censorship report {words} {vector} ends.</p>")}</description>
                <content:encoded><![CDATA[<p>Censorship in full {vector}</p>]]></content:encoded></item>
                """);
        }

        return builder.Append("</channel></rss>").ToString();
    }
}
