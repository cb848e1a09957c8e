using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Tests.Digests;

namespace FeedDigest.Tests.Stories.Clustering;

public sealed class StoryResemblanceTests
{
    private const string Lead = "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services that get around the Great Firewall.";

    [Theory]
    // A wire story carried under another headline.
    [InlineData("Police detain VPN sellers as China's censorship drive widens", Lead, "China's censorship drive widens: police detain VPN sellers", Lead)]
    // A feed that cuts the summary after its first clause.
    [InlineData("Police detain VPN sellers as China's censorship drive widens", Lead, "Police detain VPN sellers as China's censorship drive widens", "Police in three provinces detained 40 people accused of selling VPN access")]
    // A republish under a reworded headline.
    [InlineData("China blocks VPN services", Lead, "UPDATE 1-China blocks VPN services, detains sellers", Lead)]
    // Chinese, compared on character pairs.
    [InlineData("警方拘留VPN销售者", "三个省份的警方拘留了40名涉嫌销售VPN服务的人。", "VPN销售者遭警方拘留", "三个省份的警方拘留了40名涉嫌销售VPN服务的人。")]
    public void Copies_AreCopies(string title, string summary, string otherTitle, string otherSummary)
    {
        var resemblance = new StoryResemblance();
        var story = DigestTestData.Story(1, title, summary);
        var other = DigestTestData.Story(2, otherTitle, otherSummary, feedId: "wire");

        Assert.True(resemblance.IsCopy(story, other));
    }

    [Theory]
    // The first news and its follow-up: the same event, further news.
    [InlineData("China blocks VPN services in new internet censorship drive", "Regulators ordered the shutdown of VPN services used to get around the Great Firewall, tightening online censorship.")]
    // Another outlet's own article on the same news.
    [InlineData("Chinese regulators shut VPN services in internet censorship push", "Authorities closed VPN services that people in China use to get around the Great Firewall, in the latest internet censorship push.")]
    public void ArticlesOfTheirOwn_AreNotCopies(string otherTitle, string otherSummary)
    {
        var resemblance = new StoryResemblance();
        var followUp = DigestTestData.Story(1, "Police detain VPN sellers as China's censorship drive widens", Lead);
        var other = DigestTestData.Story(2, otherTitle, otherSummary, feedId: "wire");

        Assert.False(resemblance.IsCopy(followUp, other));
    }

    [Fact]
    public void AHeadlineWithoutSummary_IsACopyOfTheStoryUnderIt_AFollowUpRecappingItIsNot()
    {
        var resemblance = new StoryResemblance();
        var headline = DigestTestData.Story(1, "China blocks VPN services");
        var article = DigestTestData.Story(2, "China blocks VPN services", "Regulators ordered the shutdown of VPN services used to get around the Great Firewall.", feedId: "wire");
        var recap = DigestTestData.Story(3, "Police detain VPN sellers after China blocks VPN services", "Police in three provinces detained 40 people accused of selling VPN access.");

        Assert.True(resemblance.IsCopy(headline, article));
        Assert.False(resemblance.IsCopy(recap, headline));
        Assert.False(resemblance.IsCopy(headline, recap));
    }

    [Fact]
    public void TheWholeText_IsACopyOfTheSummaryItBeginsWith_UnderAnotherHeadline_ARecapInOtherWordsIsNot()
    {
        var resemblance = new StoryResemblance();
        var summary = DigestTestData.Story(1, "Police detain 40 VPN sellers", "Police in three provinces detained 40 people accused of selling VPN access.");
        var whole = DigestTestData.Story(2, "Censorship drive: 40 held for selling VPN access",
            "Police in three provinces detained 40 people accused of selling VPN access, the first arrests since regulators ordered the services shut. "
            + "Those detained face up to five years in prison, state media said.", feedId: "wire");
        var recap = DigestTestData.Story(3, "Court jails VPN sellers",
            "A court sentenced three of the people police detained last week for selling VPN access to five years in prison.");

        Assert.True(resemblance.IsCopy(whole, summary));
        Assert.False(resemblance.IsCopy(recap, summary));
    }

    [Theory]
    [InlineData("Censorship drive: police detain 40 VPN sellers", "Censorship drive: police detain 400 VPN sellers")]
    [InlineData("四川泸定6.8级地震已造成46人遇难", "四川泸定6.8级地震已造成65人遇难")]
    public void AHeadlineWithOtherFigures_IsAnUpdate_NotACopy(string title, string updated)
    {
        var resemblance = new StoryResemblance();

        Assert.False(resemblance.IsCopy(DigestTestData.Story(1, title), DigestTestData.Story(2, updated)));
        Assert.True(resemblance.IsCopy(DigestTestData.Story(1, title), DigestTestData.Story(3, "UPDATE 1-" + title, feedId: "wire")));
    }

