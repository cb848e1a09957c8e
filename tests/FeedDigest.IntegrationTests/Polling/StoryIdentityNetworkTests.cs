using System.Globalization;
using System.Security;
using System.Text;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests.Polling;

/// <summary>
/// The ways feeds make other tools mail an item twice, each served by a loopback server and polled
/// by the real poller into SQLite: after the first poll nothing more falls due, which is what a
/// second delivery would need.
/// </summary>
public sealed class StoryIdentityNetworkTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(Start);
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task GuidsMovedFromHttpToHttps_NoSecondDelivery()
    {
        var url = Serve(new Item("http://site.example/news?id=1", "Port reopens", "http://site.example/news?id=1"));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item("https://site.example/news?id=1", "Port reopens", "https://site.example/news?id=1"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task GuidsMovedFromHttpToHttps_WhileTheLinksMoveToNewPaths_NoSecondDelivery()
    {
        // Only the GUID's canonical form ties the two: the links differ, and the title is edited.
        var url = Serve(new Item("http://site.example/?p=101", "Port reopns", "http://site.example/2026/11/port"));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item("https://site.example/?p=101", "Port reopens", "https://site.example/news/port-reopens"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
        Assert.Equal("Port reopens", Assert.Single(await DueAfterAsync(host, 0)).Title);
    }

    [Fact]
    public async Task GuidsRegeneratedOnEveryFetch_NoSecondDelivery_AndTheFeedIsToldApartByLink()
    {
        var url = Serve(new Item(Guid.NewGuid().ToString(), "Port reopens", "https://site.example/1"), new Item(Guid.NewGuid().ToString(), "Rain", "https://site.example/2"));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        for (var round = 0; round < 3; round++)
        {
            Serve(new Item(Guid.NewGuid().ToString(), "Port reopens", "https://site.example/1"), new Item(Guid.NewGuid().ToString(), "Rain", "https://site.example/2"));
            await PollAgainAsync(host);
        }

        Assert.Empty(await DueAfterAsync(host, cutoff));
        Assert.True((await StateAsync(host)).GuidsUnstable);
    }

    [Fact]
    public async Task GuidsRegeneratedOnEveryFetch_ItemsWithoutLinks_NoSecondDelivery_AndTheFeedIsToldApartByTitleAndDate()
    {
        Item[] Items(int fetch) =>
        [
            new($"id-{fetch}-1", "Port reopens", null, Start.AddHours(-3)),
            new($"id-{fetch}-2", "Council approves budget", null, Start.AddHours(-2)),
            new($"id-{fetch}-3", "Rain expected", null, Start.AddHours(-1)),
        ];
        var url = Serve(Items(1));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 3);

        Serve(Items(2));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Assert.True((await StateAsync(host)).GuidsUnstable);
        Serve([.. Items(3), new("id-3-4", "Ferry resumes", null, Start.AddMinutes(30))]);
        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        Assert.Equal(["Ferry resumes"], (await DueAfterAsync(host, cutoff)).Select(story => story.Title));
    }

    [Fact]
    public async Task WordPressPost_TitleSlugAndShortTextRewritten_IsAnEdit_NotSentTwice()
    {
        // WordPress: the GUID is ?p=ID and stays; the author rewrites a short post and its permalink.
        var url = Serve(new Item("https://site.example/?p=88", "Meeting tonight", "https://site.example/2026/11/meeting-tonight/", Description: "Join us at 7pm in the hall."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item("https://site.example/?p=88", "Meeting postponed to next week", "https://site.example/2026/11/meeting-postponed/", Description: "Tonight's meeting is moved; new date to follow."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task GuidsWithoutLinks_ItemsSharingATitleAndADayDate_NewOnesAreStored_AndGuidsStayUsable()
    {
        // A council's notices: GUIDs, no links, dated by the day, one title for every notice of a kind.
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var first = new Item("notice-101", "Planning application", null, day, "14 Elm Road: single-storey rear extension.");
        var url = Serve(first);
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(
            new Item("notice-103", "Planning application", null, day, "3 Oak Lane: detached garage."),
            new Item("notice-102", "Planning application", null, day, "9 Ash Court: loft conversion."),
            first);
        var report = await PollAgainAsync(host);
        var unstable = (await StateAsync(host)).GuidsUnstable;
        Assert.True((report.NewStories, unstable) == (2, false), $"new stories {report.NewStories}, GUIDs taken for unstable: {unstable}");
        Assert.Equal(2, (await DueAfterAsync(host, cutoff)).Count);
    }

    [Fact]
    public async Task GuidsWithoutLinks_DatedAtEachFetch_StoredKeysDoNotGrowWithEveryFetch()
    {
        // A generated feed that stamps every item with the time of the request (common with scrapers).
        Item[] Items() =>
        [
            new("a1", "Port reopens", null, clock.GetUtcNow(), "Ships returned to the port."),
            new("a2", "Council approves budget", null, clock.GetUtcNow(), "The council voted to raise spending."),
        ];
        var url = Serve(Items());
        using var host = await StartAsync(url);
        await FirstPollAsync(host, expectedNew: 2);
        var before = await CountKeysAsync();

        for (var fetch = 0; fetch < 5; fetch++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            Serve(Items());
            Assert.Equal(0, (await PollAsync(host)).NewStories);
        }

        Assert.Equal(before, await CountKeysAsync());
    }

    [Fact]
    public async Task ContentPolicy_ACommentCountChangingAtEachFetch_SendsNothingAgain_AndAddsNoKeys()
    {
        // Identity by content, for a scraped feed whose GUIDs and links cannot be trusted; the count is page furniture.
        Item[] Items(int comments) =>
        [
            new($"g{comments}", "Port reopens", $"https://site.example/{comments}/port", Start, $"<p>Ships returned to the harbour on Monday.</p><p>{comments} comments</p>"),
            new($"h{comments}", "Council approves budget", $"https://site.example/{comments}/budget", Start, $"<p>The council voted to raise spending.</p><p>{comments + 3} comments</p>"),
        ];
        var url = Serve(Items(2));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        await FirstPollAsync(host, expectedNew: 2);
        var before = await CountKeysAsync();

        for (var comments = 3; comments < 7; comments++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            Serve(Items(comments));
            Assert.Equal(0, (await PollAsync(host)).NewStories);
        }

        Assert.Equal(before, await CountKeysAsync());

        // What a reader sees changes: that is another item under this policy.
        clock.Advance(TimeSpan.FromHours(1));
        Serve([new("g9", "Port reopens", "https://site.example/9/port", Start, "<p>Ships and ferries returned to the harbour on Monday.</p><p>9 comments</p>"), .. Items(8)[1..]]);
        Assert.Equal(1, (await PollAsync(host)).NewStories);
    }

    [Fact]
    public async Task ContentPolicy_CommentsAppearingAfterTheFirstFetch_SendNothingAgain()
    {
        // No furniture at first: the count appears with the first comment.
        Item Port(string comments) => new("g", "Port reopens", "https://site.example/p", Start, "<p>Ships returned to the harbour on Monday.</p>" + comments);
        var url = Serve(Port(""));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        await FirstPollAsync(host, expectedNew: 1);

        foreach (var comments in new[] { "<p>1 comment</p>", "<p>4 comments</p>" })
        {
            clock.Advance(TimeSpan.FromHours(1));
            Serve(Port(comments));
            Assert.Equal(0, (await PollAsync(host)).NewStories);
        }
    }

    [Fact]
    public async Task PolicySwitchedToContent_AnItemKnownByItsPreviousKeys_IsStillKnownAtTheFetchAfter()
    {
        var port = new Item("g0", "Port reopens", "https://site.example/0", Start.AddHours(-1), "Ships returned to the harbour on Monday.");
        var url = Serve(port);
        using (var host = await StartAsync(url))
        {
            await FirstPollAsync(host, expectedNew: 1);
        }

        // The stored story is found by its link, the previous policy's key, and gets its content keys.
        clock.Advance(TimeSpan.FromHours(1));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        var ferry = new Item("g1", "Ferry resumes", "https://site.example/1", clock.GetUtcNow().AddMinutes(-5), "The ferry runs again.");
        Serve(ferry, port);
        Assert.Equal(1, (await PollAsync(changed)).NewStories);

        // A changed document is parsed again (not a 304): "Port reopens" must be known by those keys.
        clock.Advance(TimeSpan.FromHours(1));
        Serve(new Item("g2", "Rain expected", "https://site.example/2", clock.GetUtcNow().AddMinutes(-5), "Rain tomorrow."), ferry, port);
        await PollAsync(changed);
        Assert.Equal(["Ferry resumes", "Rain expected"], (await DueAfterAsync(changed, cutoff)).Select(s => s.Title));
    }

    [Fact]
    public async Task ContentPolicy_ATeaserAndAnArticle_ANewArticleUnderTheSameTitleAndTeaser_IsANewItem()
    {
        // A scraped "daily briefing" page: one item, a fixed teaser in <description>, the article in content:encoded.
        string Document(string body) =>
            $"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Site</title><link>https://site.example/</link><description>d</description><item><title>Daily briefing</title><pubDate>{clock.GetUtcNow().ToString("R", CultureInfo.InvariantCulture)}</pubDate><description>Today's briefing from the newsroom.</description><content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>""";
        var url = server.Set("feed.xml", Document("<p>Rain is expected across the region on Monday.</p>"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromDays(1));
        server.Set("feed.xml", Document("<p>The bridge on Elm Road closes for repairs on Tuesday.</p>"));

        Assert.Equal(1, (await PollAsync(host)).NewStories);
        Assert.Single(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task ContentPolicy_OneItemPage_NextDaysPost_DifferingOnlyInACaptionLine_IsDelivered()
    {
        // A scraped one-item "photo of the day" page: the GUID and link never change, hence Identity content.
        var url = Serve(new Item("potd", "Photo of the day", "https://site.example/potd", Start, Photo("A heron at dawn on the River Test")));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromDays(1));
        Serve(new Item("potd", "Photo of the day", "https://site.example/potd", clock.GetUtcNow(), Photo("Frost on the Old Bridge")));
        Assert.Equal(1, (await PollAsync(host)).NewStories);
        Assert.Single(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task ContentPolicy_NextMonthsMeetings_WhoseDateLineRecursAcrossTheDocument_AreDelivered()
    {
        // A scraped "upcoming meetings" page: each committee's notice; the date line is shared by the
        // notices of one evening, so the repeated-block heuristic takes it for the site's furniture.
        Item[] Meetings(string date, string link) =>
        [.. Committees.Select(c =>
            new Item($"{link}-{c}", $"{c} committee", $"https://site.example/{link}?c={c}", null, $"<p>Agenda and papers for the {c} committee.</p><p>{date}, 7pm, Town Hall</p>"))];
        var url = Serve(Meetings("Thursday 10 December 2026", "s1"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        var cutoff = await FirstPollAsync(host, expectedNew: 3);

        clock.Advance(TimeSpan.FromDays(20));
        Serve(Meetings("Thursday 14 January 2027", "s2"));
        Assert.Equal(3, (await PollAsync(host)).NewStories);
        Assert.Equal(3, (await DueAfterAsync(host, cutoff)).Count);
    }

    [Fact]
    public async Task PolicySwitchedFromContentToLink_TheNextDaysPostAtTheSwitchFetch_IsDelivered()
    {
        var url = Serve(new Item("potd", "Photo of the day", "https://site.example/potd/1", Start, Photo("A heron at dawn on the River Test")));
        using (var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" }))
        {
            await FirstPollAsync(host, expectedNew: 1);
        }

        // The site now gives each day's post a link of its own: the admin switches to Identity link.
        clock.Advance(TimeSpan.FromDays(1));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "link" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        Serve(new Item("potd", "Photo of the day", "https://site.example/potd/2", clock.GetUtcNow(), Photo("Frost on the Old Bridge")));
        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Single(await DueAfterAsync(changed, cutoff));
    }

    [Fact]
    public async Task ContentPolicy_ASignOffThatStopsRecurringWhenAnItemLeaves_CommentCountsMoved_NothingIsSentAgain()
    {
        // The sign-off recurs in 3 of 3 items at first and in 2 of 3 later: page furniture, then not. Identity does not hang on that.
        Item Signed(string id, string title, string text, int comments) =>
            new(id, title, $"https://site.example/{id}", Start.AddHours(-1), $"<p>{text}</p><p>Reporting by the Newsroom desk.</p><p>{comments} comments</p>");
        var url = Serve(Signed("a", "Port reopens", "Ships returned to the harbour.", 1), Signed("b", "Budget passes", "The council voted to raise spending.", 1), Signed("c", "Library opens", "The new library opened its doors.", 1));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        var cutoff = await FirstPollAsync(host, expectedNew: 3);

        clock.Advance(TimeSpan.FromHours(1));
        Serve(new Item("d", "Ferry resumes", "https://site.example/d", clock.GetUtcNow(), "<p>The ferry runs again.</p><p>0 comments</p>"), Signed("a", "Port reopens", "Ships returned to the harbour.", 4), Signed("b", "Budget passes", "The council voted to raise spending.", 6));
        await PollAsync(host);

        Assert.Equal(["Ferry resumes"], (await DueAfterAsync(host, cutoff)).Select(s => s.Title));
    }

    [Fact]
    public async Task OneDocument_ANoticeWithAGuidAndOneWithout_SameTitleAndDay_AreTwoStories()
    {
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var url = Serve(
            new Item("notice-101", "Planning application", null, day, "14 Elm Road: single-storey rear extension."),
            new Item(null, "Planning application", null, day, "3 Oak Lane: detached garage."));
        using var host = await StartAsync(url);
        var report = await PollAsync(host);
        var stored = await DueAfterAsync(host, 0);
        Assert.True(report.NewStories == 2 && stored.Count == 2, $"new {report.NewStories}; stored: {string.Join(" | ", stored.Select(s => s.Summary))}");
    }

    [Fact]
    public async Task GuidsWithoutLinks_TitleAndDaySharedAcrossDocuments_NewNoticesAreStored_AndGuidsStayUsable()
    {
        // A small council feed (latest two notices), dated by the day: the morning's notices have left
        // the feed when the afternoon's, titled alike, come. No document has two items alike.
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var url = Serve(
            new Item("notice-101", "Planning application", null, day, "14 Elm Road: single-storey rear extension."),
            new Item("notice-201", "Road closure", null, day, "Mill Street closed Tuesday for resurfacing."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        Serve(
            new Item("notice-102", "Planning application", null, day, "3 Oak Lane: detached garage."),
            new Item("notice-202", "Road closure", null, day, "Bridge Road closed Thursday for gas works."));
        var report = await PollAgainAsync(host);
        var unstable = (await StateAsync(host)).GuidsUnstable;
        Assert.True((report.NewStories, unstable) == (2, false), $"new stories {report.NewStories}, GUIDs taken for unstable: {unstable}");
        Assert.Equal(2, (await DueAfterAsync(host, cutoff)).Count);
    }

    /// <summary>
    /// The same feed without that advice: each new article is stored over the last as an edit. The
    /// first time is logged as information (a site rewriting one post under a new permalink looks
    /// the same), the second as a warning with what to do, and no more after that.
    /// </summary>
    [Fact]
    public async Task OneGuidReusedForEveryNewArticle_DefaultIdentity_TheSecondTimeTheAdminIsWarned_ToSetIdentityLink()
    {
        var logs = new CollectingLoggerProvider();
        var url = Serve(new Item("https://site.example/", "Cyberspace regulator issues draft rules on AI-generated rumours", "https://site.example/ai-rules", Description: "The draft requires platforms to label synthetic content."));
        using var host = await StartAsync([url], [], logs);
        await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item("https://site.example/", "Bytedance suspends Toutiao comment sections", "https://site.example/toutiao", Description: "Comments were switched off under news about the floods."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        var first = Assert.Single(logs.Lines, line => line.Message.Contains("GUID", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, first.Level);
        Assert.Contains("\"Cyberspace regulator issues draft rules on AI-generated rumours\"", first.Message, StringComparison.Ordinal);
        Assert.Contains("\"Bytedance suspends Toutiao comment sections\"", first.Message, StringComparison.Ordinal);

        Serve(new Item("https://site.example/", "Weibo deletes posts about the floods", "https://site.example/weibo", Description: "Posts by residents were removed within hours."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Serve(new Item("https://site.example/", "Douyin bans livestreams from the flooded towns", "https://site.example/douyin", Description: "Streams were cut off."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);

        var warned = Assert.Single(logs.Lines, line => line.Level == LogLevel.Warning);
        Assert.Contains("feed0", warned.Message, StringComparison.Ordinal);
        Assert.Contains("\"Bytedance suspends Toutiao comment sections\", then \"Weibo deletes posts about the floods\"", warned.Message, StringComparison.Ordinal);
        Assert.EndsWith("Set its Identity to link", warned.Message, StringComparison.Ordinal);
        Assert.Equal(2, logs.Lines.Count(line => line.Message.Contains("GUID", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Nothing is said of edits that keep the article (a title fixed at the same link, words added
    /// to it at a new one), of a changelog's entries under one GUID whose links differ by their
    /// fragment (Identity link would not tell them apart either), nor under a forced GUID identity.
    /// </summary>
    [Fact]
    public async Task AGuidsItemEdited_TitleFixedOrExtended_OrAtALinkIdentityLinkWouldNotTellApart_OrGuidIdentityForced_NothingIsSaid()
    {
        var logs = new CollectingLoggerProvider();
        var edited = Serve(new Item("https://site.example/?p=7", "Regulator isues draft rules", "https://site.example/draft-rules", Description: "The draft requires labels."));
        var changelog = server.Set("changelog.xml", Rss(new Item("app-changelog", "v1.1 released", "https://app.example/changelog#v1.1", Description: "Fixes.")));
        var forced = server.Set("forced.xml", Rss(new Item("https://home.example/", "Port reopens", "https://home.example/port", Description: "Ships returned.")));
        using var host = await StartAsync([edited, changelog, forced], new() { ["FeedDigest:Feeds:2:Identity"] = "guid" }, logs);
        Assert.Equal(3, (await PollAsync(host)).NewStories);

        Serve(new Item("https://site.example/?p=7", "Regulator issues draft rules", "https://site.example/draft-rules", Description: "The draft requires labels on synthetic content."));
        server.Set("changelog.xml", Rss(new Item("app-changelog", "v1.2 released", "https://app.example/changelog#v1.2", Description: "More fixes.")));
        server.Set("forced.xml", Rss(new Item("https://home.example/", "Ferries resume", "https://home.example/ferries", Description: "Timetables are back.")));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Serve(new Item("https://site.example/?p=7", "Update: Regulator issues draft rules", "https://site.example/draft-rules-updated", Description: "The draft, now final, requires labels."));
        server.Set("changelog.xml", Rss(new Item("app-changelog", "v1.3 released", "https://app.example/changelog#v1.3", Description: "Even more fixes.")));
        server.Set("forced.xml", Rss(new Item("https://home.example/", "Bridge closed", "https://home.example/bridge", Description: "Works start.")));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);

        Assert.DoesNotContain(logs.Lines, line => line.Message.Contains("GUID", StringComparison.Ordinal));
    }

    /// <summary>
    /// A one-item feed that keeps its GUID (its home page) as the item changes: with the README's
    /// advice, Identity link, each new article is a story of its own and none overwrites the last.
    /// </summary>
    [Fact]
    public async Task OneGuidReusedForEveryNewArticle_IdentityLink_EachArticleIsDelivered_NoneOverwritten()
    {
        var url = Serve(new Item("https://site.example/", "Cyberspace regulator issues draft rules on AI-generated rumours", "https://site.example/ai-rules", Description: "The draft requires platforms to label synthetic content."));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "link" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item("https://site.example/", "Bytedance suspends Toutiao comment sections", "https://site.example/toutiao", Description: "Comments were switched off under news about the floods."));
        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        Serve(new Item("https://site.example/", "Bytedance suspends Toutiao comment sections", "https://site.example/toutiao", Description: "Comments were switched off under news about the floods on Tuesday."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);

        Assert.Equal(
            ["Cyberspace regulator issues draft rules on AI-generated rumours", "Bytedance suspends Toutiao comment sections"],
            (await DueAfterAsync(host, 0)).Select(story => story.Title));
        Assert.Single(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task PictureOfTheDay_NewGuidEachDayOnTheSameLink_EachDayIsDelivered()
    {
        var url = Serve(new Item("potd-1", "Harbour at dawn", "https://site.example/potd"));
        using var host = await StartAsync(url);
        await FirstPollAsync(host, expectedNew: 1);

        foreach (var (guid, title) in new[] { ("potd-2", "Lighthouse in fog"), ("potd-3", "Gulls over the pier") })
        {
            Serve(new Item(guid, title, "https://site.example/potd"));
            Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        }

        Assert.Equal(["Harbour at dawn", "Lighthouse in fog", "Gulls over the pier"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
        Assert.False((await StateAsync(host)).GuidsUnstable);
    }

    [Fact]
    public async Task ChangelogEntriesWhoseLinksDifferOnlyByFragment_EachIsDelivered()
    {
        var roadmap = new Item("roadmap", "Roadmap", "https://site.example/roadmap");
        var url = Serve(new Item("v1.1", "Version 1.1", "https://site.example/changelog#v1.1"), roadmap);
        using var host = await StartAsync(url);
        await FirstPollAsync(host, expectedNew: 2);

        foreach (var version in new[] { "v1.2", "v1.3" })
        {
            Serve(new Item(version, $"Version {version[1..]}", $"https://site.example/changelog#{version}"), roadmap);
            Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        }

        Assert.Equal(["Version 1.1", "Roadmap", "Version 1.2", "Version 1.3"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
        Assert.False((await StateAsync(host)).GuidsUnstable);
    }

    [Fact]
    public async Task ChangelogEntriesWhoseGuidsAreUrlsDifferingOnlyByFragment_EachIsDelivered_AndNoneOverwritten()
    {
        var roadmap = new Item("https://site.example/roadmap", "Roadmap", "https://site.example/roadmap");
        Item Entry(string version) => new($"https://site.example/changelog#{version}", $"Version {version[1..]}", $"https://site.example/changelog#{version}");
        var url = Serve(Entry("v1.0"), Entry("v1.1"), roadmap);
        using var host = await StartAsync(url);
        await FirstPollAsync(host, expectedNew: 3);

        Serve(Entry("v1.2"), Entry("v1.1"), Entry("v1.0"), roadmap);
        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);

        Assert.Equal(["Version 1.0", "Version 1.1", "Roadmap", "Version 1.2"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
    }

    [Fact]
    public async Task TwoItemsShareOneGuid_BothAreDelivered_Once()
    {
        var url = Serve(new Item("same", "Port reopens", "https://site.example/1"), new Item("same", "Rain expected", "https://site.example/2"));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        Serve(new Item("same", "Rain expected", "https://site.example/2"), new Item("same", "Port reopens", "https://site.example/1"), new Item("other", "Third", "https://site.example/3"));
        await PollAgainAsync(host);

        Assert.Equal(["Third"], (await DueAfterAsync(host, cutoff)).Select(s => s.Title));
    }

    /// <summary>How an item is named: by its GUID, by its link alone, or by neither (its title and date).</summary>
    public enum ItemNaming
    {
        ByGuid,
        ByLinkAlone,
        ByTitleAndDate,
    }

    [Fact]
    public async Task EditedStoriesIncludeOnce_FurnitureThatChangesAtEveryFetch_IsNoEdit_ARealEditStillIs()
    {
        Item[] Items(int views, string firstStory = "Ships returned to the port on Monday.") =>
        [
            new("a1", "Port reopens", "https://site.example/1", Description: $"<p>{firstStory}</p><p>Views today: {views}</p>"),
            new("a2", "Council approves budget", "https://site.example/2", Description: $"<p>The council voted to raise spending.</p><p>Views today: {views}</p>"),
            new("a3", "Rain expected", "https://site.example/3", Description: $"<p>Forecasters warned of flooding.</p><p>Views today: {views}</p>"),
        ];
        var url = Serve(Items(1204));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 3);
        var stored = await DueAfterAsync(host, 0);
        Assert.Equal("Ships returned to the port on Monday.", stored[0].Summary);
        var digests = host.Services.GetRequiredService<IDigestStore>();
        var state = await digests.GetOrCreateStateAsync("reader@example.org", Start, Start, default);
        Assert.True(await digests.TryClaimAsync(state, Start, cutoff, new ClaimedDigest("d1", state.SubscriberKey, "<d1@test>", Start, stored.Select((story, i) => new DigestEntry(story.Id, "all", i)).ToList(), 0), default));

        // The counter the site repeats under every item (furniture, left out of summaries) moves.
        Serve(Items(1377));
        await PollAgainAsync(host);
        Assert.Empty(await DueAfterAsync(host, cutoff));

        // A real edit of one story still goes out once more, whatever the counter says.
        Serve(Items(1410, "Ships and ferries returned to the port on Monday."));
        await PollAgainAsync(host);
        var again = Assert.Single(await DueAfterAsync(host, cutoff));
        Assert.Equal(("Ships and ferries returned to the port on Monday.", 1), (again.Summary, again.Revision));
    }

    [Theory]
    [InlineData(ItemNaming.ByGuid)]
    [InlineData(ItemNaming.ByLinkAlone)]
    [InlineData(ItemNaming.ByTitleAndDate)]
    public async Task TitleEditedAfterPublication_UpdatesTheStory_WithoutSendingItAgain(ItemNaming naming)
    {
        // A comment count added: an item with neither GUID nor link is known by its title, which may grow but not change.
        var url = Serve(Named(naming, "Port reopens", Start.AddHours(-2)), Named(naming, "Rain expected", Start.AddHours(-3), "Storm warning."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        Serve(Named(naming, "Port reopens (12 comments)", Start.AddHours(-2)), Named(naming, "Rain expected", Start.AddHours(-3), "Storm warning."));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
        Assert.Equal(["Port reopens (12 comments)", "Rain expected"], (await DueAfterAsync(host, 0)).Select(story => story.Title));
    }

    [Fact]
    public async Task EditedStoriesIncludeOnce_AnEditGoesOutOnceMore_MarkedUpdated_LaterEditsDoNot()
    {
        var url = Serve(new Item("a1", "Port reopens", "https://site.example/1"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        // An edit before anyone got the story is the story: not queued again, not marked.
        Serve(new Item("a1", "Port reopens!", "https://site.example/1"));
        await PollAgainAsync(host);
        Assert.Empty(await DueAfterAsync(host, cutoff));
        var first = Assert.Single(await DueAfterAsync(host, 0));
        Assert.Equal(("Port reopens!", 0), (first.Title, first.Revision));

        // A subscriber gets it; the next edit goes out once more, marked.
        var digests = host.Services.GetRequiredService<IDigestStore>();
        var state = await digests.GetOrCreateStateAsync("reader@example.org", Start, Start, default);
        Assert.True(await digests.TryClaimAsync(state, Start, cutoff, new ClaimedDigest("d1", state.SubscriberKey, "<d1@test>", Start, [new DigestEntry(first.Id, "all", 0)], 0), default));
        Serve(new Item("a1", "Port reopens after storm", "https://site.example/1"));
        await PollAgainAsync(host);
        var again = Assert.Single(await DueAfterAsync(host, cutoff));
        Assert.Equal(("Port reopens after storm", 1), (again.Title, again.Revision));

        Serve(new Item("a1", "Port reopens after the storm", "https://site.example/1"));
        await PollAgainAsync(host);
        Assert.Empty(await DueAfterAsync(host, again.Sequence));
    }

    [Fact]
    public async Task EditedStoriesIncludeOnce_AnEditOfTheTextInContentEncoded_BesideAnEmptyDescription_GoesOutOnceMore()
    {
        // The edit fingerprint read the empty description, so an edit of the text was never noticed.
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", "", "<p>Ships returned to the port on Monday.</p>"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await ClaimAsHeadlineAsync(host, Assert.Single(await DueAfterAsync(host, 0)), cutoff);

        server.Set("feed.xml", OneItem("a1", "Port reopens", "", "<p>Ships and ferries returned to the port on Monday.</p>"));
        await PollAgainAsync(host);

        var again = Assert.Single(await DueAfterAsync(host, cutoff));
        Assert.Equal(("Ships and ferries returned to the port on Monday.", 1), (again.Summary, again.Revision));
    }

    [Fact]
    public async Task EditedStoriesIncludeOnce_APhotoPostWithoutText_ACaptionAddedToItsContent_GoesOutOnceMore()
    {
        var url = server.Set("feed.xml", OneItem("a1", "Photo of the day", "", "<p><img src=\"https://site.example/heron.jpg\"></p>"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await ClaimAsHeadlineAsync(host, Assert.Single(await DueAfterAsync(host, 0)), cutoff);

        server.Set("feed.xml", OneItem("a1", "Photo of the day", "", "<p><img src=\"https://site.example/heron.jpg\"></p><p>A heron at dawn on the river.</p>"));
        await PollAgainAsync(host);

        var again = Assert.Single(await DueAfterAsync(host, cutoff));
        Assert.Equal(("A heron at dawn on the river.", 1), (again.Summary, again.Revision));
    }

    [Theory]
    [InlineData("Port reopens", "", "")]
    [InlineData("", "", "")]
    [InlineData("Port reopens", "&amp;nbsp;", "\u00a0")]
    [InlineData("", "&lt;p&gt;&amp;nbsp;&lt;/p&gt;", "\u00a0")]
    public async Task EditedStoriesIncludeOnce_AStoryAnEarlierVersionStoredFromItsEmptyDescription_GetsTheTextOfItsContent_WithoutGoingOutAgain(string title, string description, string descriptionText)
    {
        // Before 2026-11-28 such an item was stored as one without content:encoded is (titled
        // "(untitled)", or by the description, when it has none), and fingerprinted by the description's
        // text as given, which this version marks as no text.
        var url = server.Set("feed.xml", OneItem("a1", title, description, content: null));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await ClaimAsHeadlineAsync(host, Assert.Single(await DueAfterAsync(host, 0)), cutoff);
        await FingerprintAsGivenAsync(descriptionText);

        server.Set("feed.xml", OneItem("a1", title, description, "<p>Ships returned to the port on Monday.</p>"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
        var updated = Assert.Single(await DueAfterAsync(host, 0));
        Assert.Equal(("Ships returned to the port on Monday.", 0), (updated.Summary, updated.Revision));

        // Its later edits are edits again.
        server.Set("feed.xml", OneItem("a1", title, description, "<p>Ships and ferries returned to the port on Monday.</p>"));
        await PollAgainAsync(host);
        Assert.Equal(1, Assert.Single(await DueAfterAsync(host, cutoff)).Revision);
    }

    [Fact]
    public async Task EditedStoriesIncludeOnce_AnItemWithoutText_ItsArticleAddedInContentEncoded_GoesOutOnceMore()
    {
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", "", content: null));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await ClaimAsHeadlineAsync(host, Assert.Single(await DueAfterAsync(host, 0)), cutoff);

        server.Set("feed.xml", OneItem("a1", "Port reopens", "", "<p>Ships returned to the port on Monday.</p>"));
        await PollAgainAsync(host);

        var again = Assert.Single(await DueAfterAsync(host, cutoff));
        Assert.Equal(("Ships returned to the port on Monday.", 1), (again.Summary, again.Revision));
    }

    [Theory]
    [InlineData("Port reopens")]
    [InlineData("")]
    public async Task EditedStoriesIncludeOnce_AnItemWhoseContentEncodedIsLeftOut_KeepsItsStory_AndIsNotSentAgain(string title)
    {
        // A feed may carry content:encoded for its newest items alone, or serve a trimmed copy now and then.
        var url = server.Set("feed.xml", OneItem("a1", title, "", "<p>Ships returned to the port on Monday.</p>"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await ClaimAsHeadlineAsync(host, Assert.Single(await DueAfterAsync(host, 0)), cutoff);

        server.Set("feed.xml", OneItem("a1", title, "", content: null));
        await PollAgainAsync(host);
        server.Set("feed.xml", OneItem("a1", title, "", "<p>Ships returned to the port on Monday.</p>"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
        var story = Assert.Single(await DueAfterAsync(host, 0));
        Assert.Equal(("Ships returned to the port on Monday.", 0), (story.Summary, story.Revision));
    }

    [Fact]
    public async Task AStoryFingerprintedByItsEmptyDescription_StoredWithItsContentsText_GetsTheCurrentFingerprint()
    {
        // Versions of 2026-11-28 from b91438c on stored the content's text but fingerprinted the
        // description as given: the story is brought up to date, so that a change in page furniture
        // alone later (the fingerprint's other half) is not taken for an edit.
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", "", "<p>Ships returned to the port on Monday.</p>"));
        using var host = await StartAsync(url);
        await FirstPollAsync(host, expectedNew: 1);
        var current = await StoredContentHashAsync();
        await FingerprintAsGivenAsync(string.Empty);

        server.Set("feed.xml", OneItem("a1", "Port reopens", "", "<p>Ships returned to the port on Monday.</p>", channelDescription: "News of the port"));
        await PollAgainAsync(host);

        Assert.Equal(current, await StoredContentHashAsync());
    }

    [Fact]
    public async Task AnItemKnownByTitleAndDate_StoredFromItsContentsText_FingerprintedByItsEmptyDescription_ANewGuidWithAnotherArticle_IsANewStory()
    {
        // Stored from b91438c on: the description's fingerprint alone does not make another article the same.
        var url = server.Set("feed.xml", OneItem("a1", "Photo of the day", "", "<p>A heron at dawn on the river.</p>", link: null));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await FingerprintAsGivenAsync(string.Empty);

        server.Set("feed.xml", OneItem("a2", "Photo of the day", "", "<p>A fox in the snow.</p>", link: null));

        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        Assert.Equal(["A fox in the snow."], (await DueAfterAsync(host, cutoff)).Select(story => story.Summary));
    }

    [Fact]
    public async Task AnItemKnownByTitleAndDate_StoredFromItsEmptyDescription_ANewGuidAndItsContent_IsTheSameStory()
    {
        // Without a link, an item whose GUID is not stored is the stored one by its title and date only
        // with the same text: the text an earlier version stored it with counts.
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", "&amp;nbsp;", content: null, link: null));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await FingerprintAsGivenAsync("\u00a0");

        server.Set("feed.xml", OneItem("a2", "Port reopens", "&amp;nbsp;", "<p>Ships returned to the port on Monday.</p>", link: null));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Theory]
    [InlineData(false, "", "")]
    [InlineData(false, "&amp;nbsp;", "\u00a0")]
    [InlineData(true, "", "")]
    public async Task EditedStoriesIncludeOnce_AHeadlineAloneAnEarlierVersionFingerprinted_IsNotSentAgain_NorEdited(bool twoHalves, string description, string descriptionText)
    {
        // Earlier versions fingerprinted an item without text by its text unmarked, in one half before 2026-11-28 00:49.
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", description, content: null));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:EditedStories"] = "IncludeOnce" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await ClaimAsHeadlineAsync(host, Assert.Single(await DueAfterAsync(host, 0)), cutoff);
        await FingerprintAsEarlierVersionsDidAsync(descriptionText, twoHalves);

        server.Set("feed.xml", OneItem("a1", "Port reopens", description, content: null, channelDescription: "News of the port"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
        Assert.Equal(0, Assert.Single(await DueAfterAsync(host, 0)).Revision);
    }

    [Theory]
    [InlineData(false, "https://site.example/1")]
    [InlineData(false, null)]
    [InlineData(true, null)]
    public async Task AHeadlineAloneAnEarlierVersionFingerprinted_UnderANewGuid_IsTheSameStory(bool twoHalves, string? link)
    {
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", "", content: null, link: link));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        await FingerprintAsEarlierVersionsDidAsync(string.Empty, twoHalves);

        server.Set("feed.xml", OneItem("a2", "Port reopens", "", content: null, link: link));

        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AHeadlineAloneAnEarlierVersionFingerprinted_TheFeedLeavingTheContentPolicy_IsTheSameStory(bool twoHalves)
    {
        var url = server.Set("feed.xml", OneItem("a1", "Port reopens", "", content: null));
        long cutoff;
        using (var host = await StartAsync([url], ContentPolicy))
        {
            cutoff = await FirstPollAsync(host, expectedNew: 1);
        }

        await FingerprintAsEarlierVersionsDidAsync(string.Empty, twoHalves);
        server.Set("feed.xml", OneItem("a1", "Port reopens", "", content: null, channelDescription: "News of the port"));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "guid" });

        Assert.Equal(0, (await PollAgainAsync(changed)).NewStories);
        Assert.Empty(await DueAfterAsync(changed, cutoff));
    }

    /// <summary>
    /// Gives the one stored story the fingerprint earlier versions made of <paramref name="text"/> as the
    /// feed gave it: one half alone (before 2026-11-28 00:49), or that half beside what a reader saw.
    /// </summary>
    private async Task FingerprintAsEarlierVersionsDidAsync(string text, bool twoHalves)
    {
        if (twoHalves)
        {
            await FingerprintAsGivenAsync(text);
            return;
        }

        var (title, _) = await StoredTitleAndHashAsync();
        await ExecuteAsync($"UPDATE stories SET content_hash = '{StoryIdentity.ContentHash(title, text)}'");
    }

    /// <summary>Gives the one stored story the fingerprint of <paramref name="text"/> as the feed gave it, as versions before this one made it, keeping what a reader saw.</summary>
    private async Task FingerprintAsGivenAsync(string text)
    {
        var (title, hash) = await StoredTitleAndHashAsync();
        await ExecuteAsync($"UPDATE stories SET content_hash = '{StoryIdentity.ContentHash(title, text)}{hash[16..]}'");
    }

    private async Task<(string Title, string Hash)> StoredTitleAndHashAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT title, content_hash FROM stories";
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1));
    }

    /// <param name="content">Omitted when null.</param>
    private static string OneItem(string guid, string title, string description, string? content, string? link = "https://site.example/1", string channelDescription = "d") =>
        $"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Site</title><link>https://site.example/</link><description>{channelDescription}</description><item><guid>{guid}</guid><title>{title}</title>{(link is null ? "" : $"<link>{link}</link>")}<pubDate>{Start.ToString("R", CultureInfo.InvariantCulture)}</pubDate><description>{description}</description>{(content is null ? "" : $"<content:encoded><![CDATA[{content}]]></content:encoded>")}</item></channel></rss>""";

    private async Task<string> StoredContentHashAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT content_hash FROM stories";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenDatabaseAsync()
    {
        var file = Assert.Single(Directory.GetFiles(directory.Path, "*.db", SearchOption.AllDirectories));
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ClaimAsHeadlineAsync(IHost host, StoredStory story, long cutoff)
    {
        var digests = host.Services.GetRequiredService<IDigestStore>();
        var state = await digests.GetOrCreateStateAsync("reader@example.org", Start, Start, default);
        Assert.True(await digests.TryClaimAsync(state, Start, cutoff, new ClaimedDigest("d1", state.SubscriberKey, "<d1@test>", Start, [new DigestEntry(story.Id, "all", 0)], 0), default));
    }

    [Theory]
    [InlineData(ItemNaming.ByGuid)]
    [InlineData(ItemNaming.ByLinkAlone)]
    [InlineData(ItemNaming.ByTitleAndDate)]
    public async Task PubDateBumpedOnEveryEdit_NoSecondDelivery(ItemNaming naming)
    {
        var url = Serve(Named(naming, "Port reopens", Start.AddHours(-2)));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        for (var bump = 1; bump <= 3; bump++)
        {
            Serve(Named(naming, "Port reopens", Start.AddHours(bump)));
            await PollAgainAsync(host);
        }

        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task NoGuidNoLink_ADailyItemWithYesterdaysTitleAndText_IsANewStory()
    {
        // Neither an edit of yesterday's item (its date moved on, and it left the feed) nor a repeat of it.
        var url = Serve(new Item(null, "Tide table", null, Start.AddHours(-1), "High water 06:10 and 18:32."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromDays(1));
        Serve(new Item(null, "Tide table", null, clock.GetUtcNow().AddHours(-1), "High water 06:55 and 19:14."));

        Assert.Equal(1, (await PollAsync(host)).NewStories);
        Assert.Equal(["Tide table"], (await DueAfterAsync(host, cutoff)).Select(story => story.Title));
    }

    [Fact]
    public async Task NoGuidNoLink_ANewItemOfTheSameDayWithTheFeedsUsualBlurb_AndATitleOfTheSamePattern_IsANewStory()
    {
        var day = new DateTimeOffset(Start.Date, TimeSpan.Zero);
        var url = Serve(new Item(null, "Council meets on Tuesday", null, day, "Posted on the town notice board."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item(null, "Council meets on Thursday", null, day, "Posted on the town notice board."));

        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        Assert.Equal(["Council meets on Thursday"], (await DueAfterAsync(host, cutoff)).Select(story => story.Title));
    }

    [Fact]
    public async Task NoGuidNoLink_ANewItemOfTheSameDayWithTheFeedsUsualBlurb_IsANewStory()
    {
        // One item at a time, dated by the day, every item with the same blurb: a new headline is a new story.
        var day = new DateTimeOffset(Start.Date, TimeSpan.Zero);
        var url = Serve(new Item(null, "Council meets on Tuesday", null, day, "Posted on the town notice board."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item(null, "Budget approved", null, day, "Posted on the town notice board."));

        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        Assert.Equal(["Budget approved"], (await DueAfterAsync(host, cutoff)).Select(story => story.Title));
    }

    private static Item Named(ItemNaming naming, string title, DateTimeOffset published, string description = "Ships returned to the port.")
    {
        var slug = title.Split(' ')[0].ToLowerInvariant();
        return naming switch
        {
            ItemNaming.ByGuid => new Item("id-" + slug, title, "https://site.example/" + slug, published, description),
            ItemNaming.ByLinkAlone => new Item(null, title, "https://site.example/" + slug, published, description),
            _ => new Item(null, title, null, published, description),
        };
    }

    [Fact]
    public async Task ItemDropsOutOfTheFeedAndComesBack_NoSecondDelivery()
    {
        var item = new Item("a1", "Port reopens", "https://site.example/1");
        var url = Serve(item, new Item("a2", "Rain", "https://site.example/2"));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        Serve(new Item("a2", "Rain", "https://site.example/2"));
        await PollAgainAsync(host);
        Serve(item, new Item("a2", "Rain", "https://site.example/2"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task LinkWithTrackingParametersAndNoGuid_IsTheSameStory()
    {
        var url = Serve(new Item(null, "Port reopens", "https://Site.example:443/news/1?utm_source=rss&ref=feed#top"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:TrackingParameters:0"] = "ref" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item(null, "Port reopens", "http://site.example/news/1?fbclid=abc"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task NoGuidNoLink_CommentCountInTheTitleChanges_WithTheDateBumpedOrNot_NotSentAgain()
    {
        var url = Serve(new Item(null, "Ward 3 forum closed (2 comments)", null, Start.AddHours(-1), "The forum was closed by the district."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item(null, "Ward 3 forum closed (5 comments)", null, Start.AddMinutes(-10), "The forum was closed by the district."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Serve(new Item(null, "Ward 3 forum closed (6 comments)", null, Start.AddMinutes(-10), "The forum was closed by the district."));
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);

        Assert.Empty(await DueAfterAsync(host, cutoff));
        Assert.Equal("Ward 3 forum closed (6 comments)", Assert.Single(await DueAfterAsync(host, 0)).Title);
    }

    [Fact]
    public async Task NoGuidNoLink_DescriptionChanges_IsAnEditOfOneStory_NotSentAgain()
    {
        var url = Serve(new Item(null, "Harbour meeting", null, Start.AddHours(-1), "Minutes posted. 3 comments"));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item(null, "Harbour meeting", null, Start.AddHours(-1), "Minutes posted. 4 comments"));
        var report = await PollAgainAsync(host);

        Assert.Equal(0, report.NewStories);
        Assert.Empty(await DueAfterAsync(host, cutoff));
        Assert.Equal("Minutes posted. 4 comments", Assert.Single(await DueAfterAsync(host, 0)).Summary);
    }

    [Fact]
    public async Task PrunedStory_IsGone_AndNeverComesBackAsNew()
    {
        var url = Serve(new Item("a1", "Port reopens", "https://site.example/1"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:Retention"] = "30.00:00:00" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromDays(31));
        Serve(new Item("a1", "Port reopens", "https://site.example/1"), new Item("a2", "New today", "https://site.example/2", clock.GetUtcNow()));
        await PollAgainAsync(host);

        Assert.Equal(["New today"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
        Assert.Equal(["New today"], (await DueAfterAsync(host, cutoff)).Select(s => s.Title));
    }

    [Fact]
    public async Task Prune_RunsOnceADay_CountedFromTheLastPruneOfAnyProcessOnTheDatabase()
    {
        var retention = new Dictionary<string, string?> { ["FeedDigest:Stories:Retention"] = "30.00:00:00" };
        var first = new Item("a1", "Port reopens", "https://site.example/1");
        var second = new Item("a2", "Port closes again", "https://site.example/2");
        var url = Serve(first);
        using (var host = await StartAsync([url], retention))
        {
            await PollAsync(host);
            clock.Advance(TimeSpan.FromHours(12));
            Serve(first, second);
            await PollAsync(host);

            // a1 is 30 days and 6 hours old, a2 29 days and 18 hours: a1 goes.
            clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromHours(6));
            await PollAsync(host);
            Assert.Equal(["Port closes again"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
        }

        // Another process (a `poll --once`) 12 hours later: a2 is old enough now, but the day since
        // the last prune is not over, so this poll does not prune (and does not scan for it).
        clock.Advance(TimeSpan.FromHours(12));
        using (var host = await StartAsync([url], retention))
        {
            await PollAsync(host);
            Assert.Equal(["Port closes again"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
        }

        clock.Advance(TimeSpan.FromHours(13));
        using (var host = await StartAsync([url], retention))
        {
            await PollAsync(host);
            Assert.Empty(await DueAfterAsync(host, 0));
        }
    }

    [Fact]
    public async Task PrunedStory_LeavesItsCluster_InTheSamePoll()
    {
        var url = Serve(new Item("a1", "Port reopens", "https://site.example/1"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Stories:Retention"] = "30.00:00:00" });
        await FirstPollAsync(host, expectedNew: 1);
        var index = host.Services.GetRequiredService<IStoryClusterIndex>();
        Assert.Equal(1, await host.Services.GetRequiredService<ClusteringCatchUp>().CatchUpAsync(default));
        var first = (await DueAfterAsync(host, 0))[0].Id;
        Assert.Single(await index.GetClustersAsync([first], default));

        clock.Advance(TimeSpan.FromDays(31));
        await PollAsync(host);

        Assert.Empty(await index.GetClustersAsync([first], default));
        Assert.Equal(0, await index.GetLastClusteredStoryIdAsync(default));
    }

    [Fact]
    public async Task NewlyAddedFeed_OnlyRecentItemsAreNew_LaterItemsAreNewWhateverTheirDate()
    {
        var url = Serve(
            new Item("old1", "Last month", "https://site.example/1", Start.AddDays(-30)),
            new Item("old2", "Two days ago", "https://site.example/2", Start.AddHours(-48)),
            new Item("new1", "This morning", "https://site.example/3", Start.AddHours(-5)),
            new Item("undated", "No date", "https://site.example/4"));
        using var host = await StartAsync(url);

        Assert.Equal(2, (await PollAsync(host)).NewStories);
        Assert.Equal(["This morning", "No date"], (await DueAfterAsync(host, 0)).Select(s => s.Title));

        var cutoff = (await DueAfterAsync(host, 0))[^1].Sequence;
        Serve(new Item("late", "Backdated but first seen now", "https://site.example/5", Start.AddDays(-10)));
        await PollAgainAsync(host);
        Assert.Equal(["Backdated but first seen now"], (await DueAfterAsync(host, cutoff)).Select(s => s.Title));
    }

    [Fact]
    public async Task NewlyAddedFeed_FirstFetchEmpty_TheArchiveThatFollowsIsNotNew_LaterItemsAre()
    {
        var url = Serve();
        using var host = await StartAsync(url);
        Assert.Equal(0, (await PollAsync(host)).NewStories);
        Assert.NotNull((await StateAsync(host)).LastSuccessAt);

        var archive = Enumerable.Range(0, 20)
            .Select(i => new Item($"old{i}", $"Archive {i}", $"https://site.example/{i}", Start.AddDays(-30 - i)))
            .ToArray();
        Serve(archive);
        Assert.Equal(0, (await PollAgainAsync(host)).NewStories);
        Assert.Empty(await DueAfterAsync(host, 0));

        Serve([new Item("fresh", "Published now", "https://site.example/fresh", clock.GetUtcNow()), .. archive]);
        Assert.Equal(1, (await PollAgainAsync(host)).NewStories);
        Assert.Equal(["Published now"], (await DueAfterAsync(host, 0)).Select(s => s.Title));
    }

    [Fact]
    public async Task ForcedTitleIdentity_GuidsAndLinksChangingEveryFetch_NoSecondDelivery()
    {
        var url = Serve(new Item("x1", "Port reopens", "https://site.example/1?session=1"));
        using var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" });
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        Serve(new Item("x2", "Port  Reopens", "https://site.example/1?session=2"));
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task IdentityPolicyChanged_TheFeedsItemsAreNotSentAgain_ANewOneIs()
    {
        var items = Enumerable.Range(0, 3)
            .Select(i => new Item($"g{i}", $"Story {i}", $"https://site.example/{i}", Start.AddDays(-3 - i)))
            .ToArray();
        var url = Serve(items);
        using (var host = await StartAsync([url], new() { ["FeedDigest:Stories:NewFeedWindow"] = "7.00:00:00" }))
        {
            await FirstPollAsync(host, expectedNew: 3);
        }

        // The admin forces title keys: none of the feed's items was stored under one.
        clock.Advance(TimeSpan.FromHours(2));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        Serve([new Item("g9", "Published now", "https://site.example/9", clock.GetUtcNow()), .. items]);

        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Equal(["Published now"], (await DueAfterAsync(changed, cutoff)).Select(s => s.Title));
    }

    [Fact]
    public async Task IdentityPolicyChanged_ItemsOfTheLastDayAlreadySent_AreNotSentAgain_OnesPublishedSinceAre()
    {
        // Within the new feed window: a changed policy once took these for new and sent them again.
        Item[] items =
        [
            new("g0", "An hour old", "https://site.example/0", Start.AddHours(-1)),
            new("g1", "Five hours old", "https://site.example/1", Start.AddHours(-5)),
            new("g2", "Undated", "https://site.example/2"),
        ];
        var url = Serve(items);
        using (var host = await StartAsync(url))
        {
            await FirstPollAsync(host, expectedNew: 3);
        }

        clock.Advance(TimeSpan.FromHours(2));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        Serve([new Item("g9", "Published since", "https://site.example/9", clock.GetUtcNow().AddMinutes(-30)), .. items]);

        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Equal(["Published since"], (await DueAfterAsync(changed, cutoff)).Select(s => s.Title));

        // Stored under the new keys now: the next fetch finds every item known.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await PollAsync(changed)).NewStories);
    }

    [Fact]
    public async Task IdentityPolicyChanged_AnItemDatedBeforeTheLastFetchThatAppearedAfterIt_IsDelivered()
    {
        // Written at 11:50, out at 12:20 (a CDN's delay), after the 12:00 fetch: never seen, so new.
        var old = new Item("g0", "Earlier story", "https://site.example/0", Start.AddHours(-3));
        var url = Serve(old);
        using (var host = await StartAsync(url))
        {
            await FirstPollAsync(host, expectedNew: 1);
        }

        clock.Advance(TimeSpan.FromHours(1));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        Serve(new Item("g1", "Written at 11:50, out at 12:20", "https://site.example/1", Start.AddMinutes(-10)), old);

        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Equal(["Written at 11:50, out at 12:20"], (await DueAfterAsync(changed, cutoff)).Select(s => s.Title));
    }

    [Fact]
    public async Task IdentityPolicyChangedTwice_BeforeAFetch_AFeedDatingItsItemsAhead_NothingIsSentAgain()
    {
        // Local time written as GMT, three hours ahead: no date says what was seen; the first policy's keys do.
        var ahead = new Item("g0", "Dated three hours ahead", "https://site.example/0", Start.AddHours(3).AddMinutes(-30));
        var url = Serve(ahead);
        using (var host = await StartAsync(url))
        {
            await FirstPollAsync(host, expectedNew: 1);
        }

        clock.Advance(TimeSpan.FromHours(1));
        using (var once = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" }))
        {
            // Applies the configuration to the stored feed without fetching it.
            using var lease = await once.Services.GetRequiredService<FeedCatalogSync>().AcquireAsync(default);
        }

        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "content" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        Serve(ahead, new Item("g5", "Yesterday's story", "https://site.example/5", Start.AddDays(-1)));

        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Equal(["Yesterday's story"], (await DueAfterAsync(changed, cutoff)).Select(s => s.Title));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await PollAsync(changed)).NewStories);
    }

    [Fact]
    public async Task IdentityPolicyChanged_BeforeTheFeedsFirstItemsWereStored_ItsArchiveIsStillHeldBack()
    {
        var url = Serve();
        using (var host = await StartAsync(url))
        {
            Assert.Equal(0, (await PollAsync(host)).NewStories);
        }

        clock.Advance(TimeSpan.FromHours(1));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" });
        Serve(
            new Item("g1", "Published now", "https://site.example/1", clock.GetUtcNow().AddMinutes(-5)),
            new Item("g2", "A week old", "https://site.example/2", Start.AddDays(-7)),
            new Item("g3", "A year old", "https://site.example/3", Start.AddDays(-365)));

        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Equal(["Published now"], (await DueAfterAsync(changed, 0)).Select(s => s.Title));
    }

    [Fact]
    public async Task IdentityPolicyChangedFromTitleToGuid_TodaysItemWithYesterdaysTitle_IsDelivered_YesterdaysIsNotAgain()
    {
        // The title policy merged each day's "Daily briefing" into the first: the admin switches to GUIDs.
        var yesterday = new Item("g1", "Daily briefing", "https://site.example/1", Start.AddHours(-20), "Monday's news.");
        var url = Serve(yesterday);
        using (var host = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "title" }))
        {
            await FirstPollAsync(host, expectedNew: 1);
        }

        clock.Advance(TimeSpan.FromHours(4));
        using var changed = await StartAsync([url], new() { ["FeedDigest:Feeds:0:Identity"] = "guid" });
        var cutoff = (await DueAfterAsync(changed, 0))[^1].Sequence;
        Serve(new Item("g2", "Daily briefing", "https://site.example/2", clock.GetUtcNow().AddMinutes(-30), "Tuesday's news."), yesterday);

        Assert.Equal(1, (await PollAsync(changed)).NewStories);
        Assert.Equal(["Tuesday's news."], (await DueAfterAsync(changed, cutoff)).Select(s => s.Summary));
    }

    // ---- Audit 3 (b0a5839..9dcc36b) ----
    [Fact]
    public async Task ContentPolicy_OneItemPage_NextMonthsPost_DifferingOnlyInACountWithinASentence_IsDelivered()
    {
        // A scraped one-item "monthly stats" page: GUID and link never change, hence Identity content.
        var url = Serve(new Item("stats", "Monthly stats", "https://site.example/stats", Start, "<p>Thanks for reading! This month the blog had 12,345 views.</p>"));
        using var host = await StartAsync([url], ContentPolicy);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromDays(30));
        Serve(new Item("stats", "Monthly stats", "https://site.example/stats", clock.GetUtcNow(), "<p>Thanks for reading! This month the blog had 14,002 views.</p>"));
        var report = await PollAsync(host);
        var all = await DueAfterAsync(host, 0);
        Assert.True(report.NewStories == 1, $"new {report.NewStories}; stored: {string.Join(" | ", all.Select(s => s.Summary))}");
        Assert.Single(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task ContentPolicy_NoCommentsThenOneComment_SendsNothingAgain()
    {
        Item Post(string comments) => new("p", "Port reopens", "https://site.example/p", Start, $"<p>Ships returned to the harbour on Monday.</p><p>{comments}</p>");
        var url = Serve(Post("No Comments"));
        using var host = await StartAsync([url], ContentPolicy);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromHours(1));
        Serve(Post("1 Comment"));
        Assert.Equal(0, (await PollAsync(host)).NewStories);
        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    [Fact]
    public async Task ContentPolicy_AReactionCountMovingAtEachFetch_SendsNothingAgain_AndAddsNoKeys()
    {
        Item Post(int likes) => new("p", "Port reopens", "https://site.example/p", Start, $"<p>Ships returned to the harbour on Monday.</p><p>👍 {likes}</p>");
        var url = Serve(Post(10));
        using var host = await StartAsync([url], ContentPolicy);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);
        var before = await CountKeysAsync();

        var sent = 0;
        for (var likes = 11; likes <= 20; likes++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            Serve(Post(likes));
            sent += (await PollAsync(host)).NewStories;
        }

        var grown = await CountKeysAsync() - before;
        Assert.True(sent == 0 && grown == 0, $"10 fetches: {sent} stories sent again, {grown} keys added");
    }

    [Fact]
    public async Task ContentPolicy_AStoryListedTwiceInTheDocument_CommentCountMoves_SendsNothingAgain()
    {
        // A scraped page shows the pinned story at the top and again in the list.
        Item Post(int comments) => new("p", "Port reopens", "https://site.example/p", Start, $"<p>Ships returned to the harbour on Monday.</p><p>{comments} comments</p>");
        var url = Serve(Post(2), Post(2));
        using var host = await StartAsync([url], ContentPolicy);
        var cutoff = await FirstPollAsync(host, expectedNew: 1);

        clock.Advance(TimeSpan.FromHours(1));
        Serve(Post(3), Post(3));
        Assert.Equal(0, (await PollAsync(host)).NewStories);
        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    private static readonly Dictionary<string, string?> ContentPolicy = new() { ["FeedDigest:Feeds:0:Identity"] = "content" };

    private static readonly string[] Committees = ["Planning", "Licensing", "Transport"];

    private static string Photo(string caption) => $"<p>Today's picture, sent in by one of our readers.</p><p>Photo: {caption}</p>";

    [Fact]
    public async Task ItemsOfTextAlone_EachIsAStory_AndANewOneIsDelivered_WhileTheOthersAreNotSentAgain()
    {
        // RSS asks an item only for a title or a description: a status feed's may be text alone,
        // without GUID, link, title or date. All of them had one key, and only the first was stored.
        Item Status(string text) => new(null, "", null, Description: text);
        var url = Serve(Status("Ferry service to the islands resumes after the storm."), Status("Harbor crane operators strike over night shifts."));
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        Serve(Status("Night buses run again from Monday."), Status("Ferry service to the islands resumes after the storm."), Status("Harbor crane operators strike over night shifts."));
        await PollAgainAsync(host);

        Assert.Equal("Night buses run again from Monday.", Assert.Single(await DueAfterAsync(host, cutoff)).Title);
    }

    [Fact]
    public async Task ItemsOfTextAlone_ACountMovingOrADatedOnesTextEdited_IsNotSentAgain()
    {
        var dated = new Item(null, "", null, Start.AddHours(-2), "Harbor crane operators strike over night shift.");
        var url = Serve(new Item(null, "", null, Description: "<p>Ferry service to the islands resumes.</p><p>3 hours ago</p>"), dated);
        using var host = await StartAsync(url);
        var cutoff = await FirstPollAsync(host, expectedNew: 2);

        Serve(new Item(null, "", null, Description: "<p>Ferry service to the islands resumes.</p><p>4 hours ago</p>"), dated with { Description = "Harbor crane operators strike over night shifts." });
        await PollAgainAsync(host);

        Assert.Empty(await DueAfterAsync(host, cutoff));
    }

    private sealed record Item(string? Guid, string Title, string? Link, DateTimeOffset? Published = null, string Description = "Text of the story.");

    private Uri Serve(params Item[] items) => server.Set("feed.xml", Rss(items));

    private static string Rss(params Item[] items)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Site</title><link>https://site.example/</link><description>d</description>""");
        foreach (var item in items)
        {
            builder.Append("<item>");
            if (item.Guid is not null)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<guid>{SecurityElement.Escape(item.Guid)}</guid>");
            }

            builder.Append(CultureInfo.InvariantCulture, $"<title>{SecurityElement.Escape(item.Title)}</title>");
            if (item.Link is not null)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<link>{SecurityElement.Escape(item.Link)}</link>");
            }

            if (item.Published is { } published)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<pubDate>{published.ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            }

            builder.Append(CultureInfo.InvariantCulture, $"<description>{SecurityElement.Escape(item.Description)}</description></item>");
        }

        return builder.Append("</channel></rss>").ToString();
    }

    private Task<IHost> StartAsync(Uri url) => StartAsync([url], []);

    private async Task<IHost> StartAsync(Uri[] urls, Dictionary<string, string?> extra, CollectingLoggerProvider? logs = null)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < urls.Length; i++)
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = $"feed{i}";
            settings[$"FeedDigest:Feeds:{i}:Url"] = urls[i].AbsoluteUri;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false, logs is null ? null : builder => builder.Logging.AddProvider(logs));
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        return host;
    }

    /// <returns>The sequence a digest sent now would take as its cut-off.</returns>
    private static async Task<long> FirstPollAsync(IHost host, int expectedNew)
    {
        Assert.Equal(expectedNew, (await PollAsync(host)).NewStories);
        return (await DueAfterAsync(host, 0))[^1].Sequence;
    }

    private async Task<long> CountKeysAsync()
    {
        var file = Assert.Single(Directory.GetFiles(directory.Path, "*.db", SearchOption.AllDirectories));
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM story_keys";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Task<PollReport> PollAgainAsync(IHost host)
    {
        clock.Advance(TimeSpan.FromHours(1));
        return PollAsync(host);
    }

    private static Task<PollReport> PollAsync(IHost host) =>
        host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);

    private static Task<IReadOnlyList<StoredStory>> DueAfterAsync(IHost host, long cutoff) =>
        host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(cutoff, 100, default);

    private static async Task<FeedState> StateAsync(IHost host) =>
        Assert.Single(await host.Services.GetRequiredService<IFeedStore>().GetFeedStatesAsync(default));
}
