using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;

namespace FeedDigest.Tests.Topics;

public sealed class TopicQueryMatchingTests
{
    private static readonly Feed Wire = new("northbridge-wire", new Uri("https://wire.example/feed.atom"), "Northbridge Wire", ["wire"], null) { Language = "en" };
    private static readonly Feed Kuaixun = new("xinwen-kuaixun", new Uri("https://kuaixun.example/rss"), "新闻快讯", ["zh"], null) { Language = "zh-CN" };

    [Theory]
    [InlineData("CENSORSHIP tightens", "censorship")]
    [InlineData("censorship tightens", "Censorship")]
    [InlineData("Café culture returns", "cafe")]
    [InlineData("Cafe culture returns", "café")]
    [InlineData("São Paulo floods", "\"Sao Paulo\"")]
    [InlineData("Straße closed", "strasse")]
    [InlineData("ＶＰＮ ban", "vpn")]
    [InlineData("コンピュータ検閲", "こんぴゅーた")]
    public void Matches_CaseAccentsWidthAndKana_AreIgnored(string title, string query) =>
        Assert.True(Matches(query, Story(title)));

    [Theory]
    [InlineData("A long article about trade", "art")]
    [InlineData("Smartphones sell well", "art")]
    [InlineData("Officials said so", "AI")]
    [InlineData("Great Firewalls of the world", "\"Great Firewall\"")]
    [InlineData("A great wall of fire", "\"Great Firewall\"")]
    public void Matches_WordInsideALatinWord_DoesNotMatch(string title, string query) =>
        Assert.False(Matches(query, Story(title)));

    [Theory]
    [InlineData("Modern art, old masters", "art")]
    [InlineData("(AI) regulation", "AI")]
    [InlineData("VPN sellers fined as great firewall enforcement tightens", "\"Great Firewall\"")]
    [InlineData("Beijing扩大审查范围", "Beijing")]
    public void Matches_WholeWordOrPhrase_Matches(string title, string query) =>
        Assert.True(Matches(query, Story(title)));

    [Theory]
    [InlineData("网络审查制度", "审查")]
    [InlineData("当局加强网络审查", "审查")]
    [InlineData("検閲が強化された", "検閲")]
    [InlineData("Beijing扩大审查范围", "审查")]
    [InlineData("검열이 강화되었다", "검열")]
    [InlineData("當局加強網絡審查", "网络审查")] // a Traditional headline, a Simplified keyword
    [InlineData("当局加强网络审查", "網絡審查")] // and the other way round
    [InlineData("香港立法會通過國安條例", "\"国安条例\"")]
    [InlineData("衞生署公布流感數字", "卫生署")] // Hong Kong's 衞 for 衛
    [InlineData("香港衞生署公布流感數字", "衛生署")]
    public void Matches_CjkTermInsideText_Matches(string title, string query) =>
        Assert.True(Matches(query, Story(title)));

    [Theory]
    [InlineData("台灣團體批評中國網路審查", "网络审查")] // Taiwan's 網路 is the mainland's 网络
    [InlineData("当局加强网络审查", "網路審查")] // a Taiwanese reader's keyword, a mainland headline
    [InlineData("當局加強網絡審查", "網路審查")] // Hong Kong writes the mainland's word
    [InlineData("中研院發布人工智慧報告", "人工智能")]
    [InlineData("多個微博帳號被封", "微博账号")]
    [InlineData("多家網際網路公司接獲通知", "互联网公司")]
    [InlineData("當局要求下架翻牆軟體", "翻墙软件")]
    [InlineData("監管機構調查數位人民幣錢包", "数字人民币")]
    [InlineData("台灣個人資料外洩事件", "\"个人数据 外泄\"")]
    [InlineData("台灣公布網路資訊安全報告", "网络信息安全")] // two words, both Taiwan's
    public void Matches_KeywordWithOneRegionsWord_MatchesTheOtherRegionsWord(string title, string query) =>
        Assert.True(Matches(query, Story(title)));

    [Theory]
    [InlineData("新款互联网路由器上市", "网络")] // a two-character keyword alone is not varied: 网路 spans 互联网|路由器
    [InlineData("部落格斗的传统", "博客")]
    [InlineData("电影局加强影片审查", "视频审查")] // a mainland 影片 is a film: not a listed pair
    [InlineData("数位经济学家认为增长放缓", "数字经济")] // 数位 is also "several"
    [InlineData("走在生死线上审查队伍", "在线审查")]
    [InlineData("新しい人工智慧の研究が始まった", "人工智能")] // the other region's word is looked for in Chinese stories only
    public void Matches_RegionalVariants_NotForShortWordsUnlistedPairsNorJapaneseText(string title, string query) =>
        Assert.False(Matches(query, Story(title)));

    [Fact]
    public void Matches_RegionalVariants_NotInAFeedsTitle_AndANegatedKeywordLeavesOutTheOtherRegionsWordToo()
    {
        Assert.False(Matches("source:网络新闻", Story("新闻", feed: "网路新闻")));
        Assert.False(Matches("审查 -网络审查", Story("台灣批評中國網路審查")));
    }

