namespace FeedDigest.Core.Normalizing;

/// <summary>
/// ISO 8601 dates and times as feeds write them: W3CDTF (https://www.w3.org/TR/NOTE-datetime) and
/// RFC 3339, which Atom (RFC 4287 section 3.3) and Dublin Core require, plus the variants seen in
/// real feeds and in feedparser's ISO 8601 and W3CDTF handlers.
/// </summary>
/// <remarks>
/// Accepted: calendar dates (2003-12-31, 20031231), reduced precision (2003-12, 2003), ordinal dates
/// (2003-335, 2003335), week dates (2004-W53-6, 2004W536), ISO 8601:2000 two-digit years (03-12-31,
/// 031231, 03-335, -03-12, -0312, -03), a three-digit month with a leading zero (2003-012-31, a
/// Google bug), and a month name in place of the month number (Hungarian 2004-július-13). The time
/// follows "T", "t" or, as in MSSQL, spaces: hh:mm[:ss[.f]] or, after "T", the basic hh[mm[ss[.f]]].
/// The zone is Z, +hh, +hhmm, +hh:mm or a zone name; none means UTC.
/// Forms that need the current year or century (--12-31, ---31, -335, 20) give null: no clock is
/// read. A bare five-digit number (YYDDD) is also refused: "22013" is far likelier a broken year
/// than the 13th day of 2022.
/// </remarks>
internal static class Iso8601DateParser
{
    /// <param name="zoneWhenNone">The zone of a date that names none; null: UTC.</param>
    public static DateTimeOffset? Parse(string text, TimeZoneInfo? zoneWhenNone)
    {
        var i = 0;
        if (!TryReadDate(text, ref i, out var year, out var month, out var day, out var hasDay))
        {
            return null;
        }

        if (i == text.Length)
        {
            return FeedDateParser.Build(year, month, day, 0, 0, 0, 0, null, zoneWhenNone);
        }

        // A time needs a whole date before it.
        if (!hasDay)
        {
            return null;
        }

        bool afterT;
        if (text[i] is 'T' or 't')
        {
            afterT = true;
            i++;
        }
        else if (text[i] == ' ')
        {
            afterT = false;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }
        }
        else
        {
            return null;
        }

        if (!TryReadTime(text, ref i, afterT, out var hour, out var minute, out var second, out var fraction)
            || !TryReadZone(text, ref i, out var offset))
        {
            return null;
        }

