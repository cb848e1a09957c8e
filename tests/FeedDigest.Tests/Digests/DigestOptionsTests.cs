using FeedDigest.Core.Digests;

namespace FeedDigest.Tests.Digests;

public sealed class DigestOptionsTests
{
    [Fact]
    public void Validate_Defaults_ReportNothing() =>
        Assert.Empty(new DigestOptions().Validate());

    [Theory]
    [InlineData("TickInterval")]
    [InlineData("MaxStoriesPerDigest")]
    [InlineData("SummaryLength")]
    [InlineData("NewSubscriberLookback")]
    [InlineData("RetryInterval")]
    public void Validate_BadValue_ReportsItNamingTheSetting(string setting)
    {
        var options = new DigestOptions();
        switch (setting)
        {
            case "TickInterval": options.TickInterval = TimeSpan.Zero; break;
            case "MaxStoriesPerDigest": options.MaxStoriesPerDigest = 1001; break;
            case "SummaryLength": options.SummaryLength = 10; break;
            case "NewSubscriberLookback": options.NewSubscriberLookback = TimeSpan.FromHours(-1); break;
            case "RetryInterval": options.RetryInterval = TimeSpan.FromMilliseconds(10); break;
        }

        var error = Assert.Single(options.Validate());

        Assert.StartsWith($"FeedDigest:Digests:{setting} ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Validate_MaxStoriesOutOfRange_IsReported(int value) =>
        Assert.Contains(
            new DigestOptions { MaxStoriesPerDigest = value }.Validate(),
            e => e.StartsWith("FeedDigest:Digests:MaxStoriesPerDigest", StringComparison.Ordinal));
}
