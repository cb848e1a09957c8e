namespace FeedDigest.Core.Polling;

/// <summary>When to check a feed next: honour the server's hints on success, back off on errors.</summary>
public static class NextCheckCalculator
{
    /// <summary>
    /// Room for a check set by another process on the same store (a CLI poll beside the service)
    /// from a reading of the clock taken after this poll's, while this one synced and pruned.
    /// </summary>
    private static readonly TimeSpan OtherPollLeeway = TimeSpan.FromHours(1);

    /// <summary>The longest of the interval, the server's freshness (max-age, Expires) and the feed's own TTL, capped.</summary>
    public static DateTimeOffset AfterSuccess(DateTimeOffset now, TimeSpan interval, TimeSpan? serverMaxAge, TimeSpan? feedTimeToLive, PollingOptions options)
    {
        var wait = interval;
        if (serverMaxAge is { } maxAge && maxAge > wait)
        {
            wait = maxAge;
        }

        if (feedTimeToLive is { } ttl && ttl > wait)
        {
            wait = ttl;
        }

        return now + Min(wait, options.MaxInterval);
    }

    /// <summary>
    /// Exponential back-off from the feed's interval, capped, never giving up: a feed that was down
    /// for a week comes back by itself. A server's Retry-After wins when it asks for longer.
    /// </summary>
    public static DateTimeOffset AfterFailure(DateTimeOffset now, TimeSpan interval, int consecutiveErrors, TimeSpan? retryAfter, PollingOptions options)
    {
        var exponent = Math.Clamp(consecutiveErrors - 1, 0, 16);
        var backoff = TimeSpan.FromTicks((long)Math.Min(interval.Ticks * Math.Pow(2, exponent), TimeSpan.MaxValue.Ticks / 2));
        if (retryAfter is { } hint && hint > backoff)
        {
            backoff = hint;
        }

        return now + Min(backoff, options.MaxInterval);
    }

    /// <summary>
    /// Spreads checks by up to a tenth of the wait, so feeds added together do not stay bunched into
    /// the same tick forever. Derived from the feed's id and the time, so it is repeatable in tests.
    /// </summary>
    public static DateTimeOffset WithJitter(DateTimeOffset next, DateTimeOffset now, string feedId)
    {
        var wait = next - now;
        if (wait <= TimeSpan.Zero)
        {
            return next;
        }

        var fraction = (Hash(feedId, now) % 1000) / 10000.0;
        return next + wait * fraction;
    }

    /// <summary>
    /// The latest next check a poll up to <paramref name="now"/> can have set: the longest wait and
    /// its jitter (under a tenth of it), with leeway. A later one was set while the clock was ahead,
    /// and the clock has gone back since.
    /// </summary>
    public static DateTimeOffset LatestScheduledCheck(DateTimeOffset now, PollingOptions options) =>
        now + LongestWait(options) + OtherPollLeeway;

    /// <summary>The longest a check is ever set after the poll that sets it: MaxInterval and its jitter (under a tenth of it).</summary>
    public static TimeSpan LongestWait(PollingOptions options) => options.MaxInterval + options.MaxInterval / 10;

    /// <summary>
    /// A next check for a feed given a longer wait than MaxInterval allows now (it was shortened):
    /// the one its last check would have set under the current MaxInterval, jitter and all; or, when
    /// that has passed, a time spread over the next MaxInterval by the feed's id, so that many feeds
    /// rescheduled at once are not all polled at once.
    /// </summary>
    public static DateTimeOffset WithinMaxInterval(string feedId, DateTimeOffset? lastCheckedAt, DateTimeOffset now, PollingOptions options)
    {
        if (lastCheckedAt is { } checkedAt && WithJitter(checkedAt + options.MaxInterval, checkedAt, feedId) is var capped && capped > now)
        {
            return capped;
        }

        return SpreadOver(now, options.MaxInterval, feedId);
    }

    /// <summary>A time in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="window"/>) chosen by the feed's id, as the jitter is.</summary>
    public static DateTimeOffset SpreadOver(DateTimeOffset start, TimeSpan window, string feedId) =>
        start + window * ((Hash(feedId, start) % 10000) / 10000.0);

    /// <summary>FNV-1a over the feed's id and the second: repeatable, and different for each feed.</summary>
    private static uint Hash(string feedId, DateTimeOffset at)
    {
        var hash = 2166136261u;
        foreach (var c in feedId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (hash ^ (uint)(at.Ticks / TimeSpan.TicksPerSecond)) * 16777619u;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
