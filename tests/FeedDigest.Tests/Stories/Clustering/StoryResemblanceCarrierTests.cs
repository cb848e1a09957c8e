using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Tests.Digests;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>Copies as outlets and carriers present them: feeds of one outlet, wire labels, datelines and figures written otherwise.</summary>
public sealed class StoryResemblanceCarrierTests
{

    private const string Text = "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services that get around the Great Firewall.";

    private static bool CopyAcross(string t1, string s1, string l1, string f1, string t2, string s2, string l2, string f2) =>
        new StoryResemblance().IsCopy(DigestTestData.Story(1, t1, s1, link: l1, feedId: f1), DigestTestData.Story(2, t2, s2, link: l2, feedId: f2));

    // 1. One outlet, a full feed and a headline-only feed, links ?id= vs /slug.
    [Fact]
    public void AnOutletsHeadlinesFeedAndFullFeed_OnOneHost_CarryCopies() => Assert.True(CopyAcross(
        "China blocks VPN services", "", "https://harbor.example/article?id=4711", "harbor-headlines",
        "China blocks VPN services", Text, "https://harbor.example/news/china-blocks-vpn-services", "harbor"));

    // 2. One outlet, world and asia section feeds, headline-only, different paths.
    [Fact]
    public void AnOutletsTwoSectionFeeds_HeadlinesOnly_CarryCopies() => Assert.True(CopyAcross(
        "China blocks VPN services in censorship drive", "", "https://harbor.example/world/4711", "harbor-world",
        "China blocks VPN services in censorship drive", "", "https://harbor.example/asia/china-blocks-vpn", "harbor-asia"));

    // 3. A wire's label in its other forms, headline-only, two outlets.
    [Theory]
    [InlineData("UPDATE 1: China blocks VPN services")]
    [InlineData("UPDATE 1 – China blocks VPN services")]
    [InlineData("UPDATE 1 — China blocks VPN services")]
    [InlineData("China blocks VPN services (UPDATE 1)")]
    public void AWiresLabelInAnyForm_IsReadOffTheHeadline(string labelled) => Assert.True(CopyAcross(
        "China blocks VPN services", "", "https://harbor.example/a/1", "harbor",
        labelled, "", "https://wire.example/b/2", "wire"));

    // 4. Figures that are not news: a dateline, a timestamp, a figure cut short, figures written otherwise.
    [Theory]
    // Xinhua carried next day with the dateline's date changed only.
    [InlineData("BEIJING, Nov. 28 (Xinhua) -- " + Text, "BEIJING, Nov. 29 (Xinhua) -- " + Text)]
    // A timestamp at the top.
    [InlineData("Updated 10:32 GMT. " + Text, "Updated 11:05 GMT. " + Text)]
    // A feed cut mid-figure.
    [InlineData(Text, "Police in three provinces detained 4…")]
    [InlineData(Text, "Police in three provinces detained 4...")]
    [InlineData("Police in three provinces detained dozens of people accused of selling VPN access and fined them 1,500 yuan each, a week after regulators began shutting the services.", "Police in three provinces detained dozens of people accused of selling VPN access and fined them 1,5…")]
    [InlineData("Police in three provinces detained dozens of people accused of selling VPN access and running illegal proxy networks for foreign firms, universities and students in Shanghai, Beijing and Guangzhou, then fined them 1,500 yuan each, a week after regulators began shutting the services.", "Police in three provinces detained dozens of people accused of selling VPN access and running illegal proxy networks for foreign firms, universities and students in Shanghai, Beijing and Guangzhou, then fined them 1,5…")]
    [InlineData("Police in three provinces detained dozens of people accused of selling VPN access and fined them 2000 yuan each, a week after regulators began shutting the services.", "Police in three provinces detained dozens of people accused of selling VPN access and fined them 20…")]
    // Number formatting by two carriers.
    [InlineData("Police fined 1,500 people accused of selling VPN access, a week after regulators began shutting the services.", "Police fined 1500 people accused of selling VPN access, a week after regulators began shutting the services.")]
    [InlineData("Exports shrank 7.5% in March from a year earlier, while imports also fell, customs data showed on Saturday.", "Exports shrank 7.50% in March from a year earlier, while imports also fell, customs data showed on Saturday.")]
    [InlineData("Police said the blast at 3pm on Monday injured 12 people near the station, and a suspect was detained at the scene.", "Police said the blast at 3 p.m. on Monday injured 12 people near the station, and a suspect was detained at the scene.")]
    // "more than 100" vs "100-plus", ages.
    [InlineData("More than 100 people were detained after protests in the capital, police said on Sunday evening in a statement.", "100-plus people were detained after protests in the capital, police said on Sunday evening in a statement.")]
    [InlineData("John Smith, 52, was detained after protests in the capital, police said on Sunday evening in a statement.", "John Smith, 52 was detained after protests in the capital, police said on Sunday evening in a statement.")]
    public void ADatelineATimestampAFigureCutShortOrWrittenOtherwise_DoNotMakeAnUpdate(string summary, string other) => Assert.True(CopyAcross(
        "Police detain VPN sellers", summary, "https://harbor.example/a/1", "harbor",
        "Police detain VPN sellers", other, "https://wire.example/b/2", "wire"));

    // 4b. Same, under a reworded headline (the common cross-outlet case).
    [Fact]
    public void AnAgencysStoryCarriedNextDay_UnderAnotherHeadline_IsACopy() => Assert.True(CopyAcross(
        "Police detain VPN sellers", "BEIJING, Nov. 28 (Xinhua) -- " + Text, "https://harbor.example/a/1", "harbor",
        "China: 40 held for selling VPN access", "BEIJING, Nov. 29 (Xinhua) -- " + Text, "https://wire.example/b/2", "wire"));

    // 4c. One carrier keeps the dateline, the other drops it; a figure near the end of the text.
    [Fact]
    public void ACarrierDroppingTheDateline_IsACopy() => Assert.True(CopyAcross(
        "Police detain VPN sellers", "BEIJING, Nov. 28 (Xinhua) -- Police in three provinces detained dozens of people accused of selling VPN access, a week after regulators began shutting the services that get around the Great Firewall, and fined 12.", "https://harbor.example/a/1", "harbor",
        "Police detain VPN sellers", "Police in three provinces detained dozens of people accused of selling VPN access, a week after regulators began shutting the services that get around the Great Firewall, and fined 12.", "https://wire.example/b/2", "wire"));

    // 5. Real words, not labels: these compare as written.
    [Theory]
    [InlineData("Update on VPN crackdown", "Update on VPN crackdown")]
    [InlineData("Exclusive interview - VPN seller speaks", "Exclusive interview - VPN seller speaks")]
    [InlineData("Insight: China's VPN crackdown", "INSIGHT-China's VPN crackdown")]
    [InlineData("Exclusive: Huawei cuts jobs", "EXCLUSIVE-Huawei cuts jobs")]
    public void HeadlinesStartingWithUpdateOrExclusiveAsWords_StillCompare(string title, string other) => Assert.True(CopyAcross(
        title, "", "https://harbor.example/a/1", "harbor", other, "", "https://wire.example/b/2", "wire"));

    // 6. One feed's pieces under one headline.
    [Fact]
    public void OneFeedsPiecesUnderARecurringHeadline_OneWithASummary_AreNotCopies() => Assert.False(CopyAcross(
        "Sichuan earthquake latest", "", "https://news.example/a1", "news",
        "Sichuan earthquake latest", "Rescue teams reached Moxi.", "https://news.example/a2", "news"));
}