    [Fact]
    public void Explain_AVariantsHit_IsReportedAsTheKeywordWritten()
    {
        Assert.True(TopicQuery.TryParse("人工智能", out var query, out _));
        var matcher = new TopicMatcher([], [Wire, Kuaixun]);

        var hit = Assert.Single(matcher.Explain(query, Story("中研院發布人工智慧報告")));
        Assert.Equal("人工智能 in title", hit.ToString());
    }

    [Theory]
    [InlineData("政府は入国審査を強化した", "审查")] // 審査 is screening, 审查 censorship
    [InlineData("政府は入国審査を強化した", "審查")]
    [InlineData("机上の空論だと批判された", "機上")] // desk-bound, not on board
    [InlineData("一週間の予定を発表", "一周")]
    public void Matches_JapaneseWordsThatShareTraditionalForms_DoNotMatchOtherWords(string title, string query) =>
        Assert.False(Matches(query, Story(title)));

    [Theory]
    [InlineData("他带着名片去开会", "著名")] // 著 (famous) is not 着: Taiwan writes 着 as 著 only in some words
    [InlineData("显著进展", "着")]
    public void Matches_SimplifiedCharactersThatAreARegionalFormToo_DoNotMatchOtherCharacters(string title, string query) =>
        Assert.False(Matches(query, Story(title)));

    [Theory]
    [InlineData("政府は入国審査を強化した", "審査")]
    [InlineData("機上で急病人が出た", "機上")]
    [InlineData("一週間の予定を発表", "一週間")]
    public void Matches_JapaneseKeyword_MatchesJapaneseTextAsWritten(string title, string query) =>
        Assert.True(Matches(query, Story(title)));

    [Fact]
    public void Matches_AKanjiOnlyHeadlineOfAFeedConfiguredAsJapanese_IsReadAsWritten()
    {
        var nikkan = new Feed("nikkan", new Uri("https://nikkan.example/rss"), "日刊", ["ja"], null) { Language = "ja" };
        Assert.True(TopicQuery.TryParse("审查", out var censorship, out _));
        Assert.True(TopicQuery.TryParse("審査", out var screening, out _));
        var matcher = new TopicMatcher([new Topic("c", "C", censorship!, TopicFeedFilter.AllFeeds), new Topic("s", "S", screening!, TopicFeedFilter.AllFeeds)], [nikkan, Kuaixun]);

        Assert.Equal(["s"], matcher.Match(Story("入国審査強化", feed: "nikkan")).Select(t => t.Id));
        // The same headline in a Chinese feed is read in Simplified characters, where 审 is 審.
        Assert.Contains("c", matcher.Match(Story("當局加強網絡審查", feed: "xinwen-kuaixun")).Select(t => t.Id));
    }

    [Fact]
    public void Matches_SourceOfAFeedConfiguredAsJapanese_ReadsItsKanjiOnlyTitleAsWritten()
    {
        var screening = new Feed("shinsa", new Uri("https://shinsa.example/rss"), "審査速報", ["ja"], null) { Language = "ja" };
        var censorship = new Feed("shencha", new Uri("https://shencha.example/rss"), "審查速報", ["zh"], null) { Language = "zh-TW" };
        Assert.True(TopicQuery.TryParse("source:审查", out var query, out _));
        var matcher = new TopicMatcher([new Topic("c", "C", query!, TopicFeedFilter.AllFeeds)], [screening, censorship]);

        Assert.Empty(matcher.Match(Story("Visa rules", feed: "shinsa")));
        Assert.Single(matcher.Match(Story("Visa rules", feed: "shencha")));
    }

    [Fact]
    public void Matches_Source_ReadsTheFeedsTitleAsTheStoryIsRead()
    {
        // No language configured: a story with kana is read as written, and so is its feed's title for it.
        var feed = new Feed("shencha", new Uri("https://shencha.example/rss"), "審查速報", ["zh"], null);
        Assert.True(TopicQuery.TryParse("source:審查", out var traditional, out _));
        Assert.True(TopicQuery.TryParse("source:审查", out var simplified, out _));
        var matcher = new TopicMatcher([new Topic("t", "T", traditional!, TopicFeedFilter.AllFeeds), new Topic("s", "S", simplified!, TopicFeedFilter.AllFeeds)], [feed]);

        Assert.Equal(["t"], matcher.Match(Story("入国審査を強化", feed: "shencha")).Select(t => t.Id));
        Assert.Equal(["t", "s"], matcher.Match(Story("當局加強網絡審查", feed: "shencha")).Select(t => t.Id));
    }

