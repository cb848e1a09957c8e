using System.Globalization;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests.Web;

/// <summary>
/// The real host with its web pages on a free 127.0.0.1 port, a loopback feed server, the
/// in-process SMTP server and a fake clock (Quartz ticks on it, so digests come when a test moves it).
/// </summary>
public sealed class WebSite : IAsyncDisposable
{
    public const string TokenSecret = "test-token-secret-0123456789abcdef-XYZ";
    public const string AdminToken = "test-admin-token-0123456789abcdef-XYZ";

    // 2026-11-24 00:00 UTC is 08:00 in Shanghai: the configured subscriber's next 07:00 is 23:00 UTC that day.
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory directory;

    private WebSite(TempDirectory directory, LoopbackFeedServer feeds, InProcessSmtpServer smtp, FakeTimeProvider clock, IHost host, Uri baseUri)
    {
        this.directory = directory;
        Feeds = feeds;
        Smtp = smtp;
        Clock = clock;
        Host = host;
        BaseUri = baseUri;
    }

    public LoopbackFeedServer Feeds { get; }

    public InProcessSmtpServer Smtp { get; }

    public FakeTimeProvider Clock { get; }

    public IHost Host { get; }

    public Uri BaseUri { get; }

    public static Task<WebSite> StartAsync(params (string Guid, string Title, string Description)[] stories) =>
        StartAsync(new Dictionary<string, string?>(), stories);

    /// <param name="extra">Settings over the test's own (a shorter <c>FeedDigest:Web:ConfirmationLinkLifetime</c>).</param>
    public static async Task<WebSite> StartAsync(IReadOnlyDictionary<string, string?> extra, params (string Guid, string Title, string Description)[] stories)
    {
        var directory = new TempDirectory();
        var feeds = await LoopbackFeedServer.StartAsync();
        var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(stories));
        var clock = new FakeTimeProvider(Start);
        var port = InProcessSmtpServer.FreePort();
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var settings = TestHost.Settings(feedUri, smtp.Port);
        settings["FeedDigest:Web:Enabled"] = "true";
        settings["FeedDigest:Web:Urls"] = baseUri.AbsoluteUri.TrimEnd('/');
        settings["FeedDigest:Web:PublicBaseUrl"] = baseUri.AbsoluteUri;
        settings["FeedDigest:Web:TokenSecret"] = TokenSecret;
        settings["FeedDigest:Web:AdminToken"] = AdminToken;
        settings["FeedDigest:Web:UnsubscribeMailto"] = "unsubscribe@feeddigest.test";
        settings["FeedDigest:Web:SubscribeRequestsPerMinute"] = "4";
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var host = TestHost.Build(directory.Path, settings, clock, withScheduler: true);
        await host.StartAsync();
        return new WebSite(directory, feeds, smtp, clock, host, baseUri);
    }

    /// <summary>Whether a digest run has seen the subscriber (their slots count from then).</summary>
    public bool SubscriberStateExists(string key)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "data", "feeddigest.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM subscriber_state WHERE subscriber_key = $key";
        command.Parameters.AddWithValue("$key", key);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>How many subscription requests for the address wait for their confirmation.</summary>
    public long PendingRequests(string key)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "data", "feeddigest.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM subscription_requests WHERE subscriber_key = $key";
        command.Parameters.AddWithValue("$key", key);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public Uri Page(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>A client like a mail provider's: no cookies, no redirects followed.</summary>
    public HttpClient NewClient() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseUri };

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        await Smtp.DisposeAsync();
        await Feeds.DisposeAsync();
        directory.Dispose();
    }
}
