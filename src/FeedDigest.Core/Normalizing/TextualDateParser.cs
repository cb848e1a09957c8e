using System.Text;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// Dates written with words and in free order: RFC 822 section 5 and its successors RFC 1123
/// section 5.2.14 and RFC 2822 section 3.3 ("Mon, 02 Jan 2006 15:04:05 -0700"), with the
/// deviations feeds commit; RFC 850 ("Monday, 02-Jan-06 15:04:05 GMT"); asctime and Unix date
/// ("Sun Jan  4 16:29:06 2004", "Sun Jul 15 01:16:00 +0000 2012"); Perforce ("2004/01/04 16:29:06
/// PST"); the Greek, Korean (OnBlog, Nate) and other localised forms feedparser supports; and
/// plain written dates ("January 2nd, 2006 3:04 PM", "2. Januar 2006").
/// </summary>
/// <remarks>
/// The string is read token by token: weekday names are skipped, the month comes from its name,
/// numbers are told apart by their position around the month (day month year, month day year or
/// year month day), the time by its colons and the zone by its place after the time. Anything left
/// unexplained makes the whole string null, so garbage is never half-read into a date.
/// </remarks>
internal sealed class TextualDateParser
{
    private const int Am = 1;
    private const int Pm = 2;

    // Korean Standard Time: feedparser's Korean handlers read zone-less Korean dates as local time.
    private const int KoreanOffsetMinutes = 9 * 60;

    private readonly string text;
    private readonly TimeZoneInfo? zoneWhenNone;
    private int pos;

    // Numbers and month names outside compound tokens, in written order; a date has three.
    private readonly DatePart[] parts = new DatePart[3];
    private int partCount;

    // A date written as one token: 2004/01/04, 2004-05-25, 02-Jan-06, 15.09.2006.
    private bool hasCompoundDate;
    private int compoundYear;
    private int compoundMonth;
    private int compoundDay;

    // Numbers labelled with the Korean 년 (year), 월 (month) and 일 (day) suffixes.
    private int labelledYear = -1;
    private int labelledYearDigits;
    private int labelledMonth = -1;
    private int labelledDay = -1;
    private bool korean;

    private bool hasTime;
    private int hour;
    private int minute;
    private int second;
    private long fraction;
    private int meridiem;

    private bool hasZone;
    private bool hasNumericOffset;
    private int offset;

    // The previous token was a bare UTC name ("GMT", "Etc/GMT"), which an offset may qualify.
    private bool pendingUtcName;
    private bool pendingUtcNameInverts;

    private bool previousWasTime;
    private bool sawWeekday;

    private TextualDateParser(string text, TimeZoneInfo? zoneWhenNone) => (this.text, this.zoneWhenNone) = (text, zoneWhenNone);

    /// <param name="zoneWhenNone">The zone of a date that names none (and is not Korean); null: UTC.</param>
    public static DateTimeOffset? Parse(string text, TimeZoneInfo? zoneWhenNone) => new TextualDateParser(text, zoneWhenNone).Run();