    [Fact]
    public void Matches_KeywordList_InEitherScript_MatchesChineseInEither()
    {
        Assert.Equal(-1, TopicQuery.TryFromKeywords(["網絡審查"], out var traditional));
        Assert.Equal(-1, TopicQuery.TryFromKeywords(["网络审查"], out var simplified));
        var matcher = new TopicMatcher([new Topic("t", "T", traditional!, TopicFeedFilter.AllFeeds), new Topic("s", "S", simplified!, TopicFeedFilter.AllFeeds)], [Wire, Kuaixun]);

        Assert.Equal(2, matcher.Match(Story("当局加强网络审查")).Count);
        Assert.Equal(2, matcher.Match(Story("當局加強網絡審查")).Count);
        Assert.Equal("網絡審查", traditional!.Text);
    }

    [Fact]
    public void Matches_CjkTermAbsent_DoesNotMatch() =>
        Assert.False(Matches("审查", Story("网络安全法")));

    [Theory]
    [InlineData("censor*", "Censorship grows", true)]
    [InlineData("censor*", "Censors at work", true)]
    [InlineData("censor*", "The censor", true)]
    [InlineData("censor*", "Uncensored files", false)]
    [InlineData("e-gov*", "E-government plans", true)]
    public void Matches_Prefix_MatchesWordStarts(string query, string title, bool expected) =>
        Assert.Equal(expected, Matches(query, Story(title)));

    [Theory]
    [InlineData("censorship VPN", "Censorship and VPN", true)]
    [InlineData("censorship VPN", "Censorship only", false)]
    [InlineData("censorship OR VPN", "VPN only", true)]
    [InlineData("censorship NOT sports", "Censorship in sports", false)]
    [InlineData("censorship -sports", "Censorship in film", true)]
    [InlineData("NOT sports", "Weather", true)]
    [InlineData("(VPN OR proxy) (ban OR block*)", "Proxy blocked", true)]
    [InlineData("(VPN OR proxy) (ban OR block*)", "Proxy allowed", false)]
    public void Matches_Operators_CombineAsParsed(string query, string title, bool expected) =>
        Assert.Equal(expected, Matches(query, Story(title)));

    [Fact]
    public void Matches_Scopes_LookOnlyInTheirField()
    {
        var story = Story("VPN sellers fined", "Courts fined shops over the Great Firewall.", categories: ["Online censorship", "Technology"]);

        Assert.True(Matches("title:VPN", story));
        Assert.False(Matches("summary:VPN", story));
        Assert.True(Matches("summary:\"great firewall\"", story));
        Assert.False(Matches("title:\"great firewall\"", story));
        Assert.True(Matches("VPN", story));
        Assert.True(Matches("category:\"online censorship\"", story));
        Assert.False(Matches("category:\"censorship technology\"", story));
        Assert.False(Matches("censorship", story));
        Assert.True(Matches("source:northbridge", story));
        Assert.True(Matches("source:\"northbridge wire\"", story));
        Assert.False(Matches("source:reuters", story));
        Assert.True(Matches("lang:en", story));
        Assert.False(Matches("lang:zh", story));
    }

    [Fact]
    public void Matches_Lang_MatchesTheFeedsTagAndItsSubtags()
    {
        var story = Story("网信部门关闭账号", feed: Kuaixun.Id);

        Assert.True(Matches("lang:zh", story));
        Assert.True(Matches("lang:zh-CN", story));
        Assert.True(Matches("lang:z*", story));
        Assert.False(Matches("lang:zh-TW", story));
        Assert.False(Matches("lang:z", story));
        Assert.True(Matches("source:新闻快讯", story));
        Assert.True(Matches("source:xinwen-kuaixun", story));
    }

    [Fact]
    public void Matches_FeedNotConfigured_HasNoLanguageAndIsKnownByItsId()
    {
        var story = Story("Censorship", feed: "gone-feed");

        Assert.False(Matches("lang:en", story));
        Assert.True(Matches("source:gone-feed censorship", story));
    }

    [Fact]
    public void Explain_TermsThatHit_AreListedWithTheirFieldButNotNegatedOnes()
    {
        Assert.True(TopicQuery.TryParse("(censorship OR 审查 OR VPN) -sports category:wechat", out var query, out _));
        var matcher = new TopicMatcher([], [Wire, Kuaixun]);
        var story = Story("Censorship of WeChat", "Regulators shut accounts; 网络审查 widens.", categories: ["WeChat"]);

        var hits = matcher.Explain(query, story);

        Assert.Equal(["censorship in title", "审查 in summary", "wechat in category"], hits.Select(h => h.ToString()));
        Assert.Empty(matcher.Explain(query, Story("Censorship of sports", categories: ["WeChat"])));
    }

    private static bool Matches(string text, StoredStory story)
    {
        Assert.True(TopicQuery.TryParse(text, out var query, out var error), error?.Message);
        var matcher = new TopicMatcher([new Topic("t", "T", query, TopicFeedFilter.AllFeeds)], [Wire, Kuaixun]);
        return matcher.Match(story).Count == 1;
    }

    internal static StoredStory Story(string title, string summary = "", IReadOnlyList<string>? categories = null, string feed = "northbridge-wire") =>
        new(1, 1, feed, title, "https://news.example/1", summary, null, categories ?? [], null, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
}
