using FeedDigest.Core.Polling;

namespace FeedDigest.Tests.Polling;

public sealed class PollingOptionsTests
{
    [Fact]
    public void Validate_Defaults_ReportNothing() =>
        Assert.Empty(new PollingOptions().Validate());

    [Theory]
    [InlineData("TickInterval")]
    [InlineData("DefaultInterval")]
    [InlineData("MaxInterval")]
    [InlineData("MaxConcurrentFetches")]
    [InlineData("MaxFeedsPerTick")]
    [InlineData("FetchTimeout")]
    [InlineData("MaxBodyBytes")]
    [InlineData("UserAgent")]
    public void Validate_BadValue_ReportsItNamingTheSetting(string setting)
    {
        var options = new PollingOptions();
        switch (setting)
        {
            case "TickInterval": options.TickInterval = TimeSpan.FromMilliseconds(500); break;
            case "DefaultInterval": options.DefaultInterval = TimeSpan.FromSeconds(30); options.MaxInterval = TimeSpan.FromHours(1); break;
            case "MaxInterval": options.MaxInterval = TimeSpan.FromMinutes(10); break;
            case "MaxConcurrentFetches": options.MaxConcurrentFetches = 0; break;
            case "MaxFeedsPerTick": options.MaxFeedsPerTick = 0; break;
            case "FetchTimeout": options.FetchTimeout = TimeSpan.FromMinutes(6); break;
            case "MaxBodyBytes": options.MaxBodyBytes = 100; break;
            case "UserAgent": options.UserAgent = "  "; break;
        }

        var error = Assert.Single(options.Validate());

        Assert.StartsWith($"FeedDigest:Polling:{setting} ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Validate_ConcurrencyOutOfRange_IsReported(int value) =>
        Assert.Contains(
            new PollingOptions { MaxConcurrentFetches = value }.Validate(),
            e => e.StartsWith("FeedDigest:Polling:MaxConcurrentFetches", StringComparison.Ordinal));

    [Fact]
    public void Validate_SeveralBadValues_ReportsEach() =>
        Assert.Equal(3, new PollingOptions { TickInterval = TimeSpan.Zero, MaxFeedsPerTick = 0, FetchTimeout = TimeSpan.Zero }.Validate().Count());
}