    [Fact]
    public void AWiresUpdateCount_IsNoFigure_TheRepublishIsACopy()
    {
        const string Lead = "BEIJING, April 13 (Reuters) - China's exports unexpectedly contracted in March from a year earlier, while imports also fell, customs data showed on Saturday, adding to pressure on policymakers to shore up a shaky economic recovery.";

        Assert.True(Copy("UPDATE 2-China's March exports shrink 7.5%", Lead, "UPDATE 3-China's March exports shrink 7.5%", Lead));
        Assert.True(Copy("China's March exports shrink 7.5% -- 4th Update", Lead, "China's March exports shrink 7.5%", Lead));
    }

    [Theory]
    // An agency's template report, next day, with the toll risen: in the summary only.
    [InlineData("Death toll from Sichuan earthquake rises",
        "CHENGDU, Sept. 5 (Xinhua) -- The death toll from a 6.8-magnitude earthquake that jolted Luding County in southwest China's Sichuan Province on Monday has risen to 21, local authorities said.",
        "CHENGDU, Sept. 6 (Xinhua) -- The death toll from a 6.8-magnitude earthquake that jolted Luding County in southwest China's Sichuan Province on Monday has risen to 65, local authorities said.")]
    [InlineData("泸定地震遇难人数上升", "新华社成都9月5日电 记者从四川省应急管理厅获悉，截至9月5日17时，泸定6.8级地震已造成21人遇难。",
        "新华社成都9月6日电 记者从四川省应急管理厅获悉，截至9月6日12时，泸定6.8级地震已造成65人遇难。")]
    public void ATemplateReportWithNewFigures_IsAnUpdate(string title, string summary, string nextSummary) =>
        Assert.False(Copy(title, summary, title, nextSummary));

    [Theory]
    [InlineData("Strong earthquake hits Sichuan province", "Strong aftershock hits Sichuan province")]
    [InlineData("Paula DeAnda Sings on The Voice 2014 Season 6 Blind Auditions March 10  ...", "Cierra Mickens Sings on The Voice 2014 Season 6 Blind Auditions (VIDEO)")]
    public void HeadlinesAloneAWordOrTwoApart_AreNotCopies(string title, string other) =>
        Assert.False(Copy(title, "", other, ""));

    [Fact]
    public void OneSitesPiecesUnderOneRecurringHeadline_AreNotCopies_TwoSitesUnderIt_Are()
    {
        var resemblance = new StoryResemblance();
        var first = DigestTestData.Story(1, "Sichuan earthquake latest", link: "https://news.example/a1");
        var next = DigestTestData.Story(2, "Sichuan earthquake latest", link: "https://news.example/a2");
        var elsewhere = DigestTestData.Story(3, "Sichuan earthquake latest", "Rescue teams reached Moxi.", link: "https://other.example/b1");

        Assert.False(resemblance.IsCopy(first, next));
        Assert.True(resemblance.IsCopy(first, elsewhere));
    }

    [Fact]
    public void ALiveBlogsPosts_LinkedByAnchor_AreNotOnePage()
    {
        var resemblance = new StoryResemblance();
        var post = DigestTestData.Story(1, "Sichuan earthquake live: rescuers reach Moxi", "Rescue teams have reached the town of Moxi, cut off since Monday's quake, state media report.", link: "https://news.example/live/sichuan-quake#post-101");
        var later = DigestTestData.Story(2, "Sichuan earthquake live: toll rises to 65", "The provincial government now puts the death toll at 65, with 12 people still missing.", link: "https://news.example/live/sichuan-quake#post-117");

        Assert.False(resemblance.IsCopy(post, later));
    }

    [Fact]
    public void StoriesOfOneWord_AreCopiesByTheirLinkAlone()
    {
        // Two feeds' photo posts, each titled only by a placeholder: nothing tells they are one picture.
        var resemblance = new StoryResemblance();
        var photo = DigestTestData.Story(1, "Untitled", "", link: "https://harbor.example/p/1");
        var otherPhoto = DigestTestData.Story(2, "Untitled", "", link: "https://wire.example/p/9", feedId: "wire");
        var samePage = DigestTestData.Story(3, "Untitled", "", link: "https://harbor.example/p/1", feedId: "wire");

        Assert.False(resemblance.IsCopy(photo, otherPhoto));
        Assert.True(resemblance.IsCopy(photo, samePage));
    }

    private static bool Copy(string title, string summary, string otherTitle, string otherSummary) =>
        new StoryResemblance().IsCopy(DigestTestData.Story(1, title, summary), DigestTestData.Story(2, otherTitle, otherSummary, feedId: "wire"));

    [Fact]
    public void TheSamePage_IsACopy_WhateverItsText()
    {
        var resemblance = new StoryResemblance();
        var story = DigestTestData.Story(1, "China blocks VPN services", "Regulators ordered the shutdown.", link: "https://harbor.example/news/vpn?utm_source=rss");
        var other = DigestTestData.Story(2, "Asia: censorship tightens", "A roundup of the week.", link: "http://HARBOR.example/news/vpn", feedId: "wire");

        Assert.True(resemblance.IsCopy(story, other));
    }
}
