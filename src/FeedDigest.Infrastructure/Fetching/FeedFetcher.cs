using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Options;

namespace FeedDigest.Infrastructure.Fetching;

/// <summary>
/// Fetches feeds over HTTP with conditional GET, a time limit and a size limit, and from local files
/// (the samples, and feeds an admin drops on disk) with the file's modification time as validator.
/// </summary>
internal sealed class FeedFetcher(IHttpClientFactory httpClientFactory, IOptionsMonitor<PollingOptions> optionsMonitor) : IFeedFetcher
{
    public const string HttpClientName = "feeds";

    public Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken) =>
        request.Source.IsFile
            ? FetchFileAsync(request, optionsMonitor.CurrentValue, cancellationToken)
            : FetchHttpAsync(request, optionsMonitor.CurrentValue, cancellationToken);

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
            return new FetchResult.NotModified(null, validator, null);
        }

        var body = await File.ReadAllBytesAsync(info.FullName, cancellationToken).ConfigureAwait(false);
        return new FetchResult.Content(body, null, request.Source, null, validator, null);
    }

    private async Task<FetchResult> FetchHttpAsync(FetchRequest request, PollingOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.FetchTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Source);
        message.Headers.UserAgent.ParseAdd(options.UserAgent);
        message.Headers.Accept.ParseAdd("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5");
        // Both validators are sent; a server that has an ETag is expected to prefer it (RFC 9110 §13.2.2).
        if (request.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var entityTag))
        {
            message.Headers.IfNoneMatch.Add(entityTag);
        }

        if (request.LastModified is { } lastModified && DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            message.Headers.IfModifiedSince = since;
        }

        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var maxAge = response.Headers.CacheControl?.MaxAge;
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResult.NotModified(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), maxAge);
            }

            if (!response.IsSuccessStatusCode)
            {
                return Failure(response);
            }

            if (response.Content.Headers.ContentLength > options.MaxBodyBytes)
            {
                return TooLarge(options);
            }

            var body = await ReadCappedAsync(response.Content, options.MaxBodyBytes, timeout.Token).ConfigureAwait(false);
            if (body is null)
            {
                return TooLarge(options);
            }

            return new FetchResult.Content(
                body,
                response.Content.Headers.ContentType?.CharSet,
                response.RequestMessage?.RequestUri ?? request.Source,
                response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified?.ToString("R"),
                maxAge);
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

    /// <summary>Reads at most <paramref name="limit"/> bytes after decompression; null when there are more.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
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
