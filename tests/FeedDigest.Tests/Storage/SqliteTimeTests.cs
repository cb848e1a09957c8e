using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.Tests.Storage;

public sealed class SqliteTimeTests
{
    [Theory]
    [InlineData("2026-03-10T11:00:00+00:00", "2026-03-10T11:00:00.0000000Z")]
    [InlineData("2026-03-10T19:30:05.1234567+08:00", "2026-03-10T11:30:05.1234567Z")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.0000000Z")]
    public void ToText_IsUtcWithSevenFractionDigits_AsStoredRowsAlwaysWere(string time, string stored)
    {
        // Rows written before already hold this shape: it must not change, or text comparisons
        // between old and new times (next_check_at <= now) would go wrong.
        Assert.Equal(stored, SqliteTime.ToText(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void FromText_ReadsWhatToTextWrote_AsTheSameInstantInUtc()
    {
        var time = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.FromHours(8)).AddTicks(1234567);

        var read = SqliteTime.FromText(SqliteTime.ToText(time));

        Assert.Equal(time, read);
        Assert.Equal(TimeSpan.Zero, read.Offset);
    }
}
