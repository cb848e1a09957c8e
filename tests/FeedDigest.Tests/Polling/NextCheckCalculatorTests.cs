using FeedDigest.Core.Polling;

namespace FeedDigest.Tests.Polling;

public sealed class NextCheckCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);
    private static readonly PollingOptions Options = new() { DefaultInterval = Interval, MaxInterval = TimeSpan.FromHours(24) };

    [Fact]
    public void AfterSuccess_FeedTtlLongerThanIntervalAndMaxAge_IsHonoured() =>
        Assert.Equal(Now + TimeSpan.FromHours(3), NextCheckCalculator.AfterSuccess(Now, Interval, TimeSpan.FromHours(2), TimeSpan.FromHours(3), Options));

    [Fact]
    public void AfterSuccess_FeedTtlShorterThanInterval_KeepsTheInterval() =>
        Assert.Equal(Now + Interval, NextCheckCalculator.AfterSuccess(Now, Interval, null, TimeSpan.FromMinutes(1), Options));

    [Fact]
    public void AfterSuccess_FeedTtlBeyondMaxInterval_IsCapped() =>
        Assert.Equal(Now + TimeSpan.FromHours(24), NextCheckCalculator.AfterSuccess(Now, Interval, null, TimeSpan.FromDays(7), Options));

    [Fact]
    public void AfterSuccess_NoServerHint_UsesTheInterval() =>
        Assert.Equal(Now + Interval, NextCheckCalculator.AfterSuccess(Now, Interval, null, null, Options));

    [Fact]
    public void AfterSuccess_LongerMaxAge_IsHonoured() =>
        Assert.Equal(Now + TimeSpan.FromHours(2), NextCheckCalculator.AfterSuccess(Now, Interval, TimeSpan.FromHours(2), null, Options));

    [Fact]
    public void AfterSuccess_ShorterMaxAge_KeepsTheInterval() =>
        Assert.Equal(Now + Interval, NextCheckCalculator.AfterSuccess(Now, Interval, TimeSpan.FromMinutes(5), null, Options));

    [Fact]
    public void AfterSuccess_MaxAgeBeyondMaxInterval_IsCapped() =>
        Assert.Equal(Now + TimeSpan.FromHours(24), NextCheckCalculator.AfterSuccess(Now, Interval, TimeSpan.FromDays(7), null, Options));

    [Fact]
    public void AfterSuccess_IntervalBeyondMaxInterval_IsCapped() =>
        Assert.Equal(Now + TimeSpan.FromHours(24), NextCheckCalculator.AfterSuccess(Now, TimeSpan.FromHours(48), null, null, Options));

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(4, 240)]
    [InlineData(5, 480)]
    public void AfterFailure_ConsecutiveErrors_BackOffExponentially(int errors, int expectedMinutes) =>
        Assert.Equal(Now + TimeSpan.FromMinutes(expectedMinutes), NextCheckCalculator.AfterFailure(Now, Interval, errors, null, Options));

    [Theory]
    [InlineData(7)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void AfterFailure_ManyErrors_IsCappedAtMaxInterval(int errors) =>
        Assert.Equal(Now + TimeSpan.FromHours(24), NextCheckCalculator.AfterFailure(Now, Interval, errors, null, Options));

    [Fact]
    public void AfterFailure_LongerRetryAfter_Wins() =>
        Assert.Equal(Now + TimeSpan.FromHours(3), NextCheckCalculator.AfterFailure(Now, Interval, 1, TimeSpan.FromHours(3), Options));

    [Fact]
    public void AfterFailure_ShorterRetryAfter_KeepsTheBackOff() =>
        Assert.Equal(Now + TimeSpan.FromMinutes(120), NextCheckCalculator.AfterFailure(Now, Interval, 3, TimeSpan.FromMinutes(10), Options));

    [Fact]
    public void AfterFailure_RetryAfterBeyondMaxInterval_IsCapped() =>
        Assert.Equal(Now + TimeSpan.FromHours(24), NextCheckCalculator.AfterFailure(Now, Interval, 1, TimeSpan.FromDays(3), Options));

    [Fact]
    public void LatestScheduledCheck_IsNeverBeforeACheckTheLongestSchedulesSet()
    {
        // A week's TTL, a month's Retry-After, a long run of errors: each with the jitter of many feeds.
        var longest = Enumerable.Range(0, 2000).SelectMany(i => new[]
        {
            NextCheckCalculator.WithJitter(NextCheckCalculator.AfterSuccess(Now, Interval, null, TimeSpan.FromDays(7), Options), Now, $"feed{i}"),
            NextCheckCalculator.WithJitter(NextCheckCalculator.AfterFailure(Now, Interval, 1, TimeSpan.FromDays(30), Options), Now, $"feed{i}"),
            NextCheckCalculator.WithJitter(NextCheckCalculator.AfterFailure(Now, Interval, 40, null, Options), Now, $"feed{i}"),
        }).Max();

        Assert.InRange(longest, Now + TimeSpan.FromHours(26), NextCheckCalculator.LatestScheduledCheck(Now, Options));
    }

    [Fact]
    public void WithinMaxInterval_LastCheckPlusTheNewMaxIntervalStillAhead_IsTheCheckThatPollWouldHaveSet()
    {
        var shortened = new PollingOptions { DefaultInterval = Interval, MaxInterval = TimeSpan.FromHours(2) };
        var checkedAt = Now.AddMinutes(-30);

        var next = NextCheckCalculator.WithinMaxInterval("harbor", checkedAt, Now, shortened);

        Assert.Equal(NextCheckCalculator.WithJitter(checkedAt + TimeSpan.FromHours(2), checkedAt, "harbor"), next);
        Assert.InRange(next, checkedAt.AddHours(2), checkedAt.AddHours(2.2));
    }

    [Fact]
    public void WithinMaxInterval_LastCheckLongerAgoThanTheNewMaxInterval_TenThousandFeedsAreSpreadOverTheNextMaxInterval()
    {
        var shortened = new PollingOptions { DefaultInterval = Interval, MaxInterval = TimeSpan.FromHours(2) };

        var next = Enumerable.Range(0, 10_000)
            .Select(i => NextCheckCalculator.WithinMaxInterval($"feed-{i}", Now.AddHours(-6), Now, shortened))
            .ToList();

        Assert.All(next, at => Assert.InRange(at, Now, Now.AddHours(2)));
        // 10,000 feeds over 7,200 s: a few a second (as many at random would be), not all in one, over the whole window.
        Assert.InRange(next.GroupBy(at => at.Ticks / TimeSpan.TicksPerSecond).Max(second => second.Count()), 1, 15);
        Assert.All(Enumerable.Range(0, 8), quarterHour => Assert.InRange(next.Count(at => (int)((at - Now).TotalMinutes / 15) == quarterHour), 1000, 1500));
    }

    [Fact]
    public void WithinMaxInterval_NeverChecked_IsSpreadOverTheNextMaxInterval() =>
        Assert.InRange(NextCheckCalculator.WithinMaxInterval("harbor", null, Now, Options), Now, Now.AddHours(24));
}
