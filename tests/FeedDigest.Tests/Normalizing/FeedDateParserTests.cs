using System.Globalization;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Tests.Normalizing;

public sealed class FeedDateParserTests
{
    [Theory]
    [InlineData("Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z")]
    [InlineData("Mon, 2 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z")]
    [InlineData("Thu,  5 Apr 2012 10:00:00 GMT", "2012-04-05T10:00:00Z")]
    [InlineData("02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z")]
    [InlineData("Mon,02 January 2006 15:04:05 EST", "2006-01-02T20:04:05Z")]
    [InlineData("Mon, 13 Feb, 2012 06:28:00 UTC", "2012-02-13T06:28:00Z")]
    [InlineData("Thu, 01 Jan 2004 00:00 GMT", "2004-01-01T00:00:00Z")]
    [InlineData("Thu, 01 Jan 2004 7:08:09 GMT", "2004-01-01T07:08:09Z")]
    [InlineData("Thu, 01 Jan 2004", "2004-01-01T00:00:00Z")]
    [InlineData("Monday, 26 January 2004 16:31:00 GMT", "2004-01-26T16:31:00Z")]
    [InlineData("TUE, 10 JUN 2003 04:00:00 gmt", "2003-06-10T04:00:00Z")]
    [InlineData("  Tue ,  10   jun  2003   04:00:00   GMT  ", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 -0500 (EST)", "2003-06-10T09:00:00Z")]
    [InlineData("Thu Aug 30 2012 17:26:16 +0200", "2012-08-30T15:26:16Z")]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z")]
    public void Parse_Rfc822Variants_ReturnsInstant(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("Fri, 02 Jan 2006 15:04:05 GMT", "2006-01-02T15:04:05Z")]
    [InlineData("Sun, 02 Jan 2006 15:04:05 GMT", "2006-01-02T15:04:05Z")]
    public void Parse_WrongWeekday_IsIgnored(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z")]
    [InlineData("Tue, 10 Jun 49 04:00:00 GMT", "2049-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 50 04:00:00 GMT", "1950-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 99 04:00:00 GMT", "1999-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 103 04:00:00 GMT", "2003-06-10T04:00:00Z")]
    public void Parse_ShortYears_FollowRfc2822Rule(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("UT", "2006-01-02T15:04:05Z")]
    [InlineData("UTC", "2006-01-02T15:04:05Z")]
    [InlineData("GMT", "2006-01-02T15:04:05Z")]
    [InlineData("Z", "2006-01-02T15:04:05Z")]
    [InlineData("Etc/GMT", "2006-01-02T15:04:05Z")]
    [InlineData("EST", "2006-01-02T20:04:05Z")]
    [InlineData("EDT", "2006-01-02T19:04:05Z")]
    [InlineData("CST", "2006-01-02T21:04:05Z")]
    [InlineData("CDT", "2006-01-02T20:04:05Z")]
    [InlineData("MST", "2006-01-02T22:04:05Z")]
    [InlineData("MDT", "2006-01-02T21:04:05Z")]
    [InlineData("PST", "2006-01-02T23:04:05Z")]
    [InlineData("PDT", "2006-01-02T22:04:05Z")]
    [InlineData("AT", "2006-01-02T19:04:05Z")]
    [InlineData("PT", "2006-01-02T23:04:05Z")]
    [InlineData("CET", "2006-01-02T14:04:05Z")]
    [InlineData("CEST", "2006-01-02T13:04:05Z")]
    [InlineData("MET", "2006-01-02T14:04:05Z")]
    [InlineData("MEST", "2006-01-02T13:04:05Z")]
    [InlineData("BST", "2006-01-02T14:04:05Z")]
    [InlineData("IST", "2006-01-02T09:34:05Z")]
    [InlineData("HKT", "2006-01-02T07:04:05Z")]
    [InlineData("JST", "2006-01-02T06:04:05Z")]
    [InlineData("KST", "2006-01-02T06:04:05Z")]
    [InlineData("AEDT", "2006-01-02T04:04:05Z")]
    [InlineData("MSK", "2006-01-02T12:04:05Z")]
    [InlineData("cest", "2006-01-02T13:04:05Z")]
    public void Parse_NamedZone_AppliesItsOffset(string zone, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse("Mon, 02 Jan 2006 15:04:05 " + zone));

    [Theory]
    [InlineData("A", "2006-01-02T16:04:05Z")]
    [InlineData("I", "2006-01-03T00:04:05Z")]
    [InlineData("K", "2006-01-03T01:04:05Z")]
    [InlineData("M", "2006-01-03T03:04:05Z")]
    [InlineData("N", "2006-01-02T14:04:05Z")]
    [InlineData("Y", "2006-01-02T03:04:05Z")]
    public void Parse_MilitaryZone_FollowsRfc822Signs(string zone, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse("Mon, 02 Jan 2006 15:04:05 " + zone));

    [Theory]
    [InlineData("+0800", "2006-01-02T07:04:05Z")]
    [InlineData("-05:00", "2006-01-02T20:04:05Z")]
    [InlineData("-01:01", "2006-01-02T16:05:05Z")]
    [InlineData("GMT+8", "2006-01-02T07:04:05Z")]
    [InlineData("GMT+0800", "2006-01-02T07:04:05Z")]
    [InlineData("GMT-01:01", "2006-01-02T16:05:05Z")]
    [InlineData("UTC-05:00", "2006-01-02T20:04:05Z")]
    [InlineData("Etc/GMT+5", "2006-01-02T20:04:05Z")]
    public void Parse_NumericOffset_AppliesIt(string zone, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse("Mon, 02 Jan 2006 15:04:05 " + zone));

    [Theory]
    [InlineData("Mon, 02 Jan 2006 15:04:05 XYZ", "2006-01-02T15:04:05Z")]
    [InlineData("Mon, 02 Jan 2006 15:04:05", "2006-01-02T15:04:05Z")]
    [InlineData("2006-01-02 15:04:05", "2006-01-02T15:04:05Z")]
    [InlineData("2006-01-02", "2006-01-02T00:00:00Z")]
    public void Parse_NoKnownZone_AssumesUtc(string input, string expectedUtc)
    {
        var parsed = FeedDateParser.Parse(input);

        AssertInstant(expectedUtc, parsed);
        Assert.Equal(TimeSpan.Zero, parsed!.Value.Offset);
    }

    [Fact]
    public void Parse_NumericOffset_IsKeptOnTheResult()
    {
        var parsed = FeedDateParser.Parse("2003-12-31T18:14:55+08:00");

        Assert.Equal(TimeSpan.FromHours(8), parsed!.Value.Offset);
        Assert.Equal(new DateTime(2003, 12, 31, 18, 14, 55), parsed.Value.DateTime);
    }

    [Theory]
    [InlineData("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z")]
    [InlineData("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z")]
    [InlineData("2003-12-31T10:14:55+0100", "2003-12-31T09:14:55Z")]
    [InlineData("2003-12-31T10:14:55+01", "2003-12-31T09:14:55Z")]
    [InlineData("2003-12-31T10:14Z", "2003-12-31T10:14:00Z")]
    [InlineData("2003-12-31T10:14+01:00", "2003-12-31T09:14:00Z")]
    [InlineData("2003-02-28T18:14:55-08:00", "2003-03-01T02:14:55Z")]
    [InlineData("2000-02-28T18:14:55-08:00", "2000-02-29T02:14:55Z")]
    [InlineData("2006-01-02t15:04:05z", "2006-01-02T15:04:05Z")]
    [InlineData("2006-01-02 15:04:05z", "2006-01-02T15:04:05Z")]
    [InlineData("20031231T101455Z", "2003-12-31T10:14:55Z")]
    [InlineData("20031231T1014+0100", "2003-12-31T09:14:00Z")]
    [InlineData("2003-012-31T10:14:55+00:00", "2003-12-31T10:14:55Z")]
    [InlineData("2003-12-31T24:00:00Z", "2004-01-01T00:00:00Z")]
    [InlineData("2004-07-08 23:56:58 -00:20", "2004-07-09T00:16:58Z")]
    [InlineData("2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z")]
    [InlineData("2003-12-31 10:14:55 EST", "2003-12-31T15:14:55Z")]
    [InlineData("2006-01-02 15:04:05 -0700 MST", "2006-01-02T22:04:05Z")]
    [InlineData("2006-01-02 15:04:05 +0000 UTC", "2006-01-02T15:04:05Z")]
    public void Parse_Iso8601DateTime_ReturnsInstant(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("2003-12-31", "2003-12-31T00:00:00Z")]
    [InlineData("20031231", "2003-12-31T00:00:00Z")]
    [InlineData("2003-12", "2003-12-01T00:00:00Z")]
    [InlineData("2003", "2003-01-01T00:00:00Z")]
    [InlineData("03-12-31", "2003-12-31T00:00:00Z")]
    [InlineData("031231", "2003-12-31T00:00:00Z")]
    [InlineData("-03-12", "2003-12-01T00:00:00Z")]
    [InlineData("-0312", "2003-12-01T00:00:00Z")]
    public void Parse_Iso8601ReducedDate_ReturnsStartOfPeriod(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("2003-335", "2003-12-01T00:00:00Z")]
    [InlineData("2003335", "2003-12-01T00:00:00Z")]
    [InlineData("2004-366", "2004-12-31T00:00:00Z")]
    [InlineData("2004-W53-6", "2005-01-01T00:00:00Z")]
    [InlineData("2009W011", "2008-12-29T00:00:00Z")]
    [InlineData("2009-W01", "2008-12-29T00:00:00Z")]
    public void Parse_OrdinalOrWeekDate_ReturnsDay(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Fact]
    public void Parse_FractionalSeconds_KeepsTheFraction()
    {
        var parsed = FeedDateParser.Parse("2003-12-31T10:14:55.1234Z");

        Assert.Equal(new DateTime(2003, 12, 31, 10, 14, 55).AddTicks(1_234_000), parsed!.Value.UtcDateTime);
    }

    [Theory]
    [InlineData("Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z")]
    [InlineData("Sun Jul 15 01:16:00 +0000 2012", "2012-07-15T01:16:00Z")]
    [InlineData("Mon Jan 2 15:04:05 MST 2006", "2006-01-02T22:04:05Z")]
    public void Parse_AsctimeOrUnixDate_ReturnsInstant(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z")]
    [InlineData("2004/01/04 16:29:06 PST", "2004-01-05T00:29:06Z")]
    public void Parse_PerforceFormat_ReturnsInstant(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("\u039a\u03c5\u03c1, 11 \u0399\u03bf\u03cd\u03bb 2004 12:00:00 EST", "2004-07-11T17:00:00Z")]
    [InlineData("2004-j\u00falius-13T9:15-05:00", "2004-07-13T14:15:00Z")]
    [InlineData("Montag, 2. Januar 2006 15:04", "2006-01-02T15:04:00Z")]
    [InlineData("lundi 2 f\u00e9vrier 2006", "2006-02-02T00:00:00Z")]
    [InlineData("2 de enero de 2006", "2006-01-02T00:00:00Z")]
    [InlineData("January 2nd, 2006 3:04 PM", "2006-01-02T15:04:00Z")]
    [InlineData("2 January 2006 12:00 am", "2006-01-02T00:00:00Z")]
    [InlineData("Jan. 2, 2006", "2006-01-02T00:00:00Z")]
    [InlineData("02.01.2006 15:04", "2006-01-02T15:04:00Z")]
    [InlineData("01/25/2006", "2006-01-25T00:00:00Z")]
    [InlineData("25/01/2006", "2006-01-25T00:00:00Z")]
    public void Parse_LocalisedOrWrittenDate_ReturnsInstant(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("2004\ub144 05\uc6d4 28\uc77c  01:31:15", "2004-05-27T16:31:15Z")]
    [InlineData("2004-05-25 \uc624\ud6c4 11:23:17", "2004-05-25T14:23:17Z")]
    [InlineData("2004-05-25 \uc624\uc804 12:23:17", "2004-05-24T15:23:17Z")]
    public void Parse_KoreanWithoutZone_AssumesKoreanTime(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input));

    [Theory]
    [InlineData("2003-13-01")]
    [InlineData("2003-12-32")]
    [InlineData("2003-02-29")]
    [InlineData("2003-12-31T25:14:55Z")]
    [InlineData("2003-12-31T10:61:55Z")]
    [InlineData("2003-12-31T10:14:61Z")]
    [InlineData("Sun, 99 Jun 2009 12:00:00 GMT")]
    [InlineData("Tue, 31 Jun 2003 04:00:00 GMT")]
    [InlineData("Tue, 10 Jun 2003 25:00:00 GMT")]
    [InlineData("Mon, 02 Jan 2006 15:04:05 +2500")]
    [InlineData("9999-12-31T23:59:59-99:99")]
    [InlineData("2004-W54")]
    [InlineData("2003-366")]
    public void Parse_OutOfRangeField_ReturnsNull(string input) =>
        Assert.Null(FeedDateParser.Parse(input));

    [Theory]
    [InlineData("Sun, 31 Dec 9999 23:59:59 -0100")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    public void Parse_InstantOutsideDateTimeOffsetRange_ReturnsNull(string input) =>
        Assert.Null(FeedDateParser.Parse(input));

    [Theory]
    [InlineData("Sun, 16 Dec 2012 1:2:3:4 GMT")]
    [InlineData("Sun, 16 zzz 2012 11:47:32 GMT")]
    [InlineData("Sun, Dec x 2012 11:47:32 GMT")]
    [InlineData("Sun, 16 Dec zz 11:47:32 GMT")]
    [InlineData("Sun, 16 Dec 2012 11:47:32 +zz:00")]
    [InlineData("Sun, 16 Dec 2012 11:47:32 +00:zz")]
    [InlineData("Sun, 31 Dec 9999 23:59:59 -9999")]
    [InlineData("22013")]
    [InlineData("013")]
    [InlineData("2013-01-27-01")]
    [InlineData("2013-01-28T11:30:00-06:00Textra")]
    [InlineData("2013-xx-27")]
    [InlineData("2013-01-28T09:xx:00Z")]
    [InlineData("2013-01-28T09:00:00+00:xx")]
    [InlineData("not a date at all")]
    [InlineData("Mon, 99 Xyz 2026 99:99:99 QQQ")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 GMT foo bar")]
    [InlineData("1136214245")]
    [InlineData("0000-00-00 00:00:00")]
    [InlineData("N/A")]
    [InlineData("12:00")]
    [InlineData("Jun 10")]
    [InlineData("Tue Jun 10 04:00:00")]
    [InlineData("2003-12-31 10:1-4:55 EST")]
    public void Parse_Garbage_ReturnsNull(string input) =>
        Assert.Null(FeedDateParser.Parse(input));

    [Theory]
    [InlineData("--12-31")]
    [InlineData("---31")]
    [InlineData("20")]
    [InlineData("03/04/2005")]
    [InlineData("Tue, 10 Jun 200 04:00:00 GMT")]
    public void Parse_DateThatNeedsAGuess_ReturnsNull(string input) =>
        Assert.Null(FeedDateParser.Parse(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_NullOrBlank_ReturnsNull(string? input) =>
        Assert.Null(FeedDateParser.Parse(input));

    [Fact]
    public void Parse_LoneSurrogate_ReturnsNull() =>
        Assert.Null(FeedDateParser.Parse("Mon, 02 Jan 2006 15:04:05 GMT" + '\ud800'));

    [Fact]
    public void Parse_OverlongText_ReturnsNull() =>
        Assert.Null(FeedDateParser.Parse("Mon, 02 Jan 2006 15:04:05 GMT" + new string(' ', 300) + "x"));

    [Theory]
    // A Chinese portal's dates: Beijing time, eight hours ahead of UTC.
    [InlineData("2026-11-28 10:00:00", "2026-11-28T02:00:00Z")]
    [InlineData("2026-11-28T10:00:00", "2026-11-28T02:00:00Z")]
    [InlineData("Sat, 28 Nov 2026 10:00:00", "2026-11-28T02:00:00Z")]
    [InlineData("2026/11/28 10:00", "2026-11-28T02:00:00Z")]
    [InlineData("2026-11-28", "2026-11-27T16:00:00Z")]
    // A date that names its zone keeps it.
    [InlineData("2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z")]
    [InlineData("2026-11-28T10:00:00+09:00", "2026-11-28T01:00:00Z")]
    [InlineData("Sat, 28 Nov 2026 10:00:00 GMT", "2026-11-28T10:00:00Z")]
    [InlineData("Sat, 28 Nov 2026 10:00:00 EST", "2026-11-28T15:00:00Z")]
    public void Parse_DateNamingNoZone_IsInTheFeedsZone(string input, string expectedUtc)
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        AssertInstant(expectedUtc, FeedDateParser.Parse(input, shanghai));
        using (FeedDateParser.InFeedZone(shanghai))
        {
            AssertInstant(expectedUtc, FeedDateParser.Parse(input));
        }
    }

    [Fact]
    public void Parse_DateNamingNoZone_OutsideAFeedsZone_IsUtc()
    {
        using (FeedDateParser.InFeedZone(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")))
        {
        }

        AssertInstant("2026-11-28T10:00:00Z", FeedDateParser.Parse("2026-11-28 10:00:00"));
    }

    [Theory]
    // Summer time in New York: four hours behind UTC, five in winter.
    [InlineData("2026-07-01 12:00:00", "2026-07-01T16:00:00Z")]
    [InlineData("2026-01-15 12:00:00", "2026-01-15T17:00:00Z")]
    // 02:30 on the day clocks spring forward does not exist there: read with the offset before.
    [InlineData("2026-03-08 02:30:00", "2026-03-08T07:30:00Z")]
    public void Parse_DateNamingNoZone_TakesTheZonesOffsetOnThatDay(string input, string expectedUtc) =>
        AssertInstant(expectedUtc, FeedDateParser.Parse(input, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")));

    [Fact]
    public void Parse_DateBeforeStandardTime_InAZoneOfLocalMeanTime_IsNotRefused()
    {
        // Shanghai kept +08:05:43 before 1901; an offset is kept to the minute.
        var parsed = FeedDateParser.Parse("1890-06-01 12:00:00", TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

        Assert.NotNull(parsed);
        Assert.Equal(0, parsed.Value.Offset.Seconds);
        Assert.InRange(parsed.Value.Offset, TimeSpan.FromHours(8), TimeSpan.FromHours(8.2));
    }

    private static void AssertInstant(string expectedUtc, DateTimeOffset? actual)
    {
        var expected = DateTime.ParseExact(
            expectedUtc, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.NotNull(actual);
        Assert.Equal(expected, actual.Value.UtcDateTime);
    }
}
