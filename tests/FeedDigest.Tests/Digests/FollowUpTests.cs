using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Digests;

/// <summary>Follow-ups of clusters the subscriber got: each its own story, told from a copy by its own words.</summary>
public sealed class FollowUpTests
{
    private const string FirstNews = "Regulators ordered the shutdown of VPN services used to get around the Great Firewall.";

    private static readonly StoredStory Got = DigestTestData.Story(1, "China blocks VPN services in censorship drive", FirstNews) with { ClusterId = 7 };

    // A1: the outlet writes two further articles about the story before the subscriber's next digest.
    [Fact]
    public void TwoFollowUpsOfOneOutlet_InOneRun_BothGoOut()
    {
        var police = DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens",
            "Police in three provinces detained 40 people accused of selling VPN access.") with { ClusterId = 7 };
        var apps = DigestTestData.Story(6, "Apple pulls VPN apps from its China store under censorship rules",
            "Apple removed dozens of apps from its App Store in China after a request from the internet regulator.") with { ClusterId = 7 };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [police, apps], 50,
            new HashSet<long> { 7 }, gotStories: [Got]);

        Assert.Contains(entries, entry => entry.StoryId == 5);
        Assert.Contains(entries, entry => entry.StoryId == 6); // fails: 6 is in no entry, and not counted as omitted
    }

    // A2: two outlets the subscriber got the story from each write a further article of their own.
    [Fact]
    public void FollowUpsOfTwoOutlets_ThatAreNotCopiesOfEachOther_AreEachAHeadline()
    {
        StoredStory[] got = [Got, DigestTestData.Story(2, "Censorship: China blocks VPN services", FirstNews, feedId: "wire") with { ClusterId = 7 }];
        var police = DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens",
            "Police in three provinces detained 40 people accused of selling VPN access.") with { ClusterId = 7 };
        var apps = DigestTestData.Story(6, "Apple pulls VPN apps from its China store under censorship rules",
            "Apple removed dozens of apps from its App Store in China after a request from the internet regulator.", feedId: "wire") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [police, apps], 50,
            new HashSet<long> { 7 }, gotStories: got);

        Assert.Equal([new DigestEntry(5, "censorship", 0), new DigestEntry(6, "censorship", 1)], entries.OrderBy(e => e.StoryId).Select((e, i) => e with { Position = i }));
    }

    // B: the 80% containment test reads the got story's few terms inside a longer follow-up as "a copy".
    [Theory]
    // A title-only feed: the follow-up's headline recaps the first one.
    [InlineData("China blocks VPN services", "",
        "Police detain VPN sellers after China blocks VPN services in censorship drive", "")]
    // The outlet's full-text feed: the follow-up's background paragraph restates the first news.
    [InlineData("China blocks VPN services in censorship drive", FirstNews,
        "Police detain VPN sellers",
        "Police in three provinces detained 40 people accused of selling VPN access, the first arrests since the ban. "
        + "Last week regulators ordered the shutdown of VPN services used to get around the Great Firewall, in a censorship drive "
        + "that has closed foreign news sites. Those detained face up to five years in prison, state media said, and more arrests are expected.")]
    // The same in Chinese: the follow-up's summary restates the first news.
    [InlineData("中国封锁VPN服务，加强网络审查", "监管部门下令关闭用于翻墙的VPN服务。",
        "警方拘留VPN销售者", "三个省份的警方拘留了40名涉嫌销售VPN服务的人。此前，监管部门下令关闭用于翻墙的VPN服务，加强网络审查。")]
    public void AFollowUpRecappingAShortStoryGot_GoesOut(string gotTitle, string gotSummary, string title, string summary)
    {
        var got = DigestTestData.Story(1, gotTitle, gotSummary) with { ClusterId = 7 };
        var followUp = DigestTestData.Story(5, title, summary) with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [followUp], 50,
            new HashSet<long> { 7 }, gotStories: [got]);

        Assert.Equal([new DigestEntry(5, "censorship", 0)], entries);
    }

    // E: a subscriber now holds two headlines in one cluster (the story and its follow-up); both are edited.
    [Fact]
    public void TwoHeadlinesOfOneCluster_BothEdited_BothGoOutAsUpdates()
    {
        var followUp = DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens",
            "Police in three provinces detained 40 people accused of selling VPN access.") with { ClusterId = 7 };
        var firstEdited = Got with { Sequence = 20, Title = Got.Title + " (corrected)", Revision = 1 };
        var followUpEdited = followUp with { Sequence = 21, Summary = "Police in four provinces detained 52 people accused of selling VPN access.", Revision = 1 };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [firstEdited, followUpEdited], 50,
            new HashSet<long> { 7 }, updatesWanted: new HashSet<long> { 1, 5 }, gotStories: [firstEdited, followUpEdited]);

        Assert.Equal([1L, 5L], entries.Where(entry => entry.Updated && entry.LeadStoryId is null).Select(entry => entry.StoryId).Order());
    }

    // C: "matches one of their topics by its own wording": here only another outlet's copy matches.
    [Fact]
    public void AFollowUpMatchingNoTopicOnItsOwnWords_StaysOut_EvenWhenACopyOfItDoes()
    {
        const string Police = "Police in three provinces detained 40 people accused of selling VPN access.";
        var followUp = DigestTestData.Story(5, "Police detain VPN sellers", Police) with { ClusterId = 7 };
        var copy = DigestTestData.Story(6, "Censorship drive: police detain VPN sellers", Police, feedId: "wire") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [followUp, copy], 50,
            new HashSet<long> { 7 }, gotStories: [Got]);

        Assert.Empty(entries);
    }

    // F1: an outlet that reuses a generic title ("Daily briefing", a live page) for each day's piece:
    // the same-title rule makes every later piece a "copy" of the first one the subscriber got.
    [Theory]
    [InlineData("Censorship daily briefing")]
    [InlineData("Live: China's censorship crackdown")]
    public void AFollowUpUnderTheOutletsRecurringTitle_GoesOut(string title)
    {
        var got = DigestTestData.Story(1, title, FirstNews) with { ClusterId = 7 };
        var next = DigestTestData.Story(5, title,
            "Police in three provinces detained 40 people accused of selling VPN access, the first arrests since the ban.") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [next], 50,
            new HashSet<long> { 7 }, gotStories: [got]);

        Assert.Equal([new DigestEntry(5, "censorship", 0)], entries);
    }

    // F2: two further articles by one outlet in one run, the second recapping the first (short) one:
    // AreCopies reads containment both ways, so they become one entry, and the second (same outlet)
    // is then dropped from "also" too: it is in no entry and not counted as omitted.
    [Fact]
    public void ASecondFollowUpRecappingTheFirst_InOneRun_IsNotLost()
    {
        var police = DigestTestData.Story(5, "Police detain VPN sellers", "Police detained VPN sellers.") with { ClusterId = 7 };
        var court = DigestTestData.Story(6, "Court jails VPN sellers police detained in censorship drive",
            "A court sentenced three of the VPN sellers police detained last week to five years in prison.") with { ClusterId = 7 };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [police, court], 50,
            new HashSet<long> { 7 }, gotStories: [Got]);

        Assert.Contains(entries, entry => entry.StoryId == 6);
    }

    // F3: README: "other outlets' copies of it are named under also". The follow-up's entry is led
    // by the copy when the copy's feed ranks first: the subscriber's outlet is demoted under "also".
    [Fact]
    public void AFollowUpLeadsItsEntry_NotAnotherOutletsCopyOfIt()
    {
        var gotFromWire = DigestTestData.Story(2, "Censorship: China blocks VPN services", FirstNews, feedId: "wire") with { ClusterId = 7 };
        const string Police = "Police in three provinces detained 40 people accused of selling VPN access in the censorship drive.";
        var followUp = DigestTestData.Story(5, "Police detain VPN sellers in censorship drive", Police, feedId: "wire") with { ClusterId = 7 };
        var copy = DigestTestData.Story(6, "Censorship drive: police detain VPN sellers", Police) with { ClusterId = 7 }; // harbor, ranked first

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [followUp, copy], 50,
            new HashSet<long> { 7 }, gotStories: [gotFromWire]);

        Assert.Equal([new DigestEntry(5, "censorship", 0), new DigestEntry(6, "censorship", 1, 5)], entries);
    }

    // F4: a title-only feed's update changes one figure: the copy test (Jaccard over the title's terms)
    // calls it a copy and it is lost.
    [Fact]
    public void ATitleOnlyUpdateWithANewFigure_GoesOut()
    {
        var got = DigestTestData.Story(1, "Censorship drive: police detain 40 VPN sellers") with { ClusterId = 7 };
        var update = DigestTestData.Story(5, "Censorship drive: police detain 400 VPN sellers") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [update], 50,
            new HashSet<long> { 7 }, gotStories: [got]);

        Assert.Equal([new DigestEntry(5, "censorship", 0)], entries);
    }

    // F6: Chinese, compared on character pairs: the agency's next report of the death toll keeps its set
    // phrasing and changes the figures (46 dead, then 65): Jaccard 0.88, a "copy", lost.
    [Fact]
    public void AChineseDeathTollUpdate_GoesOut()
    {
        var got = DigestTestData.Story(1, "四川泸定6.8级地震已造成46人遇难",
            "记者从四川省抗震救灾指挥部获悉，截至9月5日21时，四川甘孜州泸定县6.8级地震已造成46人遇难。") with { ClusterId = 7 };
        var update = DigestTestData.Story(5, "四川泸定6.8级地震已造成65人遇难",
            "记者从四川省抗震救灾指挥部获悉，截至9月6日12时，四川甘孜州泸定县6.8级地震已造成65人遇难。") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("quake"), QuakeCatalog(), [update], 50,
            new HashSet<long> { 7 }, gotStories: [got]);

        Assert.Equal([new DigestEntry(5, "quake", 0)], entries);
    }

    // F7: a subscriber got the harbor's follow-up, whose feed cuts summaries short; the wire (whose story
    // they got too) carries the same article in full under a reworded headline: not a copy of the short
    // one (only "the shorter within the longer" is a copy), so the same article goes out again.
    [Fact]
    public void TheFullTextOfAFollowUpTheyGotCutShort_IsNotSentAgain()
    {
        const string Full = "Police in three provinces detained 40 people accused of selling VPN access, the first arrests since regulators "
            + "ordered the services shut. Those detained face up to five years in prison, state media said, and officers seized "
            + "servers and payment records. More arrests are expected as the censorship campaign widens to app stores.";
        StoredStory[] got =
        [
            Got,
            DigestTestData.Story(2, "Censorship: China blocks VPN services", FirstNews, feedId: "wire") with { ClusterId = 7 },
            DigestTestData.Story(5, "Police detain 40 VPN sellers", "Police in three provinces detained 40 people accused of selling VPN access.") with { ClusterId = 7 },
        ];
        var wireFull = DigestTestData.Story(9, "Censorship drive: 40 held for selling VPN access", Full, feedId: "wire") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [wireFull], 50,
            new HashSet<long> { 7 }, gotStories: got);

        Assert.Empty(entries);
    }

    // F8: grouping of the follow-ups is order-dependent (first group with any copy, no union): the same
    // three stories give one entry in one order and two in another.
    [Fact]
    public void FollowUpGrouping_DoesNotDependOnTheOrder()
    {
        StoredStory[] got = [Got, DigestTestData.Story(2, "Censorship: China blocks VPN services", FirstNews, feedId: "wire") with { ClusterId = 7 }];
        var a = DigestTestData.Story(5, "Police detain VPN sellers", "Police detained 40 VPN sellers in three provinces.") with { ClusterId = 7 };
        var c = DigestTestData.Story(6, "Servers seized in censorship raids", "Officers seized servers and payment records.", feedId: "wire") with { ClusterId = 7 };
        var b = DigestTestData.Story(7, "Censorship raids: 40 VPN sellers held, servers seized",
            "Police detained 40 VPN sellers in three provinces. Officers seized servers and payment records.", feedId: "wire") with { ClusterId = 7 };

        int Entries(params StoredStory[] order) => DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), order, 50,
            new HashSet<long> { 7 }, gotStories: got).Entries.Count(entry => entry.LeadStoryId is null);

        Assert.Equal(Entries(b, a, c), Entries(a, c, b));
    }

    private static Catalog QuakeCatalog()
    {
        var options = new CatalogOptions
        {
            Feeds = [new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml", Title = "Xinhua" }],
            Topics = [new TopicOptions { Id = "quake", Name = "Earthquakes", Keywords = ["地震"] }],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        return catalog;
    }
}
