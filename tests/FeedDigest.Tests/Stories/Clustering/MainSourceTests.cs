using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>The feed most of a cluster's stories came from: a majority vote, one counter.</summary>
public sealed class MainSourceTests
{
    private static readonly long? Usgs = MainSource.KeyOf("usgs");
    private static readonly long? Reuters = MainSource.KeyOf("reuters");

    [Fact]
    public void With_AFeedsAlertsAndOneOtherOutletsReport_TheFeedStaysMain()
    {
        var main = MainSource.Of(Usgs).With(Usgs).With(Reuters).With(Usgs);

        Assert.Equal(new MainSource(Usgs, 2), main);
        Assert.True(main.IsMostly(Usgs));
        Assert.False(main.IsMostly(Reuters));
    }

    [Fact]
    public void With_AsManyFromOthers_LeavesNoLead_AndTheNextOtherTakesOver()
    {
        var even = MainSource.Of(Usgs).With(Reuters);
        var next = even.With(Reuters);

        Assert.False(even.IsMostly(Usgs));
        Assert.Equal(new MainSource(Reuters, 1), next);
    }

    [Fact]
    public void With_UnknownSources_CountForNone()
    {
        Assert.Equal(MainSource.Of(Usgs), MainSource.Of(Usgs).With(null));
        Assert.Equal(default, MainSource.Of(null));
        Assert.False(default(MainSource).IsMostly(null));
        Assert.Null(MainSource.KeyOf(""));
    }

    [Fact]
    public void Merge_TwoClusters_VotesOfBoth()
    {
        Assert.Equal(new MainSource(Usgs, 5), new MainSource(Usgs, 2).Merge(new MainSource(Usgs, 3)));
        Assert.Equal(new MainSource(Reuters, 1), new MainSource(Usgs, 2).Merge(new MainSource(Reuters, 3)));
        Assert.Equal(new MainSource(Usgs, 0), new MainSource(Usgs, 2).Merge(new MainSource(Reuters, 2)));
    }

    [Fact]
    public void KeyOf_IsTheTermHash_TheSameInEveryProcess() =>
        Assert.Equal(TermHash.Of("usgs"), MainSource.KeyOf("usgs"));
}