    private DateTimeOffset? Run()
    {
        while (true)
        {
            if (!TrySkipSeparators(out var spaced))
            {
                return null;
            }

            if (pos == text.Length)
            {
                return Resolve();
            }

            var c = text[pos];
            var wasTime = previousWasTime;
            var utcName = pendingUtcName;
            previousWasTime = false;
            pendingUtcName = false;
            bool accepted;
            if (char.IsAsciiDigit(c))
            {
                accepted = ReadNumeric();
            }
            else if (c is '+' or '-' or '\u2212')
            {
                accepted = ReadOffset(utcName);
            }
            else if (char.IsLetter(c))
            {
                accepted = ReadWord(spaced, wasTime);
            }
            else
            {
                accepted = false;
            }

            if (!accepted)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Skips white space, commas (RFC 2822's after the weekday, and the stray ones of "13 Feb, 2012")
    /// and RFC 2822 section 3.2.3 comments in parentheses, which may nest. False on an unclosed comment.
    /// </summary>
    private bool TrySkipSeparators(out bool spaced)
    {
        var start = pos;
        while (pos < text.Length)
        {
            var c = text[pos];
            if (char.IsWhiteSpace(c) || c == ',')
            {
                pos++;
            }
            else if (c == '(')
            {
                var depth = 0;
                do
                {
                    depth += text[pos] switch { '(' => 1, ')' => -1, _ => 0 };
                    pos++;
                }
                while (depth > 0 && pos < text.Length);

                if (depth > 0)
                {
                    spaced = true;
                    return false;
                }
            }
            else
            {
                break;
            }
        }

        spaced = pos > start;
        return true;
    }

    private bool ReadNumeric()
    {
        var count = FeedDateParser.ReadDigits(text, pos, out var value);
        pos += count;
        if (count > 4)
        {
            return false;
        }

        if (pos + 1 < text.Length)
        {
            var next = text[pos];
            var after = text[pos + 1];
            if (next == ':' && char.IsAsciiDigit(after))
            {
                return ReadTime(value, count);
            }

            if ((next is '-' or '/' && (char.IsAsciiDigit(after) || char.IsLetter(after)))
                || (next == '.' && char.IsAsciiDigit(after)))
            {
                return ReadCompoundDate(value, count, next);
            }
        }

        if (pos < text.Length)
        {
            switch (text[pos])
            {
                case '.':
                    // "2. Januar 2006": German and Scandinavian write the day as an ordinal with a dot.
                    pos++;
                    break;
                case '년' or '월' or '일':
                    return ReadKoreanLabel(value, count);
                default:
                    if (char.IsLetter(text[pos]) && TrySkipOrdinalSuffix())
                    {
                        return AddPart(new DatePart(false, value, count, Ordinal: true));
                    }

                    break;
            }
        }

        return AddPart(new DatePart(false, value, count, Ordinal: false));
    }

    /// <summary>English ordinal suffixes ("2nd", "31st"), which mark the number as the day.</summary>
    private bool TrySkipOrdinalSuffix()
    {
        var end = pos;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }

        if (end - pos != 2 || text.AsSpan(pos, 2) is not ("st" or "nd" or "rd" or "th" or "ST" or "ND" or "RD" or "TH"))
        {
            return false;
        }

        pos = end;
        return true;
    }

    /// <summary>OnBlog's "2004년 05월 28일": each number carries its own unit.</summary>
    private bool ReadKoreanLabel(int value, int digits)
    {
        var label = text[pos];
        pos++;
        korean = true;
        switch (label)
        {
            case '년' when labelledYear < 0 && digits is 2 or 4:
                labelledYear = value;
                labelledYearDigits = digits;
                return true;
            case '월' when labelledMonth < 0 && digits <= 2:
                labelledMonth = value;
                return true;
            case '일' when labelledDay < 0 && digits <= 2:
                labelledDay = value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>h:mm, h:mm:ss and h:mm:ss.f; a fourth field ("1:2:3:4") is not a time.</summary>
    private bool ReadTime(int hourValue, int hourDigits)
    {
        if (hasTime || hourDigits > 2)
        {
            return false;
        }

        pos++;
        var count = FeedDateParser.ReadDigits(text, pos, out var minuteValue);
        if (count is not (1 or 2))
        {
            return false;
        }

        pos += count;
        var secondValue = 0;
        long fractionValue = 0;
        if (pos < text.Length && text[pos] == ':')
        {
            count = FeedDateParser.ReadDigits(text, pos + 1, out secondValue);
            if (count is not (1 or 2))
            {
                return false;
            }

            pos += 1 + count;
            if (pos + 1 < text.Length && text[pos] is '.' or ',' && char.IsAsciiDigit(text[pos + 1]))
            {
                pos += 1 + FeedDateParser.ReadFraction(text, pos + 1, out fractionValue);
            }

            if (pos < text.Length && text[pos] == ':')
            {
                return false;
            }
        }

        (hasTime, hour, minute, second, fraction) = (true, hourValue, minuteValue, secondValue, fractionValue);
        previousWasTime = true;
        return true;
    }

    /// <summary>
    /// A date in one token, its parts joined by '-', '/' or '.'. Year first is year-month-day
    /// (ISO 8601 order, Perforce's slashes). Year last is day-month-year when the month is a name
    /// (RFC 850's "02-Jan-06") or the separator is a dot (the European convention); with slashes or
    /// hyphens the day and month are told apart only when one of them exceeds 12, since
    /// "03/04/2005" is March in the US and April in Europe, and guessing is not allowed.
    /// </summary>
    private bool ReadCompoundDate(int first, int firstDigits, char separator)
    {
        if (hasCompoundDate || partCount > 0)
        {
            return false;
        }

        pos++;
        int middle;
        var middleDigits = 0;
        var middleIsName = false;
        if (char.IsAsciiDigit(text[pos]))
        {
            middleDigits = FeedDateParser.ReadDigits(text, pos, out middle);
            pos += middleDigits;
        }
        else
        {
            var start = pos;
            while (pos < text.Length && char.IsLetter(text[pos]))
            {
                pos++;
            }

            if (!DateNameTables.TryGetMonth(DateNameTables.Fold(text[start..pos]), out middle))
            {
                return false;
            }

            middleIsName = true;
        }

        if (pos >= text.Length || text[pos] != separator)
        {
            return false;
        }

        pos++;
        var thirdDigits = FeedDateParser.ReadDigits(text, pos, out var third);
        pos += thirdDigits;
        if (thirdDigits == 0 || (!middleIsName && middleDigits > 2))
        {
            return false;
        }

        if (firstDigits == 4 && thirdDigits <= 2)
        {
            (compoundYear, compoundMonth, compoundDay) = (first, middle, third);
        }
        else if (firstDigits <= 2 && thirdDigits is 2 or 4 && (middleIsName || separator == '.'))
        {
            (compoundYear, compoundMonth, compoundDay) = (FeedDateParser.ExpandYear(third, thirdDigits), middle, first);
        }
        else if (firstDigits <= 2 && thirdDigits == 4)
        {
            if (first > 12 && middle <= 12)
            {
                (compoundMonth, compoundDay) = (middle, first);
            }
            else if ((middle > 12 && first <= 12) || first == middle)
            {
                (compoundMonth, compoundDay) = (first, middle);
            }
            else
            {
                return false;
            }

            compoundYear = third;
        }
        else
        {
            return false;
        }

        hasCompoundDate = true;

        // ISO 8601's date-time separator, as in "2004-07-08T23:56:58" that the ISO parser refused, or
        // the colon of the Common Log Format's "02/Jan/2006:15:04:05 -0700".
        if (pos + 1 < text.Length && text[pos] is 'T' or 't' or ':' && char.IsAsciiDigit(text[pos + 1]))
        {
            pos++;
        }

        return true;
    }

    /// <summary>
    /// A numeric zone ("+0000", "-05:00"): after the time, or qualifying a UTC name just read
    /// ("GMT+8", "UTC-05:00"). "Etc/GMT+5" follows the tz database's POSIX convention, in which the
    /// sign is inverted: it is five hours behind UTC. A one-digit hour is only seen after a UTC name;
    /// elsewhere it is no offset ("10:1-4:55" is a mangled time).
    /// </summary>
    private bool ReadOffset(bool qualifiesUtcName)
    {
        var oneDigitHour = pos + 2 >= text.Length || !char.IsAsciiDigit(text[pos + 2]);
        if (pos + 1 >= text.Length || !char.IsAsciiDigit(text[pos + 1])
            || (oneDigitHour && !qualifiesUtcName)
            || !FeedDateParser.TryReadOffset(text, ref pos, out var minutes))
        {
            return false;
        }

        if (qualifiesUtcName)
        {
            (hasNumericOffset, offset) = (true, pendingUtcNameInverts ? -minutes : minutes);
            return true;
        }

        if (!hasTime || hasZone)
        {
            return false;
        }

        (hasZone, hasNumericOffset, offset) = (true, true, minutes);
        return true;
    }

    private bool ReadWord(bool spaced, bool afterTime)
    {
        var start = pos;
        while (pos < text.Length
            && (char.IsLetter(text[pos])
                || (text[pos] is '/' or '_' && pos > start && pos + 1 < text.Length && char.IsLetter(text[pos + 1]))))
        {
            pos++;
        }

        var raw = text[start..pos];

        // An abbreviation's dot: "Jan.", "Sept.", "Mon.".
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
        }

        var word = DateNameTables.Fold(raw);
        if (raw is "오전" or "오후")
        {
            // Nate writes the Korean AM/PM marker before the time: "2004-05-25 오후 11:23:17".
            korean = true;
            return SetMeridiem(raw == "오후" ? Pm : Am);
        }

        if (afterTime && (word.Equals("am", StringComparison.OrdinalIgnoreCase) || word.Equals("pm", StringComparison.OrdinalIgnoreCase)))
        {
            return SetMeridiem(word.Equals("pm", StringComparison.OrdinalIgnoreCase) ? Pm : Am);
        }

        if (DateNameTables.TryGetMonth(word, out var month))
        {
            return AddPart(new DatePart(true, month, 0, Ordinal: false));
        }

        if (DateNameTables.IsWeekday(word))
        {
            var first = !sawWeekday;
            sawWeekday = true;
            return first;
        }

        // A zone is written after the time, apart from what precedes it or glued to the time itself
        // ("15:04:05Z", "10:00GMT"). Zone names are ASCII, so they are matched as written, not folded.
        // A glued single letter other than Z is more likely a clipped "a"/"p" (am/pm) than one of
        // RFC 822's military zones, so those must stand apart.
        if (hasTime && (spaced || (afterTime && (raw.Length > 1 || raw is "Z" or "z"))))
        {
            if (!hasZone && DateNameTables.TryGetZone(raw, out var zone))
            {
                (hasZone, offset) = (true, zone);
                pendingUtcName = DateNameTables.IsUtcName(raw);
                pendingUtcNameInverts = raw.StartsWith("etc/", StringComparison.OrdinalIgnoreCase);
                return true;
            }

            if (!hasZone && spaced && raw.Length is >= 3 and <= 5 && Ascii.IsValid(raw))
            {
                // RFC 2822 section 4.3: an alphabetic zone whose meaning is not known SHOULD be taken
                // as "-0000", that is UTC with no claim about local time.
                hasZone = true;
                return true;
            }

            if (hasNumericOffset && spaced && DateNameTables.TryGetZone(raw, out _))
            {
                // A name restating the offset, as Go prints "-0700 MST"; the number is the exact one.
                return true;
            }
        }

        // A filler stands apart: "3at" or "aT10" is no written date.
        return spaced && DateNameTables.IsFiller(word);
    }

    private bool SetMeridiem(int value)
    {
        if (meridiem != 0)
        {
            return false;
        }

        meridiem = value;
        return true;
    }

    private bool AddPart(DatePart part)
    {
        if (partCount == parts.Length)
        {
            return false;
        }

        for (var i = 0; i < partCount; i++)
        {
            if (part.IsMonth && parts[i].IsMonth)
            {
                return false;
            }
        }

        parts[partCount++] = part;
        return true;
    }

    private DateTimeOffset? Resolve()
    {
        int year;
        int month;
        int day;
        var labelled = labelledYear >= 0 || labelledMonth >= 0 || labelledDay >= 0;
        if (hasCompoundDate)
        {
            if (partCount > 0 || labelled)
            {
                return null;
            }

            (year, month, day) = (compoundYear, compoundMonth, compoundDay);
        }
        else if (labelled)
        {
            if (partCount > 0 || labelledYear < 0 || labelledMonth < 0 || labelledDay < 0)
            {
                return null;
            }

            (year, month, day) = (FeedDateParser.ExpandYear(labelledYear, labelledYearDigits), labelledMonth, labelledDay);
        }
        else if (!TryResolveParts(out year, out month, out day))
        {
            return null;
        }

        var h = hour;
        if (meridiem != 0)
        {
            // A 12-hour clock: 12 AM is midnight, 12 PM is noon.
            if (!hasTime || h is < 1 or > 12)
            {
                return null;
            }

            h = (h % 12) + (meridiem == Pm ? 12 : 0);
        }

        int? zone = hasZone ? offset : korean ? KoreanOffsetMinutes : null;
        return FeedDateParser.Build(year, month, day, h, minute, second, fraction, zone, zoneWhenNone);
    }

    /// <summary>
    /// Orders the three parts around the month name: day month year (RFC 822), month day year
    /// (asctime, US usage, the swapped "Aug 30 2012"), or a four-digit year first (year month day).
    /// A day has one or two digits; a year two to four, expanded per RFC 2822 section 4.3.
    /// </summary>
    private bool TryResolveParts(out int year, out int month, out int day)
    {
        year = month = day = 0;
        if (partCount != 3)
        {
            return false;
        }

        var (a, b, c) = (parts[0], parts[1], parts[2]);
        DatePart dayPart;
        DatePart yearPart;
        if (b.IsMonth && !a.IsMonth && !c.IsMonth)
        {
            if (a.Digits == 4 && !a.Ordinal && c.Digits <= 2)
            {
                (yearPart, month, dayPart) = (a, b.Value, c);
            }
            else
            {
                (dayPart, month, yearPart) = (a, b.Value, c);
            }
        }
        else if (a.IsMonth && !b.IsMonth && !c.IsMonth)
        {
            (month, dayPart, yearPart) = (a.Value, b, c);
        }
        else
        {
            return false;
        }

        if (dayPart.Digits > 2 || yearPart.Ordinal || yearPart.Digits < 2)
        {
            return false;
        }

        day = dayPart.Value;
        year = FeedDateParser.ExpandYear(yearPart.Value, yearPart.Digits);
        return true;
    }

    /// <summary>A number or month name found on its own; Digits is 0 for a month name.</summary>
    private readonly record struct DatePart(bool IsMonth, int Value, int Digits, bool Ordinal);
}
