namespace FeedDigest.Core.Parsing;

/// <summary>
/// Reads how long a feed says it may be cached (<see cref="ParsedFeed.TimeToLive"/>) from the two ways feeds
/// state it:
/// <list type="bullet">
/// <item>RSS &lt;ttl&gt; (RSS 0.92–2.0 channel element): a whole number of minutes;</item>
/// <item>the RSS 1.0 syndication module (http://purl.org/rss/1.0/modules/syndication/): sy:updatePeriod
/// (hourly, daily, weekly, monthly, yearly; daily when absent) divided by sy:updateFrequency (a positive
/// whole number; 1 when absent). WordPress writes both into every feed.</item>
/// </list>
/// A value that is not a whole number, or is zero or negative, states nothing (null). A readable value is
/// kept within [<see cref="Minimum"/>, <see cref="Maximum"/>]: a feed that asks to be cached for a year (or
/// writes 2147483647) is read as asking for the longest wait we honour, not ignored, and a period divided
/// below a minute is read as a minute.
/// </summary>
internal static class TimeToLiveReader
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Maximum = TimeSpan.FromDays(7);

    /// <summary>An RSS &lt;ttl&gt; value in minutes, or null when it is not a positive whole number.</summary>
    public static TimeSpan? FromTtl(string? text) =>
        ParsePositive(text) is { } minutes ? Clamp(minutes, TimeSpan.FromMinutes(1)) : null;

    /// <summary>The syndication module's period, or null when neither element is present or either is unreadable.</summary>
    public static TimeSpan? FromUpdatePeriod(string? period, string? frequency)
    {
        if (period is null && frequency is null)
        {
            return null;
        }

        var unit = period is null ? TimeSpan.FromDays(1) : FeedText.CollapseWhiteSpace(period).ToLowerInvariant() switch
        {
            "hourly" => TimeSpan.FromHours(1),
            "daily" => TimeSpan.FromDays(1),
            "weekly" => TimeSpan.FromDays(7),
            "monthly" => TimeSpan.FromDays(30),
            "yearly" => TimeSpan.FromDays(365),
            _ => (TimeSpan?)null,
        };
        var times = frequency is null ? 1 : ParsePositive(frequency);
        if (unit is not { } perPeriod || times is not { } count)
        {
            return null;
        }

        var interval = perPeriod / count;
        return interval < Minimum ? Minimum : interval > Maximum ? Maximum : interval;
    }

    /// <summary>A whole number above zero written in ASCII digits (surrounding white space allowed); beyond 10^12 the value stops growing (it is clamped anyway).</summary>
    private static long? ParsePositive(string? text)
    {
        var span = text.AsSpan().Trim(" \t\r\n");
        if (span.Length == 0)
        {
            return null;
        }

        long value = 0;
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }

            if (value < 1_000_000_000_000)
            {
                value = (value * 10) + (c - '0');
            }
        }

        return value > 0 ? value : null;
    }

    private static TimeSpan Clamp(long count, TimeSpan unit) =>
        count >= Maximum.Ticks / unit.Ticks ? Maximum : TimeSpan.FromTicks(Math.Max(count * unit.Ticks, Minimum.Ticks));
}