        return FeedDateParser.Build(year, month, day, hour, minute, second, fraction, offset, zoneWhenNone);
    }

    private static bool TryReadDate(string text, ref int i, out int year, out int month, out int day, out bool hasDay)
    {
        year = 0;
        month = 1;
        day = 1;
        hasDay = false;
        if (text[0] == '-')
        {
            return TryReadTruncatedYear(text, ref i, out year, out month);
        }

        var count = FeedDateParser.ReadDigits(text, 0, out var lead);
        i = count;
        switch (count)
        {
            case 4:
                year = lead;
                return TryReadAfterYear(text, ref i, ref year, ref month, ref day, out hasDay);
            case 8:
                // Basic calendar date YYYYMMDD.
                year = lead / 10000;
                month = lead / 100 % 100;
                day = lead % 100;
                hasDay = true;
                return true;
            case 7:
                // Basic ordinal date YYYYDDD.
                hasDay = true;
                return TryFromOrdinal(lead / 1000, lead % 1000, out year, out month, out day);
            case 6:
                // ISO 8601:2000 two-digit-year basic date YYMMDD; ISO never allows YYYYMM, so no ambiguity.
                year = FeedDateParser.ExpandYear(lead / 10000, 2);
                month = lead / 100 % 100;
                day = lead % 100;
                hasDay = true;
                return true;
            case 2:
                return TryReadTwoDigitYearDate(text, ref i, lead, out year, out month, out day, out hasDay);
            default:
                return false;
        }
    }

    /// <summary>ISO 8601:2000 "-YY-MM", "-YYMM" and "-YY": a year of the century, implied by a leading hyphen.</summary>
    private static bool TryReadTruncatedYear(string text, ref int i, out int year, out int month)
    {
        year = 0;
        month = 1;
        var count = FeedDateParser.ReadDigits(text, 1, out var value);
        i = 1 + count;
        if (count == 4)
        {
            year = FeedDateParser.ExpandYear(value / 100, 2);
            month = value % 100;
            return true;
        }

        if (count != 2)
        {
            return false;
        }

        year = FeedDateParser.ExpandYear(value, 2);
        if (i < text.Length && text[i] == '-')
        {
            if (FeedDateParser.ReadDigits(text, i + 1, out month) != 2)
            {
                return false;
            }

            i += 3;
        }

        return true;
    }

    /// <summary>ISO 8601:2000 "YY-MM-DD" and "YY-DDD".</summary>
    private static bool TryReadTwoDigitYearDate(
        string text, ref int i, int yy, out int year, out int month, out int day, out bool hasDay)
    {
        year = FeedDateParser.ExpandYear(yy, 2);
        month = 1;
        day = 1;
        hasDay = true;
        if (i >= text.Length || text[i] != '-')
        {
            return false;
        }

        var count = FeedDateParser.ReadDigits(text, i + 1, out var value);
        if (count == 3)
        {
            i += 4;
            return TryFromOrdinal(year, value, out year, out month, out day);
        }

        if (count != 2 || i + 3 >= text.Length || text[i + 3] != '-'
            || FeedDateParser.ReadDigits(text, i + 4, out day) != 2)
        {
            return false;
        }

        month = value;
        i += 6;
        return true;
    }

    /// <summary>What may follow a four-digit year: "-MM[-DD]", "-DDD", "-Www[-D]", "Www[D]" or a month name.</summary>
    private static bool TryReadAfterYear(
        string text, ref int i, ref int year, ref int month, ref int day, out bool hasDay)
    {
        hasDay = false;
        if (i == text.Length)
        {
            return true;
        }

        if (text[i] is 'W' or 'w')
        {
            // Basic week date YYYYWww or YYYYWwwD.
            var count = FeedDateParser.ReadDigits(text, i + 1, out var value);
            if (count is not (2 or 3))
            {
                return false;
            }

            i += 1 + count;
            hasDay = true;
            return count == 2
                ? TryFromWeek(year, value, 1, out year, out month, out day)
                : TryFromWeek(year, value / 10, value % 10, out year, out month, out day);
        }

        if (text[i] != '-')
        {
            // Year only; the caller accepts it only at the end of the string.
            return true;
        }

        i++;
        if (i == text.Length)
        {
            return false;
        }

        if (text[i] is 'W' or 'w')
        {
            return TryReadExtendedWeek(text, ref i, ref year, ref month, ref day, out hasDay);
        }

        if (char.IsLetter(text[i]))
        {
            // A month name in the month's place, as the Hungarian blogs feedparser supports write it.
            var start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            if (!DateNameTables.TryGetMonth(DateNameTables.Fold(text[start..i]), out month))
            {
                return false;
            }

            return TryReadDay(text, ref i, out day, out hasDay) && hasDay;
        }

        var digits = FeedDateParser.ReadDigits(text, i, out var part);
        switch (digits)
        {
            case 1 or 2:
                month = part;
                i += digits;
                return TryReadDay(text, ref i, out day, out hasDay);
            case 3 when text[i] == '0' && i + 3 < text.Length && text[i + 3] == '-':
                // "2003-012-31": a zero-padded three-digit month, which Google once emitted.
                month = part;
                i += digits;
                return TryReadDay(text, ref i, out day, out hasDay) && hasDay;
            case 3:
                i += digits;
                hasDay = true;
                return TryFromOrdinal(year, part, out year, out month, out day);
            default:
                return false;
        }
    }

    /// <summary>An optional "-D" or "-DD" day after the month.</summary>
    private static bool TryReadDay(string text, ref int i, out int day, out bool hasDay)
    {
        day = 1;
        hasDay = false;
        if (i >= text.Length || text[i] != '-')
        {
            return true;
        }

        var count = FeedDateParser.ReadDigits(text, i + 1, out day);
        if (count is not (1 or 2))
        {
            return false;
        }

        i += 1 + count;
        hasDay = true;
        return true;
    }

    /// <summary>Extended week date "Www" or "Www-D" after "YYYY-".</summary>
    private static bool TryReadExtendedWeek(
        string text, ref int i, ref int year, ref int month, ref int day, out bool hasDay)
    {
        hasDay = true;
        if (FeedDateParser.ReadDigits(text, i + 1, out var week) != 2)
        {
            return false;
        }

        i += 3;
        var weekday = 1;
        if (i < text.Length && text[i] == '-')
        {
            if (FeedDateParser.ReadDigits(text, i + 1, out weekday) != 1)
            {
                return false;
            }

            i += 2;
        }

        return TryFromWeek(year, week, weekday, out year, out month, out day);
    }

    private static bool TryReadTime(
        string text, ref int i, bool afterT, out int hour, out int minute, out int second, out long fraction)
    {
        hour = minute = second = 0;
        fraction = 0;
        var count = FeedDateParser.ReadDigits(text, i, out var value);
        if (count == 0)
        {
            return false;
        }

        if (i + count < text.Length && text[i + count] == ':')
        {
            // Extended hh:mm[:ss[.f]]; a one-digit hour is a common slip (feedparser's Hungarian form).
            if (count > 2)
            {
                return false;
            }

            hour = value;
            i += count + 1;
            if (FeedDateParser.ReadDigits(text, i, out minute) != 2)
            {
                return false;
            }

            i += 2;
            if (i < text.Length && text[i] == ':')
            {
                if (FeedDateParser.ReadDigits(text, i + 1, out second) != 2)
                {
                    return false;
                }

                i += 3;
                return TryReadFraction(text, ref i, out fraction);
            }

            return true;
        }

        // The basic format is ISO 8601's, and only after "T": "10" or "1014" alone after a space
        // is not recognisably a time.
        if (!afterT)
        {
            return false;
        }

        i += count;
        switch (count)
        {
            case 2:
                hour = value;
                return true;
            case 4:
                hour = value / 100;
                minute = value % 100;
                return true;
            case 6:
                hour = value / 10000;
                minute = value / 100 % 100;
                second = value % 100;
                return TryReadFraction(text, ref i, out fraction);
            default:
                return false;
        }
    }

    /// <summary>An optional decimal fraction of the second; ISO 8601 allows a comma as well as a point.</summary>
    private static bool TryReadFraction(string text, ref int i, out long fraction)
    {
        fraction = 0;
        if (i >= text.Length || text[i] is not ('.' or ','))
        {
            return true;
        }

        var count = FeedDateParser.ReadFraction(text, i + 1, out fraction);
        i += 1 + count;
        return count > 0;
    }

    /// <summary>
    /// The zone after the time, then at most a redundant zone name or comment ("+0000 UTC",
    /// "-0700 (MST)", as Go and mail software print them), then the end of the string.
    /// </summary>
    /// <remarks>No zone at all gives a null offset: the feed's zone (or UTC) is the date's.</remarks>
    private static bool TryReadZone(string text, ref int i, out int? zone)
    {
        zone = null;
        var spaced = SkipSpaces(text, ref i);
        if (i == text.Length)
        {
            return true;
        }

        var found = TryReadGivenZone(text, ref i, spaced, out var offset);
        zone = offset;
        return found;
    }

    private static bool TryReadGivenZone(string text, ref int i, bool spaced, out int offset)
    {
        offset = 0;
        var c = text[i];
        if (c is 'Z' or 'z' && (i + 1 == text.Length || !char.IsLetter(text[i + 1])))
        {
            i++;
        }
        else if (c is '+' or '-' or '\u2212')
        {
            if (!FeedDateParser.TryReadOffset(text, ref i, out offset))
            {
                return false;
            }
        }
        else if (spaced && char.IsLetter(c))
        {
            var name = ReadZoneName(text, ref i);
            if (!DateNameTables.TryGetZone(name, out offset))
            {
                return false;
            }

            // "UTC+05:30", "GMT-8": a UTC name qualified with an offset.
            if (DateNameTables.IsUtcName(name) && i < text.Length && text[i] is '+' or '-' or '\u2212'
                && !FeedDateParser.TryReadOffset(text, ref i, out offset))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (!SkipSpaces(text, ref i))
        {
            return i == text.Length;
        }

        if (text[i] == '(' && text[^1] == ')' && text.IndexOf(')', i) == text.Length - 1)
        {
            i = text.Length;
            return true;
        }

        if (char.IsLetter(text[i]))
        {
            return DateNameTables.TryGetZone(ReadZoneName(text, ref i), out _) && i == text.Length;
        }

        return false;
    }

    private static string ReadZoneName(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsLetter(text[i]) || (text[i] == '/' && i > start)))
        {
            i++;
        }

        // Zone names are ASCII: matched as written, not folded, so "éST" is not EST.
        return text[start..i];
    }

    private static bool SkipSpaces(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i > start;
    }

    private static bool TryFromOrdinal(int year, int dayOfYear, out int y, out int m, out int d)
    {
        y = m = d = 0;
        if (year is < 1 or > 9999 || dayOfYear < 1 || dayOfYear > (DateTime.IsLeapYear(year) ? 366 : 365))
        {
            return false;
        }

        var date = new DateTime(year, 1, 1).AddDays(dayOfYear - 1);
        (y, m, d) = (date.Year, date.Month, date.Day);
        return true;
    }

    /// <summary>ISO 8601 week date: week 1 is the week (Monday first) that holds January 4th.</summary>
    private static bool TryFromWeek(int year, int week, int weekday, out int y, out int m, out int d)
    {
        y = m = d = 0;
        if (year is < 1 or > 9999 || week < 1 || week > System.Globalization.ISOWeek.GetWeeksInYear(year)
            || weekday is < 1 or > 7)
        {
            return false;
        }

        var january4 = new DateTime(year, 1, 4);
        var days = -(((int)january4.DayOfWeek + 6) % 7) + ((week - 1) * 7) + (weekday - 1);
        var ticks = january4.Ticks + (days * TimeSpan.TicksPerDay);
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        var date = new DateTime(ticks);
        (y, m, d) = (date.Year, date.Month, date.Day);
        return true;
    }
}
