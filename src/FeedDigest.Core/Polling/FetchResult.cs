namespace FeedDigest.Core.Polling;

/// <summary>
/// The outcome of one conditional fetch. Expected failures are values, so the poller can record
/// them and back off; the port <see cref="Ports.IFeedFetcher"/> returns it, hence it lives in Core.
/// </summary>
public abstract record FetchResult
{
    private FetchResult()
    {
    }

    /// <summary>304: nothing changed. Servers may send fresh validators with it (RFC 9110 §15.4.5).</summary>
    public sealed record NotModified(string? ETag, string? LastModified, TimeSpan? MaxAge) : FetchResult;

    public sealed record Content(
        byte[] Body,
        string? Charset,
        Uri FinalUri,
        string? ETag,
        string? LastModified,
        TimeSpan? MaxAge) : FetchResult;

    public sealed record Failed(FetchErrorKind Kind, string Message, TimeSpan? RetryAfter) : FetchResult;
}
