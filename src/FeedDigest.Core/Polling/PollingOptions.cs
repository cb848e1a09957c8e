namespace FeedDigest.Core.Polling;

public sealed class PollingOptions
{
    public const string SectionName = "FeedDigest:Polling";

    /// <summary>How often the poll job looks for feeds that are due.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a successful fetch a feed is checked again, unless the feed sets its own.</summary>
    public TimeSpan DefaultInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest a feed ever waits, however long errors have backed it off.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many feeds are fetched at the same time.</summary>
    public int MaxConcurrentFetches { get; set; } = 4;

    /// <summary>The most feeds one tick takes on; the rest wait for the next tick.</summary>
    public int MaxFeedsPerTick { get; set; } = 100;

    /// <summary>The most requests in flight to any one host, so a site with many feeds is not hammered.</summary>
    public int MaxConcurrentPerHost { get; set; } = 2;

    /// <summary>How long to wait for a TCP (and TLS) connection before giving up on a fetch.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A fetch that takes longer in all is abandoned and counted as a timeout.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bodies larger than this (after decompression) are refused.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Items beyond this many in one document are ignored (a runaway feed cannot flood the store).</summary>
    public int MaxItemsPerFeed { get; set; } = 500;

    /// <summary>After this many failures in a row the admin gets one email about the feed, and one when it recovers.</summary>
    public int AlertAfterFailures { get; set; } = 5;

    public string UserAgent { get; set; } = "FeedDigest/0.1 (+https://github.com/feeddigest/feeddigest)";

    public IEnumerable<string> Validate()
    {
        if (TickInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{SectionName}:TickInterval must be at least 00:00:01 (it is {TickInterval}).";
        }

        if (DefaultInterval < TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:DefaultInterval must be at least 00:01:00 (it is {DefaultInterval}); polling faster gets feeds banned.";
        }

        if (MaxInterval < DefaultInterval)
        {
            yield return $"{SectionName}:MaxInterval ({MaxInterval}) must not be shorter than DefaultInterval ({DefaultInterval}).";
        }

        if (MaxConcurrentFetches is < 1 or > 64)
        {
            yield return $"{SectionName}:MaxConcurrentFetches must be between 1 and 64 (it is {MaxConcurrentFetches}).";
        }

        if (MaxConcurrentPerHost is < 1 or > 16)
        {
            yield return $"{SectionName}:MaxConcurrentPerHost must be between 1 and 16 (it is {MaxConcurrentPerHost}).";
        }

        if (ConnectTimeout < TimeSpan.FromSeconds(1) || ConnectTimeout > TimeSpan.FromMinutes(2))
        {
            yield return $"{SectionName}:ConnectTimeout must be between 00:00:01 and 00:02:00 (it is {ConnectTimeout}).";
        }

        if (MaxItemsPerFeed < 1)
        {
            yield return $"{SectionName}:MaxItemsPerFeed must be at least 1 (it is {MaxItemsPerFeed}).";
        }

        if (AlertAfterFailures < 1)
        {
            yield return $"{SectionName}:AlertAfterFailures must be at least 1 (it is {AlertAfterFailures}).";
        }

        if (MaxFeedsPerTick < 1)
        {
            yield return $"{SectionName}:MaxFeedsPerTick must be at least 1 (it is {MaxFeedsPerTick}).";
        }

        if (FetchTimeout < TimeSpan.FromSeconds(1) || FetchTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{SectionName}:FetchTimeout must be between 00:00:01 and 00:05:00 (it is {FetchTimeout}).";
        }

        if (MaxBodyBytes < 1024)
        {
            yield return $"{SectionName}:MaxBodyBytes must be at least 1024 (it is {MaxBodyBytes}).";
        }

        if (string.IsNullOrWhiteSpace(UserAgent))
        {
            yield return $"{SectionName}:UserAgent must not be empty; servers block anonymous clients.";
        }
    }
}
