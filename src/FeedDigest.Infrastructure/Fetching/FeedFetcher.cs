using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Options;

namespace FeedDigest.Infrastructure.Fetching;

/// <summary>
/// Fetches feeds over HTTP as a polite client (conditional GET, compression, a descriptive
/// User-Agent, redirects followed by hand so a permanent move is noticed) with a time limit and a
/// size limit counted after decompression; and from local files, with the file's modification time
/// as validator.
/// </summary>
internal sealed class FeedFetcher(IHttpClientFactory httpClientFactory, IOptionsMonitor<PollingOptions> optionsMonitor) : IFeedFetcher, IDisposable
{
    public const string HttpClientName = "feeds";
    private const int MaxRedirects = 5;
    private const string AcceptedTypes = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";

    private readonly ConcurrentDictionary<Uri, HttpClient> proxiedClients = new();

    public Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken) =>
        request.Source.IsFile
            ? FetchFileAsync(request, optionsMonitor.CurrentValue, cancellationToken)
            : FetchHttpAsync(request, optionsMonitor.CurrentValue, cancellationToken);

    public void Dispose()
    {
        foreach (var client in proxiedClients.Values)
        {
            client.Dispose();
        }
    }

    /// <summary>The handler settings every feed client shares; redirects are followed by <see cref="FetchHttpAsync"/>.</summary>
    public static SocketsHttpHandler CreateHandler(PollingOptions options, Uri? proxy) => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        AllowAutoRedirect = false,
        ConnectTimeout = options.ConnectTimeout,
        // A backstop for the poller's own per-host limit.
        MaxConnectionsPerServer = Math.Max(1, options.MaxConcurrentPerHost),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseProxy = proxy is not null,
        Proxy = proxy is null ? null : new WebProxy(proxy),
        UseCookies = false,
    };

    private static async Task<FetchResult> FetchFileAsync(FetchRequest request, PollingOptions options, CancellationToken cancellationToken)
    {
        var info = new FileInfo(request.Source.LocalPath);
        if (!info.Exists)
        {
            return new FetchResult.Failed(FetchErrorKind.FileMissing, $"no file at {info.FullName}", null);
        }

        if (info.Length > options.MaxBodyBytes)
        {
            return new FetchResult.Failed(FetchErrorKind.TooLarge, $"{info.Length} bytes is over the limit of {options.MaxBodyBytes} (FeedDigest:Polling:MaxBodyBytes)", null);
        }

        var validator = info.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture) + "/" + info.Length.ToString(CultureInfo.InvariantCulture);
        if (validator == request.LastModified)
        {
            return new FetchResult.NotModified(null, validator);
        }

        var body = await File.ReadAllBytesAsync(info.FullName, cancellationToken).ConfigureAwait(false);
        return new FetchResult.Content(body, null, null, request.Source, null, validator);
    }

    private async Task<FetchResult> FetchHttpAsync(FetchRequest request, PollingOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.FetchTimeout);
        var client = request.Settings.Proxy is { } proxy
            ? proxiedClients.GetOrAdd(proxy, p => new HttpClient(CreateHandler(options, p)) { Timeout = Timeout.InfiniteTimeSpan })
            : httpClientFactory.CreateClient(HttpClientName);
        var uri = request.Source;
        var permanent = true;
        var withheld = false;
        try
        {
            for (var hop = 0; ; hop++)
            {
                var credentials = MayCarryCredentials(uri, request.CredentialsOrigin ?? request.Source);
                withheld |= !credentials && request.Settings.HasCredentials;
                using var message = CreateRequest(uri, request, options, credentials);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && status != 304 && response.Headers.Location is { } location)
                {
                    if (hop == MaxRedirects)
                    {
                        return new FetchResult.Failed(FetchErrorKind.ClientError, $"more than {MaxRedirects} redirects, last to {location}", null) { StatusCode = status };
                    }

                    permanent &= status is 301 or 308;
                    uri = new Uri(uri, location);
                    continue;
                }

                var movedTo = permanent && uri != request.Source ? uri : null;
                var result = await ReadResponseAsync(response, uri, options, timeout.Token).ConfigureAwait(false);
                if (withheld && result is FetchResult.Failed && status is 401 or 403)
                {
                    result = new FetchResult.Failed(FetchErrorKind.ClientError, $"HTTP {status} {response.ReasonPhrase} from {uri}: the feed's credentials and headers go only to {(request.CredentialsOrigin ?? request.Source).GetLeftPart(UriPartial.Authority)}, and it led elsewhere; if the new address is right, make it the feed's Url", null);
                }

                return result with
                {
                    MovedPermanentlyTo = movedTo,
                    StatusCode = status,
                    FreshFor = FreshFor(response),
                };
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FetchResult.Failed(FetchErrorKind.Timeout, $"no complete answer within {options.FetchTimeout} (FeedDigest:Polling:FetchTimeout)", null);
        }
        catch (HttpRequestException exception)
        {
            return new FetchResult.Failed(FetchErrorKind.Network, exception.Message, null);
        }
    }

    /// <summary>
    /// Whether a request to <paramref name="uri"/> may carry the credentials and headers configured
    /// for <paramref name="origin"/>: the same host and port, or the same host moved from http to
    /// https on the default ports. Never to another host (a redirect or a discovered link from a
    /// compromised or hostile page), and never from https down to http.
    /// </summary>
    internal static bool MayCarryCredentials(Uri uri, Uri origin)
    {
        if (!string.Equals(uri.IdnHost, origin.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (uri.Scheme == origin.Scheme)
        {
            return uri.Port == origin.Port;
        }

        return origin.Scheme == Uri.UriSchemeHttp && uri.Scheme == Uri.UriSchemeHttps && origin.IsDefaultPort && uri.IsDefaultPort;
    }

    private static HttpRequestMessage CreateRequest(Uri uri, FetchRequest request, PollingOptions options, bool withCredentials)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, uri);
        message.Headers.TryAddWithoutValidation("User-Agent", request.Settings.UserAgent ?? options.UserAgent);
        message.Headers.TryAddWithoutValidation("Accept", AcceptedTypes);
        // Both validators are sent; a server that has an ETag is expected to prefer it (RFC 9110 §13.2.2).
        if (request.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var entityTag))
        {
            message.Headers.IfNoneMatch.Add(entityTag);
        }

        // Stored as RFC 1123 ("R", always GMT), which has its own fast parse when no style is given;
        // the general parser's culture-aware name matching cost 57 us a request, a tenth of a poll
        // where nothing changed.
        if (request.LastModified is { } lastModified && DateTimeOffset.TryParseExact(lastModified, "R", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
        {
            message.Headers.IfModifiedSince = since;
        }

        if (!withCredentials)
        {
            return message;
        }

        if (request.Settings.UserName is { } user)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{request.Settings.Password}"));
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        foreach (var (name, value) in request.Settings.Headers)
        {
            message.Headers.Remove(name);
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private static async Task<FetchResult> ReadResponseAsync(HttpResponseMessage response, Uri finalUri, PollingOptions options, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new FetchResult.NotModified(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
        }

        if (!response.IsSuccessStatusCode)
        {
            return Failure(response);
        }

        if (response.Content.Headers.ContentLength > options.MaxBodyBytes)
        {
            return TooLarge(options);
        }

        var body = await ReadCappedAsync(response.Content, options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return TooLarge(options);
        }

        return new FetchResult.Content(
            body,
            response.Content.Headers.ContentType?.CharSet,
            response.Content.Headers.ContentType?.MediaType,
            finalUri,
            response.Headers.ETag?.ToString(),
            response.Content.Headers.LastModified?.ToString("R"));
    }

    private static TimeSpan? FreshFor(HttpResponseMessage response)
    {
        var maxAge = response.Headers.CacheControl?.MaxAge;
        TimeSpan? expiresIn = response.Content.Headers.Expires is { } expires && response.Headers.Date is { } date ? expires - date : null;
        return (maxAge, expiresIn) switch
        {
            ({ } a, { } b) => a > b ? a : b,
            ({ } a, null) => a,
            (null, { } b) when b > TimeSpan.Zero => b,
            _ => null,
        };
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes; null when there are more. The stream is already
    /// decompressed, so a small gzip bomb stops at the limit, not at its inflated size.
    /// </summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        // Content-Length, when the body is not compressed, sizes the buffer at once: growing it by
        // doubling copies each feed three or four times, on the large-object heap.
        var declared = content.Headers.ContentEncoding.Count == 0 ? content.Headers.ContentLength : null;
        if (declared is { } length && length <= limit)
        {
            var exact = new byte[length];
            var filled = await stream.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var extra = new byte[1];
            if (await stream.ReadAsync(extra, cancellationToken).ConfigureAwait(false) == 0)
            {
                return filled == exact.Length ? exact : exact[..filled];
            }

            // The server sent more than it declared: read the rest the slow way, still capped.
            using var overflow = new MemoryStream();
            overflow.Write(exact, 0, filled);
            overflow.Write(extra);
            return await CopyCappedAsync(stream, overflow, limit, cancellationToken).ConfigureAwait(false);
        }

        using var buffer = new MemoryStream();
        return await CopyCappedAsync(stream, buffer, limit, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]?> CopyCappedAsync(Stream stream, MemoryStream buffer, long limit, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static FetchResult.Failed TooLarge(PollingOptions options) =>
        new(FetchErrorKind.TooLarge, $"the body is over the limit of {options.MaxBodyBytes} bytes (FeedDigest:Polling:MaxBodyBytes)", null);

    private static FetchResult.Failed Failure(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } when response.Headers.Date is { } now => date - now,
            _ => (TimeSpan?)null,
        };
        var kind = response.StatusCode switch
        {
            HttpStatusCode.NotFound => FetchErrorKind.NotFound,
            HttpStatusCode.Gone => FetchErrorKind.Gone,
            HttpStatusCode.TooManyRequests => FetchErrorKind.RateLimited,
            _ when status >= 500 => FetchErrorKind.ServerError,
            _ => FetchErrorKind.ClientError,
        };
        return new FetchResult.Failed(kind, $"HTTP {status} {response.ReasonPhrase}", retryAfter);
    }
}
