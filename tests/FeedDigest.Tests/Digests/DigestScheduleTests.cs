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
    public void TryCron_Weekdays_SkipsTheWeekend()
    {
        Assert.True(DigestSchedule.TryCron(" 0 7 * * 1-5 ", Shanghai, out var schedule, out var error));
        Assert.Null(error);

        // Friday 2026-03-13 08:00 in Shanghai: the next weekday 07:00 is Monday 2026-03-16.
        Assert.Equal(Utc(2026, 3, 15, 23, 0), schedule!.NextAfter(Utc(2026, 3, 13, 0, 0)));
        Assert.Equal("cron \"0 7 * * 1-5\" (Asia/Shanghai)", schedule.Description);
    }

    [Theory]
    [InlineData("every morning")]
    [InlineData("61 7 * * *")]
    [InlineData("0 25 * * *")]
    [InlineData("0 0 7 * * *")]
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
