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

    /// <summary>Set when every redirect on the way was permanent (301, 308): the feed has a new address.</summary>
    public Uri? MovedPermanentlyTo { get; init; }

    /// <summary>The HTTP status of the final answer; null for local files.</summary>
    public int? StatusCode { get; init; }

    /// <summary>
    /// How long the server says the answer stays fresh: the larger of Cache-Control max-age and
    /// Expires (taken relative to the server's own Date, so clock skew does not matter).
    /// </summary>
    public TimeSpan? FreshFor { get; init; }

    /// <summary>304: nothing changed. Servers may send fresh validators with it (RFC 9110 §15.4.5).</summary>
    public sealed record NotModified(string? ETag, string? LastModified) : FetchResult;

    public sealed record Content(
        byte[] Body,
        string? Charset,
        string? MediaType,
        Uri FinalUri,
        string? ETag,
        string? LastModified) : FetchResult;

    public sealed record Failed(FetchErrorKind Kind, string Message, TimeSpan? RetryAfter) : FetchResult;
}
