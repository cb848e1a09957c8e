using FeedDigest.Core.Parsing;
using FeedDigest.Core.Stories;

namespace FeedDigest.Tests.Stories;

public sealed class StoryIdentityTests
{
    private static readonly DateTimeOffset Published = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Assign_GuidAndLink_GuidFirstThenCanonicalLink()
    {
        var keys = Keys(new ParsedItem { Id = " harbor-1001 ", Link = "HTTP://Harbor.example:80/news/1?utm_source=rss#top" });

        Assert.Equal(["guid:harbor-1001", "link:https://harbor.example/news/1"], keys[0]);
    }

    [Fact]
    public void Assign_UrlGuid_AlsoKnownByItsCanonicalForm_SoHttpAndHttpsMeetInOneKey()
    {
        var http = Keys(new ParsedItem { Id = "http://harbor.example/news/1" })[0];
        var https = Keys(new ParsedItem { Id = "https://harbor.example/news/1" })[0];

        Assert.Contains("guid:https://harbor.example/news/1", http);
        Assert.Contains("guid:https://harbor.example/news/1", https);
    }

    [Fact]
    public void Assign_UrlGuidsDifferingOnlyByFragment_ShareNoKey()
    {
        var keys = StoryIdentity.Assign([new ParsedItem { Id = "http://site.example/changelog#v1.1" }, new ParsedItem { Id = "https://site.example/changelog#v1.2" }], IdentityPolicy.Auto, guidsUnstable: false).Keys;

        Assert.Empty(keys[0].Intersect(keys[1]));
        Assert.Contains("guid:https://site.example/changelog#v1.1", keys[0]);
    }

    [Fact]
    public void Assign_GuidSharedByTwoItems_IsLeftOutForBoth_AndCounted()
    {
        var identity = StoryIdentity.Assign(
            [new ParsedItem { Id = "same", Link = "https://harbor.example/1" }, new ParsedItem { Id = "same", Link = "https://harbor.example/2" }, new ParsedItem { Id = "own" }],
            IdentityPolicy.Auto,
            guidsUnstable: false);

        Assert.Equal(["link:https://harbor.example/1"], identity.Keys[0]);
        Assert.Equal(["link:https://harbor.example/2"], identity.Keys[1]);
        Assert.Equal(["guid:own"], identity.Keys[2]);
        Assert.Equal(1, identity.RepeatedGuids);
    }

    [Fact]
    public void Assign_LinkSharedByTwoItems_IsLeftOut()
    {
        var identity = StoryIdentity.Assign(
            [new ParsedItem { Id = "a", Link = "https://harbor.example/" }, new ParsedItem { Id = "b", Link = "https://harbor.example/" }],
            IdentityPolicy.Auto,
            guidsUnstable: false);

        Assert.Equal(["guid:a"], identity.Keys[0]);
        Assert.Equal(["guid:b"], identity.Keys[1]);
    }

    [Fact]
    public void Assign_GuidsUnstable_UsesTheLinkOnly()
    {
        var identity = StoryIdentity.Assign([new ParsedItem { Id = "x1", Link = "https://harbor.example/1" }], IdentityPolicy.Auto, guidsUnstable: true);

        Assert.Equal(["link:https://harbor.example/1"], identity.Keys[0]);
    }

    [Fact]
    public void Assign_NoGuidNoLink_TitleAndDateHash_StableAndDistinct_WhateverTheText()
    {
        var one = Keys(new ParsedItem { Title = "Daily briefing", Published = Published, Summary = "<p>Rain, 3 comments</p>" })[0];
        var same = Keys(new ParsedItem { Title = "Daily briefing", Published = Published, Summary = "<p>Rain, 3 comments</p>" })[0];
        var textChanged = Keys(new ParsedItem { Title = "Daily briefing", Published = Published, Summary = "<p>Rain, 4 comments</p>" })[0];
        var nextDay = Keys(new ParsedItem { Title = "Daily briefing", Published = Published.AddDays(1), Summary = "<p>Rain, 3 comments</p>" })[0];

        // The main key, then the one made before the text was left out (to know stories stored then).
        Assert.Equal(2, one.Count);
        Assert.All(one, key => Assert.StartsWith("hash:", key, StringComparison.Ordinal));
        Assert.Equal(one, same);
        Assert.Equal(one[0], textChanged[0]);
        Assert.NotEqual(one[1], textChanged[1]);
        Assert.NotEqual(one[0], nextDay[0]);
    }

