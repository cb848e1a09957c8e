using System.Runtime.CompilerServices;
using System.Text;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// A digest built from the fixture feeds in Fixtures/Golden (an RSS outlet with page furniture, an
/// Atom wire carrying the same story, a Chinese feed with a long summary) through the real poller,
/// store, clusterer, dispatcher, renderer and SMTP, compared with the checked-in golden files in
/// Golden/: its headers and MIME structure, its text part and its HTML part. Everything in them is
/// deterministic: a fixed clock, and a Message-ID made from the claim.
/// </summary>
/// <remarks>
/// After an intended change to the templates or the pipeline, regenerate the golden files and
/// review their diff:
/// <code>FEEDDIGEST_UPDATE_GOLDEN=1 dotnet test tests/FeedDigest.IntegrationTests --filter GoldenDigestTests</code>
/// </remarks>
public sealed class GoldenDigestTests
{
    private const string UpdateVariable = "FEEDDIGEST_UPDATE_GOLDEN";

    [Fact]
    public async Task Digest_FromFixtureFeeds_MatchesTheGoldenFiles()
    {
        var message = await BuildDigestAsync();

        var actual = new Dictionary<string, string>
        {
            ["digest.headers.txt"] = Headers(message),
            ["digest.txt"] = message.TextBody ?? "(no text part)",
            ["digest.html"] = message.HtmlBody ?? "(no HTML part)",
        };
        var golden = Path.Combine(SourceDirectory(), "Golden");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(golden);
            foreach (var (name, text) in actual)
            {
                await File.WriteAllTextAsync(Path.Combine(golden, name), text, new UTF8Encoding(false));
            }
        }

        foreach (var (name, text) in actual)
        {
            var path = Path.Combine(golden, name);
            Assert.True(File.Exists(path), $"{path} is missing; run with {UpdateVariable}=1 to create it");
            var expected = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
            Assert.True(
                expected == text.ReplaceLineEndings("\n"),
                $"{name} differs from the golden file {path}. If the change is intended, regenerate with {UpdateVariable}=1 and review the diff.\n--- actual ---\n{text}");
        }
    }

    [Fact]
    public async Task Digest_BuiltTwice_IsTheSame()
    {
        var first = await BuildDigestAsync();
        var second = await BuildDigestAsync();

        Assert.Equal(Headers(first), Headers(second));
        Assert.Equal(first.TextBody, second.TextBody);
        Assert.Equal(first.HtmlBody, second.HtmlBody);
    }

    /// <summary>The fixture feeds through the whole pipeline, as the subscriber's 07:00 (Shanghai) digest arrives at the SMTP server.</summary>
    private static async Task<MimeMessage> BuildDigestAsync()
    {
        using var directory = new TempDirectory();
        await using var feeds = await LoopbackFeedServer.StartAsync();
        await using var smtp = InProcessSmtpServer.Start();
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Golden");
        var times = feeds.Set("times.xml", await File.ReadAllTextAsync(Path.Combine(fixtures, "harbor-times.xml")));
        var wire = feeds.Set("wire.atom", await File.ReadAllTextAsync(Path.Combine(fixtures, "northbridge-wire.atom")));
        var kuaixun = feeds.Set("kuaixun.xml", await File.ReadAllTextAsync(Path.Combine(fixtures, "xinwen-kuaixun.xml")));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        var settings = GoldenSettings(smtp.Port, times, wire, kuaixun);
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("editor@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        Assert.Equal(6, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
        // 07:00 in Shanghai is 23:00 UTC.
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));

        Assert.Equal(new DigestRunReport(1, 1, 0), await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default));
        return Assert.Single(smtp.Messages);
    }

    internal static Dictionary<string, string?> GoldenSettings(int smtpPort, Uri times, Uri wire, Uri kuaixun) => new()
    {
        ["FeedDigest:Storage:ConnectionString"] = "Data Source=data/feeddigest.db",
        ["FeedDigest:Mail:Transport"] = "Smtp",
        ["FeedDigest:Mail:From"] = "FeedDigest <digest@feeddigest.test>",
        ["FeedDigest:Mail:ReplyTo"] = "Desk <desk@feeddigest.test>",
        ["FeedDigest:Mail:Smtp:Host"] = "127.0.0.1",
        ["FeedDigest:Mail:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FeedDigest:Mail:Smtp:Security"] = "None",
        ["FeedDigest:Feeds:0:Id"] = "harbor-times",
        ["FeedDigest:Feeds:0:Url"] = times.AbsoluteUri,
        ["FeedDigest:Feeds:0:Title"] = "Harbor Digital Times",
        ["FeedDigest:Feeds:1:Id"] = "northbridge-wire",
        ["FeedDigest:Feeds:1:Url"] = wire.AbsoluteUri,
        ["FeedDigest:Feeds:1:Title"] = "Northbridge Wire",
        ["FeedDigest:Feeds:2:Id"] = "xinwen-kuaixun",
        ["FeedDigest:Feeds:2:Url"] = kuaixun.AbsoluteUri,
        ["FeedDigest:Feeds:2:Title"] = "新闻快讯",
        ["FeedDigest:Feeds:2:Language"] = "zh-CN",
        ["FeedDigest:Topics:0:Id"] = "censorship",
        ["FeedDigest:Topics:0:Name"] = "Online censorship",
        ["FeedDigest:Topics:0:Query"] = "censor* OR VPN OR 审查 OR 违规",
        ["FeedDigest:Topics:1:Id"] = "ports",
        ["FeedDigest:Topics:1:Name"] = "Ports",
        ["FeedDigest:Topics:1:Keywords:0"] = "port",
        ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
        ["FeedDigest:Subscribers:0:Name"] = "Editor",
        ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
        ["FeedDigest:Subscribers:0:Topics:1"] = "ports",
        ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
        ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        // The links in the footer and in List-Unsubscribe; the host is not started, so nothing listens.
        ["FeedDigest:Web:Enabled"] = "true",
        ["FeedDigest:Web:PublicBaseUrl"] = "https://digest.feeddigest.test/",
        ["FeedDigest:Web:TokenSecret"] = "golden-files-token-secret-0123456789abcdef",
    };

    /// <summary>The headers a reader's client shows or files by, and the MIME structure (boundaries are random, so not shown).</summary>
    private static string Headers(MimeMessage message)
    {
        var text = new StringBuilder();
        foreach (var name in new[] { "From", "Reply-To", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version" })
        {
            text.Append(name).Append(": ").Append(message.Headers[name]?.Trim()).Append('\n');
        }

        foreach (var part in message.BodyParts.Prepend(message.Body!))
        {
            text.Append("part: ").Append(part.ContentType.MimeType);
            if (part.ContentType.Charset is { } charset)
            {
                text.Append("; charset=").Append(charset);
            }

            if (part is MimePart leaf)
            {
                text.Append("; ").Append(leaf.ContentTransferEncoding.ToString());
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
