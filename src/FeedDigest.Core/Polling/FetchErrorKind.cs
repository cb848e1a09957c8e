namespace FeedDigest.Core.Polling;

public enum FetchErrorKind
{
    Timeout,
    Network,
    TooLarge,
    NotFound,
    Gone,
    RateLimited,
    ServerError,
    ClientError,
    FileMissing,
}
