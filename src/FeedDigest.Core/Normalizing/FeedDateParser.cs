using System.Text;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// Lenient parsing of the date strings that real feeds carry: RFC 822 and its descendants
/// (RFC 1123, RFC 2822, RFC 5322) with their real-world deviations, ISO 8601 / W3CDTF and its
/// MSSQL-style variant, asctime, and the localised formats that Python feedparser accepts
/// (Greek, Hungarian, Korean OnBlog and Nate, Perforce).
/// </summary>
/// <remarks>
/// A string that is not a date gives null: never an exception and never a guess (no clock is read,
/// so a date that lacks its year is not completed). A string without a zone is taken in the zone
/// the caller gives (a feed's <c>TimeZone</c>: Xinhua's "2026-11-28 10:00:00" is Beijing time), else
/// as UTC, except the Korean formats, which are Korean local time by their source's convention.
/// </remarks>
public static class FeedDateParser
{
    // Real dates are short; a long string is prose or markup, and scanning it gains nothing.
    private const int MaxLength = 256;

    // DateTimeOffset accepts offsets up to 14 hours; real zones stay within that (UTC+14, Kiribati).
    private const int MaxOffsetMinutes = 14 * 60;

    // The zone of the feed being parsed (FeedParser.Parse), for its dates that name none. Set for the
    // length of one parse on its thread, as CultureInfo.CurrentCulture is for .NET's own date parsing:
    // the three readers reach this parser from a dozen places, down to a hook the syndication
    // formatter calls, and a parse never leaves its thread (it reads a span).
    [ThreadStatic]
    private static TimeZoneInfo? feedZone;

    /// <summary>Parses <paramref name="value"/> into an instant, or gives null when it is not a date.</summary>
    /// <param name="zoneWhenNone">
    /// The zone of a date that names none; null: the zone of the feed being parsed on this thread
    /// (<see cref="InFeedZone"/>), else UTC.
    /// </param>
    public static DateTimeOffset? Parse(string? value, TimeZoneInfo? zoneWhenNone = null)
    {
        zoneWhenNone ??= feedZone;
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxLength)
        {
            return null;
        }

        string text;
        try
        {
            // NFC so that a decomposed accent or Hangul syllable compares equal to the tables.
            text = value.Normalize(NormalizationForm.FormC).Trim();
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (a lone surrogate) cannot be a date.
            return null;
        }

