using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>The feed most of a cluster's stories came from: a majority vote, one counter.</summary>
public sealed class MainSourceTests
{
    private static readonly long? Usgs = MainSource.KeyOf("usgs");
    private static readonly long? Reuters = MainSource.KeyOf("reuters");
    private static readonly long? Xinhua = MainSource.KeyOf("xinhua");

    [Fact]
    public void With_AFeedsAlertsAndOneOtherOutletsReport_TheFeedStaysMain()
    {
        var main = MainSource.Of(Usgs).With(Usgs).With(Reuters).With(Usgs);

        Assert.Equal(new MainSource(Usgs, 2), main);
        Assert.True(main.IsMostly(Usgs, size: 3));
        Assert.False(main.IsMostly(Reuters, size: 3));
    }

    [Fact]
    public void IsMostly_ThreeOutletsOneStoryEach_NoneOfThem_ThoughTheLastLeadsTheVote()
    {
        // A story from the last outlet's feed would otherwise need a feed's own bar to join the
        // other outlets' copies: its follow-up stayed apart from them.
        var main = MainSource.Of(Usgs).With(Xinhua).With(Reuters);

        Assert.Equal(new MainSource(Reuters, 1), main);
        Assert.False(main.IsMostly(Reuters, size: 3));
        Assert.False(main.IsMostly(Usgs, size: 3));
    }

    [Fact]
    public void IsMostly_AFeedsOwnCluster_AndOneMostlyOfIt_ButNotOneHalfOthersInTurn()
    {
        Assert.True(MainSource.Of(Usgs).IsMostly(Usgs, size: 1));
        Assert.True(MainSource.Of(Reuters).With(Usgs).With(Usgs).With(Usgs).With(Usgs).IsMostly(Usgs, size: 5));
        Assert.False(MainSource.Of(Usgs).With(Reuters).With(Usgs).With(Reuters).IsMostly(Usgs, size: 4));
    }

    [Fact]
    public void IsMostly_AFeedsSecondStoryInARow_AfterOtherOutlets_LeadsByTwo()
    {
        // Half the cluster, not more; but a template's alerts arrive in runs.
        var main = MainSource.Of(Reuters).With(Xinhua).With(Usgs).With(Usgs);

        Assert.Equal(new MainSource(Usgs, 2), main);
        Assert.True(main.IsMostly(Usgs, size: 4));
    }

    [Fact]
    public void With_AsManyFromOthers_LeavesNoLead_AndTheNextOtherTakesOver()
    {
        var even = MainSource.Of(Usgs).With(Reuters);
        var next = even.With(Reuters);

        Assert.False(even.IsMostly(Usgs, size: 2));
        Assert.Equal(new MainSource(Reuters, 1), next);
    }

    [Fact]
    public void With_UnknownSources_CountForNone()
    {
        Assert.Equal(MainSource.Of(Usgs), MainSource.Of(Usgs).With(null));
        Assert.Equal(default, MainSource.Of(null));
        Assert.False(default(MainSource).IsMostly(null, size: 1));
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
