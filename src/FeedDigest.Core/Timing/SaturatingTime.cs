namespace FeedDigest.Core.Timing;

/// <summary>
/// Time arithmetic that stops at the ends of what a <see cref="DateTimeOffset"/> holds instead of
/// throwing: a feed's dates can be anything (an empty date read as the year 1), and a window around
/// one must not stop the work for every story after it.
/// </summary>
public static class SaturatingTime
{
    /// <summary>
    /// <paramref name="time"/> plus <paramref name="span"/> (which may be negative), in UTC, or the
    /// first or last representable time (in UTC, so the local clock of an offset cannot overflow either).
    /// </summary>
    public static DateTimeOffset Add(DateTimeOffset time, TimeSpan span)
    {
        var utc = time.ToUniversalTime();
        if (span >= TimeSpan.Zero)
        {
            return span > DateTimeOffset.MaxValue - utc ? DateTimeOffset.MaxValue : utc + span;
        }

        return span < DateTimeOffset.MinValue - utc ? DateTimeOffset.MinValue : utc + span;
    }
}
