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

    [Fact]
    public void Find_TwoFeedsSwapTheirIds_BothAreRenamed_ThroughATemporaryId()
    {
        var renames = FeedRenames.Find([Feed("wire", HarborUrl), Feed("harbor", WireUrl)], [Stored("harbor", HarborUrl), Stored("wire", WireUrl)]);

        Assert.Equal([new FeedRename("harbor", "wire", HarborUrl), new FeedRename("wire", "harbor", WireUrl)], renames.Renamed);
        Assert.Empty(renames.Ambiguous);
        Assert.Empty(renames.Archived);
        Assert.Equal(3, renames.Moves.Count);
        Assert.Equal(new Dictionary<string, string> { ["harbor"] = "wire", ["wire"] = "harbor" }, Apply(renames.Moves, ["harbor", "wire"]));
    }

    [Fact]
    public void Find_OldIdGivenToAnotherUrlInTheSameEdit_IsARename_AndNotAmbiguous()
    {
        var renames = FeedRenames.Find([Feed("newswire", WireUrl), Feed("wire", new Uri("https://wire.example/opinion.atom"))], [Stored("wire", WireUrl)]);

        Assert.Equal([new FeedRename("wire", "newswire", WireUrl)], renames.Renamed);
        Assert.Empty(renames.Ambiguous);
        Assert.Empty(renames.Archived);
        Assert.Equal([new FeedIdMove("wire", "newswire")], renames.Moves);
    }

    [Fact]
    public void Find_RenamedToTheIdOfARemovedFeed_IsARename_AndTheRemovedFeedsRowIsArchived()
    {
        var oldUrl = new Uri("https://old.example/rss");
        var renames = FeedRenames.Find([Feed("old", WireUrl)], [Stored("old", oldUrl), Stored("wire", WireUrl)]);

        Assert.Equal([new FeedRename("wire", "old", WireUrl)], renames.Renamed);
        var archived = Assert.Single(renames.Archived);
        Assert.Equal("old", archived.OldId);
        Assert.Matches("^old~removed-[0-9a-f]{8}$", archived.NewId);
        Assert.Equal(oldUrl, archived.Source);
        Assert.Equal([new FeedIdMove("old", archived.NewId), new FeedIdMove("wire", "old")], renames.Moves);
    }

    [Fact]
    public void Find_ArchivedFeedsUrlConfiguredAgain_IsARenameOfTheArchivedRow()
    {
        var oldUrl = new Uri("https://old.example/rss");

        var renames = FeedRenames.Find([Feed("old", WireUrl), Feed("gazette", oldUrl)], [Stored("old~removed-0123abcd", oldUrl), Stored("old", WireUrl)]);

        Assert.Equal([new FeedRename("old~removed-0123abcd", "gazette", oldUrl)], renames.Renamed);
    }

    [Fact]
    public void Find_RenamedAlongAChain_EachIsRenamedOnceItsNewIdIsFree()
    {
        var ledgerUrl = new Uri("https://ledger.example/rss");

        var renames = FeedRenames.Find(
            [Feed("wire", HarborUrl), Feed("ledger", WireUrl), Feed("gazette", ledgerUrl)],
            [Stored("harbor", HarborUrl), Stored("wire", WireUrl), Stored("ledger", ledgerUrl)]);

        Assert.Equal([new FeedIdMove("ledger", "gazette"), new FeedIdMove("wire", "ledger"), new FeedIdMove("harbor", "wire")], renames.Moves);
    }

    [Fact]
    public void Find_TwoConfiguredFeedsHaveTheUrlOfAFeedWhoseIdMovedElsewhere_IsNoRename_ButAmbiguous()
    {
        var renames = FeedRenames.Find(
            [Feed("newswire", WireUrl), Feed("wire-news", WireUrl), Feed("wire", new Uri("https://wire.example/opinion.atom"))],
            [Stored("wire", WireUrl)]);

        Assert.Empty(renames.Renamed);
        var ambiguous = Assert.Single(renames.Ambiguous);
        Assert.Equal(["newswire", "wire-news"], ambiguous.NewIds);
        Assert.Equal(["wire"], ambiguous.RemovedIds);
    }

    [Fact]
    public void Find_ConfiguredWithTheFeedItsRemovedWebPageAdvertised_IsARename()
    {
        var page = new Uri("https://wire.example/news/");

        var renames = FeedRenames.Find([Feed("newswire", WireUrl)], [new StoredFeed("wire", page, WireUrl)]);

        Assert.Equal([new FeedRename("wire", "newswire", WireUrl)], renames.Renamed);
    }

    [Fact]
    public void Find_WebPageAndTheFeedItAdvertisesBothConfigured_IsNoRename_ButAmbiguous()
    {
        var page = new Uri("https://wire.example/news/");

        var renames = FeedRenames.Find([Feed("wire-page", page), Feed("newswire", WireUrl)], [new StoredFeed("wire", page, WireUrl)]);

        Assert.Empty(renames.Renamed);
        Assert.Equal([["wire-page"], ["newswire"]], renames.Ambiguous.Select(a => a.NewIds));
        Assert.All(renames.Ambiguous, a => Assert.Equal(["wire"], a.RemovedIds));
    }

    [Fact]
    public void Find_FeedAddedWithTheUrlAStoredFeedStillConfiguredByItsPageIsFetchedFrom_IsNoRename_ButAmbiguous()
    {
        var page = new Uri("https://wire.example/news/");

        var renames = FeedRenames.Find([Feed("wire", page), Feed("newswire", WireUrl)], [new StoredFeed("wire", page, WireUrl)]);

        Assert.Empty(renames.Renamed);
        Assert.Equal(["wire"], Assert.Single(renames.Ambiguous).ConfiguredIds);
    }

    /// <returns>Where each of <paramref name="ids"/> ends up after <paramref name="moves"/>, checking no two rows ever share an id.</returns>
    private static Dictionary<string, string> Apply(IReadOnlyList<FeedIdMove> moves, string[] ids)
    {
        var rows = ids.ToDictionary(id => id, id => id, StringComparer.Ordinal);
        foreach (var move in moves)
        {
            Assert.DoesNotContain(move.To, rows.Values);
            var row = Assert.Single(rows, r => r.Value == move.From).Key;
            rows[row] = move.To;
        }

        return rows;
    }

    private static Feed Feed(string id, Uri url) => new(id, url, null, [], null);

    private static StoredFeed Stored(string id, Uri url) => new(id, url);
}