    [Fact]
    public void Assign_NoGuidNoLinkNoTitleNoDate_KnownByItsTextWithoutCounts()
    {
        var ferries = Keys(new ParsedItem { Summary = "<p>Ferry service resumes.</p><p>3 hours ago</p>" })[0];
        var later = Keys(new ParsedItem { Summary = "<p>Ferry service resumes.</p><p>4 hours ago</p>" })[0];
        var inContent = Keys(new ParsedItem { Summary = "", Content = "<p>Ferry service resumes.</p>" })[0];
        var strike = Keys(new ParsedItem { Summary = "", Content = "<p>Crane operators strike.</p>" })[0];

        // The text without its counts, then the key such items were stored under before.
        Assert.Equal(2, ferries.Count);
        Assert.Equal(ferries[0], later[0]);
        Assert.NotEqual(inContent[0], strike[0]);
        Assert.All(ferries, key => Assert.StartsWith("hash:", key, StringComparison.Ordinal));
    }

    [Fact]
    public void Assign_NoGuidNoLinkNoTitle_Dated_KnownByItsDate()
    {
        var ferries = Keys(new ParsedItem { Summary = "Ferry service resumes.", Published = Published })[0];
        var edited = Keys(new ParsedItem { Summary = "Ferry service resumed.", Published = Published })[0];

        // A change of text is an edit, as for an item with a title.
        Assert.Equal(ferries[0], edited[0]);
    }

    [Theory]
    [InlineData(IdentityPolicy.Guid, "guid:g1")]
    [InlineData(IdentityPolicy.Link, "link:https://harbor.example/1")]
    public void Assign_ForcedPolicy_UsesThatKeyAlone(IdentityPolicy policy, string expected)
    {
        var identity = StoryIdentity.Assign([new ParsedItem { Id = "g1", Link = "https://harbor.example/1", Title = "T" }], policy, guidsUnstable: false);

        Assert.Equal([expected], identity.Keys[0]);
    }

