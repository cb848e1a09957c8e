using FeedDigest.Core.Feeds;

namespace FeedDigest.Tests.Feeds;

public sealed class FeedRenamesTests
{
    private static readonly Uri HarborUrl = new("https://harbor.example/feed.xml");
    private static readonly Uri WireUrl = new("https://wire.example/feed.atom");

    [Fact]
    public void Find_IdChangedUrlKept_IsARename()
    {
        var renames = FeedRenames.Find([Feed("harbor-times", HarborUrl), Feed("wire", WireUrl)], [Stored("harbor", HarborUrl), Stored("wire", WireUrl)]);

        Assert.Equal([new FeedRename("harbor", "harbor-times", HarborUrl)], renames.Renamed);
        Assert.Empty(renames.Ambiguous);
    }

    [Fact]
    public void Find_UrlWrittenWithAnotherCaseAndTheDefaultPort_IsTheSameUrl()
    {
        var renames = FeedRenames.Find([Feed("harbor-times", new Uri("HTTPS://Harbor.Example:443/feed.xml"))], [Stored("harbor", HarborUrl)]);

        Assert.Equal("harbor", Assert.Single(renames.Renamed).OldId);
    }

    [Fact]
    public void Find_EveryConfiguredFeedStored_IsNone()
    {
        Assert.Same(FeedRenames.None, FeedRenames.Find([Feed("harbor", HarborUrl)], [Stored("harbor", HarborUrl), Stored("wire", WireUrl)]));
    }

    [Fact]
    public void Find_NewFeedWithANewUrl_IsNeitherARenameNorAmbiguous()
    {
        Assert.Same(FeedRenames.None, FeedRenames.Find([Feed("harbor", HarborUrl), Feed("ledger", new Uri("https://ledger.example/rss"))], [Stored("harbor", HarborUrl), Stored("wire", WireUrl)]));
    }

    [Fact]
    public void Find_IdAndUrlBothChanged_IsANewFeed()
    {
        Assert.Same(FeedRenames.None, FeedRenames.Find([Feed("harbor-times", new Uri("https://harbor.example/v2/feed.xml"))], [Stored("harbor", HarborUrl)]));
    }

    [Fact]
    public void Find_OldIdStillConfigured_IsNoRename_ButAmbiguous()
    {
        var renames = FeedRenames.Find([Feed("harbor", HarborUrl), Feed("harbor-times", HarborUrl)], [Stored("harbor", HarborUrl)]);

        Assert.Empty(renames.Renamed);
        var ambiguous = Assert.Single(renames.Ambiguous);
        Assert.Equal(["harbor-times"], ambiguous.NewIds);
        Assert.Empty(ambiguous.RemovedIds);
        Assert.Equal(["harbor"], ambiguous.ConfiguredIds);
    }

    [Fact]
    public void Find_TwoRemovedFeedsHadTheUrl_IsNoRename_ButAmbiguous()
    {
        var renames = FeedRenames.Find([Feed("harbor-times", HarborUrl)], [Stored("harbor-copy", HarborUrl), Stored("harbor", HarborUrl)]);

        Assert.Empty(renames.Renamed);
        var ambiguous = Assert.Single(renames.Ambiguous);
        Assert.Equal(["harbor-times"], ambiguous.NewIds);
        Assert.Equal(["harbor", "harbor-copy"], ambiguous.RemovedIds);
        Assert.Empty(ambiguous.ConfiguredIds);
    }

    [Fact]
    public void Find_TwoNewFeedsWithTheUrlOfOneRemoved_IsNoRename_ButAmbiguous()
    {
        var renames = FeedRenames.Find([Feed("harbor-times", HarborUrl), Feed("harbor-news", HarborUrl)], [Stored("harbor", HarborUrl)]);

        Assert.Empty(renames.Renamed);
        var ambiguous = Assert.Single(renames.Ambiguous);
        Assert.Equal(["harbor-times", "harbor-news"], ambiguous.NewIds);
        Assert.Equal(["harbor"], ambiguous.RemovedIds);
    }

    [Fact]
    public void Find_TwoFeedsRenamedAtOnce_AreBothRenamed()
    {
        var renames = FeedRenames.Find([Feed("harbor-times", HarborUrl), Feed("newswire", WireUrl)], [Stored("harbor", HarborUrl), Stored("wire", WireUrl)]);

        Assert.Equal([new FeedRename("harbor", "harbor-times", HarborUrl), new FeedRename("wire", "newswire", WireUrl)], renames.Renamed);
    }

    private static Feed Feed(string id, Uri url) => new(id, url, null, [], null);

    private static StoredFeed Stored(string id, Uri url) => new(id, url);
}
