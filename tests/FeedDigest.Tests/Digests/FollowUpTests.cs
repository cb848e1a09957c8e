using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Stories;

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

}
