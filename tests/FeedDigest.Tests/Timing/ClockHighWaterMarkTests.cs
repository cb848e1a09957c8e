using FeedDigest.Core.Timing;

namespace FeedDigest.Tests.Timing;

public sealed class ClockHighWaterMarkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_ClockGoesForward_ReportsNoStep_AndTheMarkFollows()
    {
        var mark = new ClockHighWaterMark();

        Assert.Equal(TimeSpan.Zero, mark.Observe(T0));
        Assert.Equal(TimeSpan.Zero, mark.Observe(T0.AddDays(400)));

        Assert.Equal(T0.AddDays(400), mark.Mark);
    }

    [Fact]
    public void Observe_ClockPutBackHalfAnHour_ReportsTheStepOnce()
    {
        var mark = new ClockHighWaterMark();
        mark.Observe(T0);
        mark.Observe(T0.AddMinutes(10));

        Assert.Equal(TimeSpan.FromMinutes(30), mark.Observe(T0.AddMinutes(-20)));
        Assert.Equal(T0.AddMinutes(-20), mark.Mark);
        Assert.Equal(TimeSpan.Zero, mark.Observe(T0.AddMinutes(-19)));
    }

    [Fact]
    public void Observe_ClockBackByNoMoreThanTheTolerance_ReportsNothing_AndKeepsTheMark()
    {
        var mark = new ClockHighWaterMark();
        mark.Observe(T0);

        Assert.Equal(TimeSpan.Zero, mark.Observe(T0 - ClockHighWaterMark.Tolerance));
        Assert.Equal(T0, mark.Mark);
        Assert.Equal(ClockHighWaterMark.Tolerance + TimeSpan.FromSeconds(1), mark.Observe(T0 - ClockHighWaterMark.Tolerance - TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Advance_RaisesTheMarkWithoutReporting_SoAStepAfterIsMeasuredFromIt()
    {
        var mark = new ClockHighWaterMark();
        mark.Observe(T0);
        mark.Advance(T0.AddMinutes(5));
        mark.Advance(T0.AddMinutes(-40));

        Assert.Equal(TimeSpan.FromMinutes(45), mark.Observe(T0.AddMinutes(-40)));
    }

    [Fact]
    public void Load_AMarkWrittenBeforeARestart_IsWhatTheFirstReadingIsMeasuredFrom()
    {
        var mark = new ClockHighWaterMark();
        Assert.False(mark.Loaded);

        mark.Load(T0);

        Assert.True(mark.Loaded);
        Assert.Equal(TimeSpan.FromHours(2), mark.Observe(T0.AddHours(-2)));
        var fresh = new ClockHighWaterMark();
        fresh.Load(null);
        Assert.Equal(TimeSpan.Zero, fresh.Observe(T0));
    }

    [Fact]
    public void ToRecord_WritesAtMostOnceATolerance_AndAlwaysAfterAStep()
    {
        var mark = new ClockHighWaterMark();
        mark.Load(null);
        mark.Observe(T0);
        Assert.Equal(T0, mark.ToRecord());
        mark.Recorded(T0);

        mark.Observe(T0.AddSeconds(59));
        Assert.Null(mark.ToRecord());
        mark.Observe(T0.AddMinutes(1));
        Assert.Equal(T0.AddMinutes(1), mark.ToRecord());
        mark.Recorded(T0.AddMinutes(1));

        mark.Observe(T0.AddMinutes(-30));
        Assert.Equal(T0.AddMinutes(-30), mark.ToRecord());
    }
}
