using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving feed documents from memory, with ETags and 304s like a
/// well-behaved web server, and counters to see how a client behaved.
/// </summary>
public sealed class LoopbackFeedServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Body, string ContentType)> documents = new();
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> routes = new();
    private int inFlight;
    private int maxInFlight;
    private readonly WebApplication app;
    private int requests;
    private int notModified;

    private LoopbackFeedServer(WebApplication app) => this.app = app;

    public Uri BaseUri { get; private set; } = null!;

    public int Requests => Volatile.Read(ref requests);

    public int NotModifiedResponses => Volatile.Read(ref notModified);

    /// <summary>The most requests this server was answering at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    /// <summary>Every request, as "Host path", in arrival order.</summary>
    public ConcurrentQueue<string> RequestLog { get; } = new();

    /// <summary>A copy of each request's headers (Kestrel reuses its own collections).</summary>
    public ConcurrentQueue<Dictionary<string, string>> RequestHeaders { get; } = new();

    public ConcurrentQueue<string> UserAgents { get; } = new();

    /// <summary>Set to make every response wait this long (to test time limits).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<LoopbackFeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackFeedServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public Uri Set(string path, string body, string contentType = "application/rss+xml; charset=utf-8") =>
        Set(path, Encoding.UTF8.GetBytes(body), contentType);

    public Uri Set(string path, byte[] body, string contentType)
    {
        documents[path] = (body, contentType);
        return new Uri(BaseUri, path);
    }

    /// <summary>Answers requests for <paramref name="path"/> with a handler of the test's own (a status, a redirect, a slow or huge body).</summary>
    public Uri Route(string path, Func<HttpContext, Task> handler)
    {
        routes[path] = handler;
        return new Uri(BaseUri, path);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        var current = Interlocked.Increment(ref inFlight);
        int seen;
        while (current > (seen = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, current, seen) != seen)
        {
        }

        try
        {
            await AnswerAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        UserAgents.Enqueue(context.Request.Headers.UserAgent.ToString());
        RequestLog.Enqueue($"{context.Request.Host} {context.Request.Path}");
        RequestHeaders.Enqueue(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        var path = context.Request.Path.Value!.TrimStart('/');
        if (routes.TryGetValue(path, out var handler))
        {
            await handler(context);
            return;
        }

        if (!documents.TryGetValue(path, out var document))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(document.Body))[..16] + "\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref notModified);
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            context.Response.Headers.ETag = etag;
            return;
        }

        context.Response.Headers.ETag = etag;
        context.Response.ContentType = document.ContentType;
        await context.Response.Body.WriteAsync(document.Body, context.RequestAborted);
    }
}