        // ISO 8601 first: its grammar is strict, so it never claims a string that the textual parser
        // would read differently, and the textual parser sees only what ISO 8601 rejected.
        return Iso8601DateParser.Parse(text, zoneWhenNone) ?? TextualDateParser.Parse(text, zoneWhenNone);
    }

    /// <summary>
    /// Until the scope is disposed, dates parsed on this thread that name no zone are in
    /// <paramref name="zone"/> (null: UTC): the zone of the feed a parse reads.
    /// </summary>
    internal static FeedZoneScope InFeedZone(TimeZoneInfo? zone)
    {
        var outer = feedZone;
        feedZone = zone;
        return new FeedZoneScope(outer);
    }

    internal readonly struct FeedZoneScope(TimeZoneInfo? outer) : IDisposable
    {
        public void Dispose() => feedZone = outer;
    }

    /// <summary>
    /// Builds the instant from its fields, or null when any field is out of range or the instant
    /// falls outside what <see cref="DateTimeOffset"/> can hold (year 1 to 9999, in UTC too).
    /// </summary>
    /// <param name="offsetMinutes">The offset the date gives; null when it names no zone.</param>
    /// <param name="zoneWhenNone">The zone of a date that names none; null: UTC.</param>
    internal static DateTimeOffset? Build(
        int year, int month, int day, int hour, int minute, int second, long fractionTicks, int? offsetMinutes, TimeZoneInfo? zoneWhenNone)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        // ISO 8601 allows 24:00:00 as the end of a day; anything else past 23 is out of range.
        var endOfDay = hour == 24 && minute == 0 && second == 0 && fractionTicks == 0;
        if ((hour > 23 && !endOfDay) || hour < 0 || minute is < 0 or > 59 || second is < 0 or > 60)
        {
            return null;
        }

        if (second == 60)
        {
            // A leap second (RFC 3339 section 5.7) has no DateTime representation; its minute is right.
            second = 59;
        }

        if (offsetMinutes is { } given && Math.Abs(given) > MaxOffsetMinutes)
        {
            return null;
        }

        var localTicks = new DateTime(year, month, day).Ticks
            + (hour * TimeSpan.TicksPerHour)
            + (minute * TimeSpan.TicksPerMinute)
            + (second * TimeSpan.TicksPerSecond)
            + fractionTicks;
        if (localTicks > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        // A wall-clock time the zone skips (a spring-forward hour) takes the offset before the change;
        // a zone's old local mean time (+08:05:43 in Shanghai before 1901) is rounded to the minute,
        // as DateTimeOffset keeps offsets.
        var offset = offsetMinutes is { } named
            ? TimeSpan.FromMinutes(named)
            : TimeSpan.FromMinutes(Math.Round((zoneWhenNone?.GetUtcOffset(new DateTime(localTicks, DateTimeKind.Unspecified)) ?? TimeSpan.Zero).TotalMinutes));
        var utcTicks = localTicks - offset.Ticks;
        if (utcTicks < 0 || utcTicks > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        return new DateTimeOffset(localTicks, offset);
    }

    /// <summary>
    /// Expands a two- or three-digit year the way RFC 2822 section 4.3 says: 00-49 are 2000-2049,
    /// 50-99 are 1950-1999, and three digits are added to 1900. Four digits stand as they are.
    /// </summary>
    /// <remarks>
    /// Three digits come from software that printed C's tm_year (years since 1900), which gives
    /// 100-199 for 2000-2099. Any other three-digit year is a truncated four-digit one ("Jan 200"),
    /// and reading it as 2100 or later would be a guess, so it gives 0, which no date accepts.
    /// </remarks>
    internal static int ExpandYear(int year, int digits) => digits switch
    {
        2 => year < 50 ? 2000 + year : 1900 + year,
        3 => year is >= 100 and < 200 ? 1900 + year : 0,
        _ => year,
    };

    /// <summary>Counts the ASCII digits at <paramref name="index"/> and gives their value (at most 9 are read).</summary>
    internal static int ReadDigits(string text, int index, out int value)
    {
        value = 0;
        var count = 0;
        while (index + count < text.Length && char.IsAsciiDigit(text[index + count]))
        {
            if (count < 9)
            {
                value = (value * 10) + (text[index + count] - '0');
            }

            count++;
        }

        return count;
    }

    /// <summary>
    /// Reads a decimal fraction (the digits after '.' or ',') at <paramref name="index"/> as ticks;
    /// digits beyond the tick's precision are checked and dropped.
    /// </summary>
    internal static int ReadFraction(string text, int index, out long ticks)
    {
        ticks = 0;
        var count = 0;
        var scale = TimeSpan.TicksPerSecond;
        while (index + count < text.Length && char.IsAsciiDigit(text[index + count]))
        {
            scale /= 10;
            ticks += (text[index + count] - '0') * scale;
            count++;
        }

        return count;
    }

    /// <summary>
    /// Reads a numeric zone offset at <paramref name="index"/>: a sign, then hh, h, hhmm, hh:mm or
    /// h:mm (RFC 822 "+hhmm", ISO 8601 "+hh:mm" and "+hh", and "GMT+8" forms). Leaves
    /// <paramref name="index"/> after it, or gives false when the offset is malformed.
    /// </summary>
    internal static bool TryReadOffset(string text, ref int index, out int minutes)
    {
        minutes = 0;
        var sign = text[index] switch
        {
            '+' => 1,
            '-' or '\u2212' => -1, // U+2212 MINUS SIGN, which typeset dates use
            _ => 0,
        };
        if (sign == 0)
        {
            return false;
        }

        var i = index + 1;
        var count = ReadDigits(text, i, out var value);
        int hours;
        int mins;
        switch (count)
        {
            case 1 or 2:
                hours = value;
                mins = 0;
                i += count;
                if (i < text.Length && text[i] == ':')
                {
                    if (ReadDigits(text, i + 1, out mins) != 2)
                    {
                        return false;
                    }

                    i += 3;
                }

                break;
            case 4:
                hours = value / 100;
                mins = value % 100;
                i += count;
                break;
            default:
                return false;
        }

        if (mins > 59 || hours > 14)
        {
            return false;
        }

        minutes = sign * ((hours * 60) + mins);
        index = i;
        return true;
    }
}
