using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Normalizing;

/// <summary>
/// Page furniture on fixture feeds (Fixtures/Furniture) written in the spirit of what readers
/// follow: a scraped article's tail as HTML and as plain text, WordPress share and related blocks,
/// a newsroom's sign-off repeated under every item, Chinese portal furniture, and stories whose own
/// words sound like furniture, which must be kept whole.
/// </summary>
public sealed class PageFurnitureTests
{
    public static TheoryData<string, int, string[], string[]> Cases => new()
    {
        {
            "watchdesk-html.xml", 0,
            ["The cyberspace administration announced a month-long campaign", "Accounts that mobilise society", "Observers linked the timing"],
            ["Subscribe to Watch Desk", "Bridges Without Walls", "toggle below", "Google Ads", "Helping Hand", "Circumvention Tools", "Open popup", "Welcome back", "we need your support", "Regulators Open New Campaign"]
        },
        {
            "watchdesk-html.xml", 1,
            ["A district court sentenced a blogger", "His lawyer said the verdict would be appealed."],
            ["Subscribe to", "Bridges Without Walls", "Open popup", "Welcome back", "non-profit", "Court Jails Blogger"]
        },
        {
            "watchdesk-html.xml", 2,
            ["New rules require livestream hosts", "Platforms that fail to verify hosts face fines."],
            ["Subscribe to", "toggle below", "Welcome back", "non-profit"]
        },
        {
            "watchdesk-text.xml", 0,
            ["Leaked instructions show", "emoji combinations", "must also go"],
            ["Search Engines Ordered", "Subscribe to", "Bridges Without Walls", "toggle below", "Google Ads", "Helping Hand", "Circumvention Tools", "Click on the image", "Open popup", "Welcome back", "we need your support"]
        },
        {
            "wordpress.xml", 0,
            ["Mobile data was cut across two provinces"],
            ["appeared first on", "Open Net Monitor"]
        },
        {
            "wordpress.xml", 1,
            ["Traffic to a popular messaging app fell by 80 percent"],
            ["Share this", "Like this", "appeared first on"]
        },
        {
            "harbor-repeated.xml", 0,
            ["The legislature passed the security bill", "Critics said the speed"],
            ["Listen to this article", "Harbor Post is an independent"]
        },
        {
            "harbor-repeated.xml", 2,
            ["Subscribers to an offshore streaming service doubled", "Sign-ups came mostly from people over 40"],
            ["Listen to this article", "non-profit newsroom"]
        },
        {
            "zh-news.xml", 0,
            ["网信部门通报", "专项行动将持续一个月"],
            ["分享到", "扫描二维码", "责任编辑", "多地关闭违规公众号"]
        },
        {
            "zh-news.xml", 1,
            ["微博宣布调整热搜榜规则"],
            ["广告", "相关阅读", "版权所有"]
        },
        {
            "legit.xml", 0,
            ["Shares of Tencent fell 4 percent", "Share prices of smaller studios", "Advertising regulators also opened", "investors should follow the consultation"],
            []
        },
        {
            "legit.xml", 1,
            ["asked residents to donate", "Residents who donate receive a day off", "Copyright lawyers meanwhile warned"],
            []
        },
        {
            "legit.xml", 2,
            ["A consumer group argued", "Users who subscribe through an app store", "Related cases are pending"],
            []
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void StripAll_FixtureFeed_KeepsTheStoryAndDropsTheFurniture(string fixture, int item, string[] kept, string[] dropped)
    {
        var summary = Summaries(fixture, FurnitureRules.Default)[item];

        Assert.All(kept, text => Assert.Contains(text, summary, StringComparison.Ordinal));
        Assert.All(dropped, text => Assert.DoesNotContain(text, summary, StringComparison.Ordinal));
    }

    [Fact]
    public void StripAll_LegitimateStories_AreKeptWhole()
    {
        var document = Parse("legit.xml");
        var stripped = Summaries("legit.xml", FurnitureRules.Default);

        Assert.Equal(document.Items.Select(i => HtmlText.ToPlainText(i.Summary)), stripped);
    }

    [Fact]
    public void StripAll_ARelatedTopicsLine_IsDropped_AndTheRestKept()
    {
        var html = "<p>The app can now read images and slang.</p><p>Related Topics China Technology</p><p>The move follows new rules on reposts.</p>";

        Assert.Equal("The app can now read images and slang. The move follows new rules on reposts.", PageFurniture.StripAll([(html, "Censors read images")], FurnitureRules.Default)[0].Text);
    }

    [Theory]
    [InlineData("<p>Police detained the blogger on Saturday.</p><p>Editor: Liu Wei</p>")]
    [InlineData("<p>Police detained the blogger on Saturday.</p><p>(Reporting by Yew Lun Tian; Editing by Kim Coghill)</p>")]
    [InlineData("<p>Police detained the blogger on Saturday.</p><p>责任编辑：刘伟</p>")]
    public void StripAll_ASignOffAsTheLastBlock_IsDropped(string html) =>
        Assert.Equal("Police detained the blogger on Saturday.", PageFurniture.StripAll([(html, "Blogger detained")], FurnitureRules.Default)[0].Text);

    [Fact]
    public void StripAll_AnInterviewersLine_BeforeTheAnswer_IsKept()
    {
        var html = "<p>The mayor spoke to us on Monday.</p><p>Editor: Tell us about the cranes.</p><p>Mayor: They arrive in spring.</p>";

        Assert.Equal("The mayor spoke to us on Monday. Editor: Tell us about the cranes. Mayor: They arrive in spring.", PageFurniture.StripAll([(html, "The mayor")], FurnitureRules.Default)[0].Text);
    }

    [Fact]
    public void StripAll_HeuristicsOff_KeepsEverything()
    {
        var summary = Summaries("watchdesk-html.xml", new FurnitureRules([], [], Heuristics: false))[0];

        Assert.Contains("Subscribe to Watch Desk", summary, StringComparison.Ordinal);
        Assert.Contains("Welcome back!", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void StripAll_FeedSelectorsAndPatterns_RemoveWhatTheyName()
    {
        var rules = new FurnitureRules(
            ["blockquote", "h3"],
            [FurnitureRules.CompilePattern(@"^Observers linked.*$"), FurnitureRules.CompilePattern(@"(?s)^Subscribe to Watch Desk$.*")],
            Heuristics: false);

        var summary = Summaries("watchdesk-html.xml", rules)[0];

        Assert.Contains("The cyberspace administration announced", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Accounts that mobilise", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Observers linked", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Subscribe to", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Welcome back", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_CatastrophicPattern_TimesOutAndKeepsTheText()
    {
        var rules = new FurnitureRules([], [FurnitureRules.CompilePattern("^(a+)+$")], Heuristics: false);
        var blocks = new[] { new string('a', 40_000) + "!" };

        var result = PageFurniture.Strip(blocks, null, new HashSet<ulong>(), rules);

        Assert.True(result.PatternTimedOut);
        Assert.Equal(blocks[0], result.Text);
    }

    [Fact]
    public void RepeatedBlocks_TwoItems_AreTooFewToJudge()
    {
        var repeated = PageFurniture.RepeatedBlocks([["Story one.", "Sign-off."], ["Story two.", "Sign-off."]]);

        Assert.Empty(repeated);
    }

    private static List<string> Summaries(string fixture, FurnitureRules rules) =>
        PageFurniture.StripAll(Parse(fixture).Items.Select(i => (i.Summary ?? i.Content, HtmlText.CollapseWhiteSpace(i.Title ?? string.Empty))).ToList(), rules)
            .Select(r => r.Text)
            .ToList();

    private static ParsedFeed Parse(string fixture) =>
        FeedParser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Furniture", fixture)), new Uri("https://fixtures.example/feed.xml"));
}