    [Fact]
    public void Assign_ForcedTitle_IgnoresCaseSpacingAndMarkup()
    {
        var a = StoryIdentity.Assign([new ParsedItem { Id = "1", Title = "Port  <b>Reopens</b>" }], IdentityPolicy.Title, guidsUnstable: false).Keys[0];
        var b = StoryIdentity.Assign([new ParsedItem { Id = "2", Title = "port reopens" }], IdentityPolicy.Title, guidsUnstable: false).Keys[0];

        Assert.Equal(a, b);
        Assert.StartsWith("title:", a[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Assign_ForcedContent_TheTextKeyIsMadeAsBefore_SoStoredStoriesAreKnown()
    {
        // The key stores hold for stories stored when it was the policy's only one.
        var before = "content:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("port reopens\nships returned. 12 comments"u8).AsSpan(0, 16));

        var keys = StoryIdentity.Assign([new ParsedItem { Title = "port reopens", Summary = "ships returned. 12 comments" }], IdentityPolicy.Content, guidsUnstable: false).Keys[0];

        Assert.Equal(before, keys[1]);
    }

    [Theory]
    [InlineData("<p>Ships returned.</p><p>12 comments</p>", "<p>Ships returned.</p><p>13 comments</p>")]
    [InlineData("<p>Ships returned.</p>", "<p>Ships returned.</p><p>1 comment</p>")]
    [InlineData("<p>Ships returned.</p><p>Comments (4) | Views: 1,204</p>", "<p>Ships returned.</p><p>Comments (9) | Views: 2.1k</p>")]
    [InlineData("<p>Posted 3 hours ago</p><p>Ships returned.</p>", "<p>Posted 1 day ago</p><p>Ships returned.</p>")]
    [InlineData("<p>船只已返回。</p><p>3条评论 阅读 120</p>", "<p>船只已返回。</p><p>15条评论 阅读 860</p>")]
    [InlineData("<p>5分钟前</p><p>船只已返回。</p>", "<p>刚刚</p><p>船只已返回。</p>")]
    [InlineData("<p>Ships returned.</p><p>No Comments</p>", "<p>Ships returned.</p><p>1 Comment</p>")]
    [InlineData("<p>Ships returned.</p><p>Leave a comment</p>", "<p>Ships returned.</p><p>1 Comment</p>")]
    [InlineData("<p>Ships returned.</p><p>12 Responses</p>", "<p>Ships returned.</p><p>13 Responses</p>")]
    [InlineData("<p>Ships returned.</p><p>👍 12</p>", "<p>Ships returned.</p><p>👍 13</p>")]
    [InlineData("<p>Ships returned.</p><p>1.2M views</p>", "<p>Ships returned.</p><p>1.3M views</p>")]
    [InlineData("<p>Ships returned.</p><p>edited 2h ago</p>", "<p>Ships returned.</p><p>edited 3h ago</p>")]
    [InlineData("<p>Ships returned.</p><p>just now</p>", "<p>Ships returned.</p><p>2 minutes ago</p>")]
    [InlineData("<p>Ships returned.</p><p>a few seconds ago</p>", "<p>Ships returned.</p><p>a minute ago</p>")]
    [InlineData("<p>Ships returned.</p><p>12 Comments »</p>", "<p>Ships returned.</p><p>13 Comments »</p>")]
    [InlineData("<p>Ships returned.</p><p>Updated 5 min ago</p>", "<p>Ships returned.</p><p>Updated 12 mins ago</p>")]
    [InlineData("<p>船只已返回。</p><p>评论数：5</p>", "<p>船只已返回。</p><p>评论数：6</p>")]
    [InlineData("<p>船只已返回。</p><p>阅读量 1,204</p>", "<p>船只已返回。</p><p>阅读量 1,530</p>")]
    [InlineData("<p>船只已返回。</p><p>1.2万阅读</p>", "<p>船只已返回。</p><p>1.3万阅读</p>")]
    [InlineData("<p>船只已返回。</p><p>1,204人阅读</p>", "<p>船只已返回。</p><p>1,530人阅读</p>")]
    [InlineData("<p>船只已返回。</p><p>阅读(123)</p>", "<p>船只已返回。</p><p>阅读(150)</p>")]
    [InlineData("<p>船只已返回。</p><p>3周前</p>", "<p>船只已返回。</p><p>1个月前</p>")]
    [InlineData("<p>Ships returned.</p><p>Posted by admin | 12 Comments</p>", "<p>Ships returned.</p><p>Posted by admin | 13 Comments</p>")]
    [InlineData("Ships returned to the harbour. 12 comments", "Ships returned to the harbour. 13 comments")]
    [InlineData("Ships returned to the harbour · 3 hours ago", "Ships returned to the harbour · 5 hours ago")]
    public void Assign_ForcedContent_CountsThatChangeBetweenFetches_LeaveTheFirstKeyAlike(string text, string later)
    {
        var first = ContentKeys("Port reopens", text);
        var second = ContentKeys("Port reopens", later);

        Assert.StartsWith(StoryIdentity.UncountedContentKeyPrefix, first[0], StringComparison.Ordinal);
        Assert.Equal(first[0], second[0]);
        Assert.NotEqual(first[1], second[1]);
    }

    [Fact]
    public void Assign_ForcedContent_ACommentCountAtTheEndOfTheTitle_LeavesTheFirstKeyAlike() =>
        Assert.Equal(ContentKeys("Port reopens (4 replies)", "Ships returned.")[0], ContentKeys("Port reopens (5 replies)", "Ships returned.")[0]);

    [Theory]
    [InlineData("<p>Today's picture.</p><p>Photo: A heron at dawn</p>", "<p>Today's picture.</p><p>Photo: Frost on the bridge</p>")]
    [InlineData("<p>Agenda.</p><p>Thursday 10 December 2026, 7pm</p>", "<p>Agenda.</p><p>Thursday 14 January 2027, 7pm</p>")]
    [InlineData("Ward 3 meets on Tuesday.", "Ward 5 meets on Tuesday.")]
    [InlineData("Shares fell 5% on Monday.", "Shares fell 7% on Monday.")]
    [InlineData("Thanks for reading! This month the blog had 12,345 views.", "Thanks for reading! This month the blog had 14,002 views.")]
    [InlineData("感谢阅读！本月总浏览 12,345 次，新增评论 56 条。", "感谢阅读！本月总浏览 14,002 次，新增评论 71 条。")]
    [InlineData("Acme plc announces it purchased 25,000 shares for cancellation.", "Acme plc announces it purchased 40,000 shares for cancellation.")]
    [InlineData("The Elm Road parking consultation has closed. We received 212 comments.", "The Elm Road parking consultation has closed. We received 340 comments.")]
    [InlineData("Should the library open on Sundays? Yes: 1,204 votes. No: 377 votes.", "Should the library open on Sundays? Yes: 980 votes. No: 1,130 votes.")]
    [InlineData("Amendment carried: 27 votes for, 12 votes against.", "Amendment carried: 30 votes for, 9 votes against.")]
    [InlineData("Read 30 pages of Middlemarch today.", "Read 45 pages of Middlemarch today.")]
    [InlineData("今日阅读 30 页。", "今日阅读 45 页。")]
    [InlineData("The gauge at Elm Bridge reads 2.41 m.", "The gauge at Elm Bridge reads 3.05 m.")]
    [InlineData("Cloudy, 8°C, feels like 5°C.", "Cloudy, 8°C, feels like 2°C.")]
    [InlineData("Grey tabby, last seen 2 days ago near Elm Road.", "Grey tabby, last seen 5 days ago near Elm Road.")]
    [InlineData("<p>Results</p><p>Votes: 1,204</p>", "<p>Results</p><p>Votes: 980</p>")]
    [InlineData("<p>Today</p><p>Sunny.</p>", "<p>Yesterday</p><p>Sunny.</p>")]
    [InlineData("<p>Ratings</p><p>⭐ 4.5</p>", "<p>Ratings</p><p>⭐ 3.5</p>")]
    [InlineData("<p>Event</p><p>100m</p>", "<p>Event</p><p>200m</p>")]
    public void Assign_ForcedContent_TextsThatDifferInMoreThanCounts_HaveNoKeyAlike(string text, string other) =>
        Assert.Empty(ContentKeys("Notice", text).Intersect(ContentKeys("Notice", other)));

    [Fact]
    public void Assign_ForcedContent_NoKeyWithoutCounts_WhenTheTextIsAllCounts_OrTwoItemsDifferOnlyInThem()
    {
        ParsedItem[] items =
        [
            new() { Title = "Notice", Summary = "2 comments" },
            new() { Title = "Briefing", Summary = "<p>Rain today.</p><p>1 comment</p>" },
            new() { Title = "Briefing", Summary = "<p>Rain today.</p><p>4 comments</p>" },
        ];

        var keys = StoryIdentity.Assign(items, IdentityPolicy.Content, guidsUnstable: false).Keys;

        Assert.All(keys, itemKeys => Assert.StartsWith(StoryIdentity.ContentKeyPrefix, Assert.Single(itemKeys), StringComparison.Ordinal));
        Assert.NotEqual(keys[1], keys[2]);
    }

    [Fact]
    public void Assign_ForcedContent_OneStoryListedTwiceInADocument_KeepsItsKeyWithoutCounts()
    {
        // A page shows its pinned story at the top and again in the list: the same text twice is one item, not two alike.
        var item = new ParsedItem { Title = "Port reopens", Summary = "<p>Ships returned.</p><p>2 comments</p>" };

        var keys = StoryIdentity.Assign([item, item], IdentityPolicy.Content, guidsUnstable: false).Keys;

        Assert.All(keys, itemKeys => Assert.StartsWith(StoryIdentity.UncountedContentKeyPrefix, itemKeys[0], StringComparison.Ordinal));
    }

    [Fact]
    public void Assign_ExtraTrackingParameters_AreDroppedFromLinks()
    {
        var identity = StoryIdentity.Assign(
            [new ParsedItem { Link = "https://harbor.example/1?ref=rss&id=7&mc_cid=1" }],
            IdentityPolicy.Auto,
            guidsUnstable: false,
            new HashSet<string>(["ref"], StringComparer.OrdinalIgnoreCase));

        Assert.Equal(["link:https://harbor.example/1?id=7"], identity.Keys[0]);
    }

    [Theory]
    [InlineData("Port reopens", "Port reopens (12 comments)", true)]
    [InlineData("Port reopens", "Update: port  REOPENS", true)]
    [InlineData("港口重新开放", "港口重新开放（更新）", true)]
    [InlineData("Council meets on Tuesday", "Council meets on Thursday", false)]
    [InlineData("Ward 3", "Ward 5", false)]
    [InlineData("Port reopens", "Port reopens", false)]
    [InlineData("Port reopns", "Port reopens", false)]
    public void TitleExtends_WordsAddedAtItsEnds_NotAnotherTitleOfThePattern(string title, string edited, bool extends) =>
        Assert.Equal(extends, StoryIdentity.TitleExtends(title, edited));

    private static IReadOnlyList<string> ContentKeys(string title, string text) =>
        StoryIdentity.Assign([new ParsedItem { Title = title, Summary = text }], IdentityPolicy.Content, guidsUnstable: false).Keys[0];

    private static IReadOnlyList<IReadOnlyList<string>> Keys(ParsedItem item) =>
        StoryIdentity.Assign([item], IdentityPolicy.Auto, guidsUnstable: false).Keys;

    [Fact]
    public void SameContent_EitherFingerprintAlike_IsTheSameText_BothChanged_IsAnEdit()
    {
        var stored = StoryIdentity.ContentHash("Port reopens", "Ships returned. Views: 12", "Ships returned.");

        Assert.True(StoryIdentity.SameContent(stored, StoryIdentity.ContentHash("Port reopens", "Ships returned. Views: 13", "Ships returned.")));
        Assert.True(StoryIdentity.SameContent(stored, StoryIdentity.ContentHash("Port reopens", "Ships returned. Views: 12", "Ships returned. Views: 12")));
        Assert.False(StoryIdentity.SameContent(stored, StoryIdentity.ContentHash("Port reopens", "Ships and ferries returned. Views: 13", "Ships and ferries returned.")));
        Assert.False(StoryIdentity.SameContent(null, stored));
        Assert.True(StoryIdentity.IsCurrentContentHash(stored));
    }

    [Fact]
    public void SameContent_AHashStoredBeforeTheVisibleTextWasHashed_IsComparedByTheFeedsText()
    {
        var before = StoryIdentity.ContentHash("Port reopens", "Ships returned. Views: 12");

        Assert.True(StoryIdentity.SameContent(before, StoryIdentity.ContentHash("Port reopens", "Ships returned. Views: 12", "Ships returned.")));
        Assert.False(StoryIdentity.SameContent(before, StoryIdentity.ContentHash("Port reopens", "Ships returned. Views: 13", "Ships returned.")));
    }

    [Theory]
    [InlineData("Ward 3 forum closed (2 comments)", "Ward 3 forum closed (5 Comments)", true)]
    [InlineData("Ward 3 forum closed", "Ward 3 forum closed (1 comment)", true)]
    [InlineData("Ward 3 forum closed - 4 replies", "Ward 3 forum closed - 12 replies", true)]
    [InlineData("论坛被关闭（3条评论）", "论坛被关闭（8条评论）", true)]
    [InlineData("Ward 3 forum closed (2 comments)", "Ward 5 forum closed (2 comments)", false)]
    [InlineData("Notice (1)", "Notice (2)", false)]
    [InlineData("Ward 3 forum closed (2 comments)", "Ward 3 forum closed (2 comments)", false)]
    [InlineData("(2 comments)", "(5 comments)", false)]
    public void TitleDiffersByItsCount_OnlyACountOfCommentsRepliesOrViewsAtItsEnd(string title, string edited, bool differsByCount) =>
        Assert.Equal(differsByCount, StoryIdentity.TitleDiffersByItsCount(title, edited));

    [Theory]
    [InlineData("Regulator issues draft rules on AI rumours", "Bytedance suspends Toutiao comments", true)]
    [InlineData("Meeting tonight", "Meeting postponed to next week", true)]
    [InlineData("v1.1 released", "v1.2 released", true)]
    [InlineData("Port reopens", "Port reopns", true)]
    [InlineData("Port reopens", "Port reopens after storm", false)]
    [InlineData("Port reopens", "Update: port reopens", false)]
    [InlineData("Port reopens (2 comments)", "Port reopens (5 comments)", false)]
    [InlineData("Port reopens", "PORT  reopens", false)]
    [InlineData("港口重新开放", "港口重新开放（更新）", false)]
    [InlineData("", "Ferries resume", false)]
    public void IsAnotherTitle_NotTheSameTitleWithACountOrWordsAtItsEnds(string storedTitle, string title, bool another) =>
        Assert.Equal(another, StoryIdentity.IsAnotherTitle(storedTitle, title));
}
