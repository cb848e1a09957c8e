using FeedDigest.Core.Timing;

namespace FeedDigest.Tests.Timing;

public sealed class SaturatingTimeTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Add_WithinRange_IsPlainAddition()
    {
        Assert.Equal(Noon.AddHours(72), SaturatingTime.Add(Noon, TimeSpan.FromHours(72)));
        Assert.Equal(Noon.AddHours(-72), SaturatingTime.Add(Noon, TimeSpan.FromHours(-72)));
    }

    [Fact]
    public void Add_PastEitherEnd_StopsThere()
    {
        Assert.Equal(DateTimeOffset.MinValue, SaturatingTime.Add(DateTimeOffset.MinValue.AddHours(1), TimeSpan.FromHours(-72)));
        Assert.Equal(DateTimeOffset.MaxValue, SaturatingTime.Add(DateTimeOffset.MaxValue.AddHours(-1), TimeSpan.FromHours(72)));
        Assert.Equal(DateTimeOffset.MinValue, SaturatingTime.Add(DateTimeOffset.MinValue, TimeSpan.MinValue));
        Assert.Equal(DateTimeOffset.MaxValue, SaturatingTime.Add(DateTimeOffset.MaxValue, TimeSpan.MaxValue));
    }

    [Fact]
    public void Add_NearTheEndWithAnOffset_DoesNotOverflowTheLocalClock()
    {
        // 9999-12-31 20:00 at +08:00 is 12:00 UTC: ten hours on is still a time, though not at +08:00
        // (where DateTimeOffset.AddHours throws).
        var late = new DateTimeOffset(9999, 12, 31, 20, 0, 0, TimeSpan.FromHours(8));

        Assert.Equal(new DateTimeOffset(late.UtcDateTime.AddHours(10)), SaturatingTime.Add(late, TimeSpan.FromHours(10)));
        Assert.Equal(TimeSpan.Zero, SaturatingTime.Add(late, TimeSpan.FromHours(10)).Offset);
    }
}
