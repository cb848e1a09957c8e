using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

public sealed class ClusteringOptionsTests
{
    [Fact]
    public void Validate_Defaults_ReportNothing()
    {
        var options = new ClusteringOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromHours(72), options.Window);
    }

    [Theory]
    [InlineData("Threshold")]
    [InlineData("MergeThreshold")]
    [InlineData("BackgroundMargin")]
    [InlineData("SameSourceThreshold")]
    [InlineData("Window")]
    [InlineData("Bands")]
    [InlineData("RowsPerBand")]
    [InlineData("CentroidTerms")]
    [InlineData("CandidatesPerBand")]
    [InlineData("MaxCandidateClusters")]
    public void Validate_BadValue_ReportsItNamingTheSetting(string setting)
    {
        var options = new ClusteringOptions();
        switch (setting)
        {
            case "Threshold": options.Threshold = 0; break;
            case "MergeThreshold": options.MergeThreshold = 1.5; break;
            case "BackgroundMargin": options.BackgroundMargin = -0.1; break;
            case "SameSourceThreshold": options.SameSourceThreshold = 1.2; break;
            case "Window": options.Window = TimeSpan.Zero; break;
            case "Bands": options.Bands = 0; break;
            case "RowsPerBand": options.RowsPerBand = 9; break;
            case "CentroidTerms": options.CentroidTerms = 4; break;
            case "CandidatesPerBand": options.CandidatesPerBand = 0; break;
            case "MaxCandidateClusters": options.MaxCandidateClusters = 1001; break;
        }

        var error = Assert.Single(options.Validate());
        Assert.StartsWith($"FeedDigest:Clustering:{setting} ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NaNThreshold_IsReported() =>
        Assert.Single(new ClusteringOptions { Threshold = double.NaN }.Validate());

    [Fact]
    public void StoryClusterer_InvalidOptions_RefusesToStart() =>
        Assert.Throws<ArgumentException>(() => new StoryClusterer(new FakeClusterIndex(), new ClusteringOptions { Threshold = 2 }));
}
