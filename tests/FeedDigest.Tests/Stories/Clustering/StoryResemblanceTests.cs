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
        Assert.True(resemblance.IsCopy(other, story));
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
    public void AShorterStoryWithinALongerOne_IsACopyOfIt_TheLongerRecappingItIsNot()
    {
        var resemblance = new StoryResemblance();
        var headline = DigestTestData.Story(1, "China blocks VPN services");
        var recap = DigestTestData.Story(2, "Police detain VPN sellers after China blocks VPN services", "Police in three provinces detained 40 people accused of selling VPN access.");

        Assert.False(resemblance.IsCopy(recap, headline));
        Assert.True(resemblance.IsCopy(headline, recap));
        Assert.True(resemblance.AreCopies(recap, headline));
    }

    [Fact]
    public void TheSamePage_IsACopy_WhateverItsText()
    {
        var resemblance = new StoryResemblance();
        var story = DigestTestData.Story(1, "China blocks VPN services", "Regulators ordered the shutdown.", link: "https://harbor.example/news/vpn?utm_source=rss");
        var other = DigestTestData.Story(2, "Asia: censorship tightens", "A roundup of the week.", link: "http://HARBOR.example/news/vpn", feedId: "wire");

        Assert.True(resemblance.IsCopy(story, other));
    }
}
