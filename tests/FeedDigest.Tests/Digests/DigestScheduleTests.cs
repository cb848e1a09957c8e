using FeedDigest.Core.Digests;

namespace FeedDigest.Tests.Digests;

public sealed class DigestScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public void NextAfter_DailyInShanghai_IsSevenLocalInUtc()
    {
        var schedule = DigestSchedule.Daily(new TimeOnly(7, 0), Shanghai);

        // 00:00Z is 08:00 in Shanghai, so today's 07:00 has passed: next is tomorrow 07:00 +08:00.
        Assert.Equal(Utc(2026, 3, 10, 23, 0), schedule.NextAfter(Utc(2026, 3, 10, 0, 0)));
        Assert.Equal(Utc(2026, 3, 9, 23, 0), schedule.NextAfter(Utc(2026, 3, 9, 22, 59)));
    }

    [Fact]
    public void NextAfter_ExactlyAnOccurrence_ReturnsTheFollowingOne()
    {
        var schedule = DigestSchedule.Daily(new TimeOnly(7, 0), Shanghai);

        Assert.Equal(Utc(2026, 3, 10, 23, 0), schedule.NextAfter(Utc(2026, 3, 9, 23, 0)));
    }

    [Fact]
    public void Daily_Description_NamesTimeAndZone() =>
        Assert.Equal("daily at 07:05 (Asia/Shanghai)", DigestSchedule.Daily(new TimeOnly(7, 5), Shanghai).Description);

    [Fact]
    public void Describe_InChinese_NamesEachKindOfSlotItsLimitsAndTheZone()
    {
        var weekdays = new HashSet<DayOfWeek> { DayOfWeek.Wednesday, DayOfWeek.Monday };
        var quiet = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0));
        Assert.True(DigestSchedule.TryCron("0 7 * * 1-5", Shanghai, out var cron, out _));

        Assert.Equal("每天 07:05（Asia/Shanghai）", DigestSchedule.Daily(new TimeOnly(7, 5), Shanghai).Describe(ScheduleWords.SimplifiedChinese));
        Assert.Equal("每小时第 15 分（Asia/Shanghai），22:00-07:00 免打扰", DigestSchedule.Hourly(15, Shanghai).Limited(null, quiet).Describe(ScheduleWords.SimplifiedChinese));
        Assert.Equal("每周五 18:30（Asia/Shanghai），仅限周一、周三", DigestSchedule.Weekly(DayOfWeek.Friday, new TimeOnly(18, 30), Shanghai).Limited(weekdays, null).Describe(ScheduleWords.SimplifiedChinese));
        Assert.Equal("依 cron 運算式「0 7 * * 1-5」（Asia/Shanghai）", cron!.Describe(ScheduleWords.TraditionalChinese));
        Assert.Equal("每週日 07:00（Asia/Shanghai），僅限週一、週三，22:00-07:00 勿擾", DigestSchedule.Weekly(DayOfWeek.Sunday, new TimeOnly(7, 0), Shanghai).Limited(weekdays, quiet).Describe(ScheduleWords.TraditionalChinese));
    }

    [Fact]
    public void Description_IsTheEnglishWording() =>
        Assert.Equal(
            "weekly on Friday at 18:30 (Asia/Shanghai), only on Mon, Wed, quiet 22:00-07:00",
            DigestSchedule.Weekly(DayOfWeek.Friday, new TimeOnly(18, 30), Shanghai).Limited(new HashSet<DayOfWeek> { DayOfWeek.Wednesday, DayOfWeek.Monday }, new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0))).Description);

    [Fact]
    public void NextAfter_NewYorkSpringForward_RunsOnceAtTheNextValidMoment()
    {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
        var schedule = DigestSchedule.Daily(new TimeOnly(2, 30), NewYork);

        var occurrences = Occurrences(schedule, Utc(2026, 3, 6, 12, 0), 3);

        Assert.Equal([Utc(2026, 3, 7, 7, 30), Utc(2026, 3, 8, 7, 0), Utc(2026, 3, 9, 6, 30)], occurrences);
        AssertOnePerLocalDay(occurrences, NewYork);
    }

    [Fact]
    public void NextAfter_NewYorkFallBack_RunsOnceAtTheFirstOfTheRepeatedTimes()
    {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST, so 01:30 happens at 05:30Z and again at 06:30Z.
        var schedule = DigestSchedule.Daily(new TimeOnly(1, 30), NewYork);

        var occurrences = Occurrences(schedule, Utc(2026, 10, 30, 12, 0), 3);

        Assert.Equal([Utc(2026, 10, 31, 5, 30), Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 2, 6, 30)], occurrences);
        AssertOnePerLocalDay(occurrences, NewYork);
    }

    [Fact]
    public void NextAfter_BetweenTheTwoRepeatedTimes_DoesNotRunAgainThatDay()
    {
        var schedule = DigestSchedule.Daily(new TimeOnly(1, 30), NewYork);

        Assert.Equal(Utc(2026, 11, 2, 6, 30), schedule.NextAfter(Utc(2026, 11, 1, 5, 45)));
    }

    [Fact]
    public void NextAfter_LondonSpringForward_RunsOnceAtTheNextValidMoment()
    {
        // 2026-03-29: 01:00 GMT jumps to 02:00 BST, so 01:30 does not exist that day.
        var schedule = DigestSchedule.Daily(new TimeOnly(1, 30), London);

        var occurrences = Occurrences(schedule, Utc(2026, 3, 27, 12, 0), 3);

        Assert.Equal([Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 30, 0, 30)], occurrences);
        AssertOnePerLocalDay(occurrences, London);
    }

    [Fact]
    public void NextAfter_LondonFallBack_RunsOnceAtTheFirstOfTheRepeatedTimes()
    {
        // 2026-10-25: 02:00 BST falls back to 01:00 GMT, so 01:30 happens at 00:30Z and again at 01:30Z.
        var schedule = DigestSchedule.Daily(new TimeOnly(1, 30), London);

        var occurrences = Occurrences(schedule, Utc(2026, 10, 23, 12, 0), 3);

        Assert.Equal([Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 26, 1, 30)], occurrences);
        AssertOnePerLocalDay(occurrences, London);
    }

    [Fact]
    public void NextAfter_HourlyInNewYorkFallBack_RunsInBothRepeatedHours()
    {
        // 01:15 EDT (05:15Z) and 01:15 EST (06:15Z) are two real hours apart from 00:15 and 02:15.
        var schedule = DigestSchedule.Hourly(15, NewYork);

        var occurrences = Occurrences(schedule, Utc(2026, 11, 1, 4, 0), 4);

        Assert.Equal([Utc(2026, 11, 1, 4, 15), Utc(2026, 11, 1, 5, 15), Utc(2026, 11, 1, 6, 15), Utc(2026, 11, 1, 7, 15)], occurrences);
    }

    [Fact]
    public void NextAfter_HourlyInLondonSpringForward_HasNoSlotInTheSkippedHour()
    {
        // 2026-03-29: 01:00 GMT jumps to 02:00 BST; 00:15 GMT is 00:15Z, 02:15 BST is 01:15Z.
        var schedule = DigestSchedule.Hourly(15, London);

        var occurrences = Occurrences(schedule, Utc(2026, 3, 28, 23, 30), 3);

        Assert.Equal([Utc(2026, 3, 29, 0, 15), Utc(2026, 3, 29, 1, 15), Utc(2026, 3, 29, 2, 15)], occurrences);
        Assert.Equal([0, 2, 3], occurrences.Select(o => TimeZoneInfo.ConvertTime(o, London).Hour));
    }

    [Fact]
    public void NextAfter_HourlyInShanghai_EveryHourOnTheMinute()
    {
        var schedule = DigestSchedule.Hourly(0, Shanghai);

        Assert.Equal([Utc(2026, 3, 10, 1, 0), Utc(2026, 3, 10, 2, 0)], Occurrences(schedule, Utc(2026, 3, 10, 0, 30), 2));
    }

    [Fact]
    public void NextAfter_WeeklyOnMondayInShanghai_IsMondayMorningLocal()
    {
        var schedule = DigestSchedule.Weekly(DayOfWeek.Monday, new TimeOnly(7, 0), Shanghai);

        // 2026-03-10 is a Tuesday; the next Monday 07:00 +08:00 is 2026-03-15 23:00Z (Sunday in UTC).
        var occurrences = Occurrences(schedule, Utc(2026, 3, 10, 0, 0), 2);

        Assert.Equal([Utc(2026, 3, 15, 23, 0), Utc(2026, 3, 22, 23, 0)], occurrences);
        Assert.All(occurrences, o => Assert.Equal(DayOfWeek.Monday, TimeZoneInfo.ConvertTime(o, Shanghai).DayOfWeek));
    }

    [Fact]
    public void NextAfter_WeeklyAcrossTheLondonSpringForward_StaysAtTheLocalTime()
    {
        var schedule = DigestSchedule.Weekly(DayOfWeek.Monday, new TimeOnly(8, 0), London);

        // Monday 2026-03-23 08:00 GMT, then Monday 2026-03-30 08:00 BST.
        Assert.Equal([Utc(2026, 3, 23, 8, 0), Utc(2026, 3, 30, 7, 0)], Occurrences(schedule, Utc(2026, 3, 20, 0, 0), 2));
    }

    [Fact]
    public void NextAfter_DailyOnWeekdaysOnly_PassesOverTheLocalWeekend()
    {
        // In Shanghai, Friday 2026-03-13 07:00 is 12 Mar 23:00Z; then Monday 16 Mar 07:00 is 15 Mar 23:00Z.
        var schedule = DigestSchedule.Daily(new TimeOnly(7, 0), Shanghai)
            .Limited(new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }, null);

        Assert.Equal([Utc(2026, 3, 12, 23, 0), Utc(2026, 3, 15, 23, 0)], Occurrences(schedule, Utc(2026, 3, 12, 0, 0), 2));
        Assert.EndsWith("only on Mon, Tue, Wed, Thu, Fri", schedule.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void NextAfter_HourlyWithQuietHoursAcrossMidnight_ResumesWhenTheyEnd()
    {
        var schedule = DigestSchedule.Hourly(0, NewYork).Limited(null, new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)));

        // 21:00 EDT (01:00Z) goes out, 22:00 to 06:00 are quiet, 07:00 EDT (11:00Z) goes out.
        Assert.Equal([Utc(2026, 6, 2, 1, 0), Utc(2026, 6, 2, 11, 0)], Occurrences(schedule, Utc(2026, 6, 2, 0, 30), 2));
    }

    [Theory]
    [InlineData("22:00", "07:00", "23:30", true)]
    [InlineData("22:00", "07:00", "06:59", true)]
    [InlineData("22:00", "07:00", "07:00", false)]
    [InlineData("12:00", "13:00", "12:30", true)]
    [InlineData("12:00", "13:00", "13:00", false)]
    public void QuietHours_Contains(string start, string end, string time, bool quiet) =>
        Assert.Equal(quiet, new QuietHours(TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture)).Contains(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void NextAfter_EverySlotQuiet_IsNull()
    {
        var schedule = DigestSchedule.Daily(new TimeOnly(23, 0), Shanghai).Limited(null, new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)));

        Assert.Null(schedule.NextAfter(Utc(2026, 3, 10, 0, 0)));
    }

    [Fact]
    public void TryCron_Weekdays_SkipsTheWeekend()
    {
        Assert.True(DigestSchedule.TryCron(" 0 7 * * 1-5 ", Shanghai, out var schedule, out var error));
        Assert.Null(error);

        // Friday 2026-03-13 08:00 in Shanghai: the next weekday 07:00 is Monday 2026-03-16.
        Assert.Equal(Utc(2026, 3, 15, 23, 0), schedule!.NextAfter(Utc(2026, 3, 13, 0, 0)));
        Assert.Equal("cron \"0 7 * * 1-5\" (Asia/Shanghai)", schedule.Description);
    }

    [Fact]
    public void TryCron_SixFields_HasSecondsFirst()
    {
        Assert.True(DigestSchedule.TryCron("30 0 7 * * *", Shanghai, out var schedule, out var error));
        Assert.Null(error);

        // 07:00:30 in Shanghai is 23:00:30 UTC the day before.
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 23, 0, 30, TimeSpan.Zero), schedule!.NextAfter(Utc(2026, 3, 10, 12, 0)));
    }

    [Theory]
    [InlineData("every morning")]
    [InlineData("61 7 * * *")]
    [InlineData("0 25 * * *")]
    [InlineData("61 0 7 * * *")]
    [InlineData("0 0 7 * * * *")]
    [InlineData("0 7 * *")]
    public void TryCron_BadExpression_ReturnsFalseWithError(string cron)
    {
        Assert.False(DigestSchedule.TryCron(cron, Shanghai, out var schedule, out var error));
        Assert.Null(schedule);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    private static List<DateTimeOffset> Occurrences(DigestSchedule schedule, DateTimeOffset from, int count)
    {
        var result = new List<DateTimeOffset>();
        var cursor = from;
        for (var i = 0; i < count; i++)
        {
            cursor = schedule.NextAfter(cursor) ?? throw new InvalidOperationException("no next occurrence");
            result.Add(cursor);
        }

        return result;
    }

    private static void AssertOnePerLocalDay(List<DateTimeOffset> occurrences, TimeZoneInfo zone)
    {
        var days = occurrences.Select(o => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(o, zone).DateTime)).ToList();
        Assert.Equal(days.Count, days.Distinct().Count());
        Assert.Equal(days[0].AddDays(2), days[^1]);
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
