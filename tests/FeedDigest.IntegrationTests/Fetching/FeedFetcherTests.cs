using System.Collections.Concurrent;
using System.Text;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure;
using FeedDigest.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.IntegrationTests.Fetching;

/// <summary>The fetcher against a real HTTP server on 127.0.0.1.</summary>
public sealed class FeedFetcherTests : IAsyncLifetime
{
    private LoopbackFeedServer server = null!;
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        server = await LoopbackFeedServer.StartAsync();
        var collection = new ServiceCollection();
        collection.AddOptions<PollingOptions>().Configure(o =>
        {
            o.FetchTimeout = TimeSpan.FromSeconds(5);
            o.MaxBodyBytes = 4096;
            o.UserAgent = "FeedDigest-test/1.0";
        });
        collection.AddFeedFetching();
        services = collection.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    private IFeedFetcher Fetcher => services.GetRequiredService<IFeedFetcher>();

    [Fact]
    public async Task FetchAsync_SecondFetchWithETag_IsNotModified()
    {
        var uri = server.Set("feed.xml", FeedDocuments.Rss(("x", "Title", "Text")));

        var first = Assert.IsType<FetchResult.Content>(await Fetcher.FetchAsync(new FetchRequest(uri, null, null), default));
        Assert.NotNull(first.ETag);
        Assert.Equal("utf-8", first.Charset);
        var second = await Fetcher.FetchAsync(new FetchRequest(uri, first.ETag, first.LastModified), default);

        Assert.IsType<FetchResult.NotModified>(second);
        Assert.Equal(1, server.NotModifiedResponses);
        Assert.All(server.UserAgents, ua => Assert.Equal("FeedDigest-test/1.0", ua));
    }

    [Fact]
    public async Task FetchAsync_ServerWithOnlyLastModified_GetsItBackAndAnswersNotModified()
    {
        const string lastModified = "Wed, 25 Nov 2026 08:30:00 GMT";
        var ifModifiedSince = new ConcurrentQueue<string>();
        var uri = server.Route("dated.xml", async context =>
        {
            var since = context.Request.Headers.IfModifiedSince.ToString();
            ifModifiedSince.Enqueue(since);
            context.Response.Headers.LastModified = lastModified;
            if (since == lastModified)
            {
                context.Response.StatusCode = 304;
                return;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("d", "Dated", "Text")));
        });

        var first = Assert.IsType<FetchResult.Content>(await Fetcher.FetchAsync(new FetchRequest(uri, null, null), default));
        var second = await Fetcher.FetchAsync(new FetchRequest(uri, first.ETag, first.LastModified), default);

        Assert.Equal(lastModified, first.LastModified);
        Assert.IsType<FetchResult.NotModified>(second);
        Assert.Equal(["", lastModified], ifModifiedSince.ToArray());
    }

    [Fact]
    public async Task FetchAsync_BodyOverLimit_FailsAsTooLarge()
    {
        var uri = server.Set("big.xml", new string('x', 10_000), "application/xml");

        var result = Assert.IsType<FetchResult.Failed>(await Fetcher.FetchAsync(new FetchRequest(uri, null, null), default));

        Assert.Equal(FetchErrorKind.TooLarge, result.Kind);
        Assert.Contains("MaxBodyBytes", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_SlowServer_FailsAsTimeout()
    {
        var uri = server.Set("slow.xml", "<rss/>");
        server.Delay = TimeSpan.FromSeconds(60);

        var result = Assert.IsType<FetchResult.Failed>(await Fetcher.FetchAsync(new FetchRequest(uri, null, null), default));

        Assert.Equal(FetchErrorKind.Timeout, result.Kind);
    }

    [Fact]
    public async Task FetchAsync_MissingDocument_FailsAsNotFound()
    {
        var result = Assert.IsType<FetchResult.Failed>(await Fetcher.FetchAsync(new FetchRequest(new Uri(server.BaseUri, "missing.xml"), null, null), default));

        Assert.Equal(FetchErrorKind.NotFound, result.Kind);
    }

    [Fact]
    public async Task FetchAsync_NothingListening_FailsAsNetworkError()
    {
        var uri = new Uri($"http://127.0.0.1:{InProcessSmtpServer.FreePort()}/feed.xml");

        var result = Assert.IsType<FetchResult.Failed>(await Fetcher.FetchAsync(new FetchRequest(uri, null, null), default));

        Assert.Equal(FetchErrorKind.Network, result.Kind);
    }

    [Fact]
    public async Task FetchAsync_LocalFile_ReadsItAndThenReportsNotModified()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "feed.xml");
        await File.WriteAllTextAsync(path, FeedDocuments.Rss(("f", "From disk", "Text")), Encoding.UTF8);
        var uri = new Uri(path);

        var first = Assert.IsType<FetchResult.Content>(await Fetcher.FetchAsync(new FetchRequest(uri, null, null), default));
        var second = await Fetcher.FetchAsync(new FetchRequest(uri, null, first.LastModified), default);

        Assert.Contains("From disk", Encoding.UTF8.GetString(first.Body), StringComparison.Ordinal);
        Assert.IsType<FetchResult.NotModified>(second);
    }

    [Fact]
    public async Task FetchAsync_MissingLocalFile_FailsAsFileMissing()
    {
        var result = Assert.IsType<FetchResult.Failed>(await Fetcher.FetchAsync(new FetchRequest(new Uri("file:///nonexistent/feed.xml"), null, null), default));

        Assert.Equal(FetchErrorKind.FileMissing, result.Kind);
    }
}
