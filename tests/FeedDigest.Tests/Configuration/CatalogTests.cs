using FeedDigest.Core.Digests;
using FeedDigest.Core.Configuration;

namespace FeedDigest.Tests.Configuration;

public sealed class CatalogTests
{
    private static readonly string BaseDirectory = Path.Combine(Path.GetTempPath(), "feeddigest-catalog-root");

    [Fact]
    public void TryCreate_ValidOptions_ProducesFeedsTopicsAndSubscribers()
    {
        var options = ValidOptions();

        var ok = Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors);

        Assert.True(ok);
        Assert.Empty(errors);

        Assert.Equal(["harbor", "wire"], catalog.Feeds.Select(f => f.Id));
        var harbor = catalog.FeedsById["harbor"];
        Assert.Equal(new Uri("https://harbor.example/feed.xml"), harbor.Source);
        Assert.Equal("Harbor Times", harbor.Title);
        Assert.Equal(["asia"], harbor.Tags);
        Assert.Equal(TimeSpan.FromMinutes(15), harbor.PollInterval);
        Assert.Null(catalog.FeedsById["wire"].Title);
        Assert.Null(catalog.FeedsById["wire"].PollInterval);

        Assert.Equal(["censorship", "shipping"], catalog.Topics.Select(t => t.Id));
        Assert.Equal("Online censorship", catalog.TopicsById["censorship"].Name);
        Assert.Equal("(OR censorship \"great firewall\")", catalog.TopicsById["censorship"].Query.ToString());
        Assert.Equal("shipping", catalog.TopicsById["shipping"].Name);

        var subscriber = Assert.Single(catalog.Subscribers);
        Assert.Equal("ana.lima@example.com", subscriber.Key);
        Assert.Equal("Ana.Lima@Example.com", subscriber.Email);
        Assert.Equal("Ana Lima", subscriber.DisplayName);
        Assert.Equal(["censorship", "shipping"], subscriber.TopicIds);
        Assert.Equal("daily at 07:30 (Asia/Shanghai)", subscriber.Schedule.Description);
        Assert.Equal(
            new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero),
            subscriber.Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("wire~removed-0a1b2c3d")]
    [InlineData("wire~renaming-0a1b2c3d")]
    public void TryCreate_FeedIdOfTheFormTheStoreGivesFeedsItSetsAside_IsRefused(string id)
    {
        var options = ValidOptions();
        options.Feeds[1].Id = id;
        foreach (var topic in options.Topics)
        {
            topic.Feeds = [.. topic.Feeds.Select(feed => feed == "wire" ? id : feed)];
        }

        Assert.False(Catalog.TryCreate(options, BaseDirectory, out _, out var errors));
        var error = Assert.Single(errors);
        Assert.StartsWith("FeedDigest:Feeds:1:Id:", error, StringComparison.Ordinal);
        Assert.Contains("the form the service gives feeds it sets aside", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_FeedTimeZone_IsReadOrRefusedNamingTheFeed()
    {
        var options = ValidOptions();
        options.Feeds[0].TimeZone = " Asia/Shanghai ";
        options.Feeds[1].TimeZone = "Asia/Beijing";

        Assert.False(Catalog.TryCreate(options, BaseDirectory, out _, out var errors));
        var error = Assert.Single(errors);
        Assert.StartsWith("FeedDigest:Feeds:1:TimeZone: unknown time zone \"Asia/Beijing\"", error, StringComparison.Ordinal);

        options.Feeds[1].TimeZone = null;
        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));
        Assert.Equal(TimeSpan.FromHours(8), catalog.Feeds[0].TimeZone?.BaseUtcOffset);
        Assert.Null(catalog.Feeds[1].TimeZone);
    }

    [Fact]
    public void TryCreate_NoTimeZoneOrSendAt_DefaultsToSevenUtc()
    {
        var options = ValidOptions();
        options.Subscribers[0].TimeZone = null;
        options.Subscribers[0].SendAt = null;

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));

        Assert.Equal(
            new DateTimeOffset(2026, 3, 11, 7, 0, 0, TimeSpan.Zero),
            catalog.Subscribers[0].Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void TryCreate_CronGiven_IsUsedInsteadOfSendAt()
    {
        var options = ValidOptions();
        options.Subscribers[0].Cron = "0 18 * * 5";

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));

        // Fridays at 18:00 in Shanghai; 2026-03-13 is a Friday.
        Assert.Equal(
            new DateTimeOffset(2026, 3, 13, 10, 0, 0, TimeSpan.Zero),
            catalog.Subscribers[0].Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void TryCreate_SixFieldCron_ReadsSecondsFirst()
    {
        var options = ValidOptions();
        options.Subscribers[0].Cron = "*/5 * * * * *";

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));

        // Every five seconds: a six-field expression is not read as minutes.
        Assert.Equal(
            new DateTimeOffset(2026, 3, 10, 12, 0, 5, TimeSpan.Zero),
            catalog.Subscribers[0].Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 1, TimeSpan.Zero)));
    }

    [Fact]
    public void TryCreate_WeeklyCadenceOnWeekdaysOutsideQuietHours_ReadsEverySetting()
    {
        var options = ValidOptions();
        var subscriber = options.Subscribers[0];
        subscriber.Cadence = "Weekly";
        subscriber.Day = "fri";
        subscriber.SendAt = "18:30";
        subscriber.Weekdays = ["Friday", "sat"];
        subscriber.QuietHours = "22:00-07:00";
        subscriber.MaxStories = 12;
        subscriber.Format = "text";
        subscriber.Paused = true;

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors), string.Join("\n", errors));

        var read = catalog.Subscribers[0];
        Assert.Equal("weekly on Friday at 18:30 (Asia/Shanghai), only on Fri, Sat, quiet 22:00-07:00", read.Schedule.Description);
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 10, 30, 0, TimeSpan.Zero), read.Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal((12, DigestFormat.Text, true), (read.MaxStories, read.Format, read.Paused));
    }

    [Fact]
    public void TryCreate_HourlyCadence_UsesTheMinutesOfSendAt()
    {
        var options = ValidOptions();
        options.Subscribers[0].Cadence = "hourly";
        options.Subscribers[0].SendAt = "00:20";

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));

        Assert.Equal(new DateTimeOffset(2026, 3, 10, 12, 20, 0, TimeSpan.Zero), catalog.Subscribers[0].Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("fortnightly", null, null, null, "FeedDigest:Subscribers:0:Cadence: ", "hourly, daily or weekly")]
    [InlineData("weekly", null, null, null, "FeedDigest:Subscribers:0:Day: ", "needs its day")]
    [InlineData(null, "Caturday", null, null, "FeedDigest:Subscribers:0:Weekdays: ", "Caturday")]
    [InlineData(null, null, "late", null, "FeedDigest:Subscribers:0:QuietHours: ", "HH:mm-HH:mm")]
    [InlineData(null, null, "07:00-09:00", null, "FeedDigest:Subscribers:0: daily at 07:30", "no time for a digest")]
    [InlineData(null, null, null, "pdf", "FeedDigest:Subscribers:0:Format: ", "html or text")]
    public void TryCreate_BadScheduleSetting_IsReportedWithItsPath(string? cadence, string? weekday, string? quietHours, string? format, string expectedStart, string expectedReason)
    {
        var options = ValidOptions();
        var subscriber = options.Subscribers[0];
        subscriber.Cadence = cadence;
        subscriber.Weekdays = weekday is null ? [] : [weekday];
        subscriber.QuietHours = quietHours;
        subscriber.Format = format;

        var error = SingleError(options);

        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
        Assert.Contains(expectedReason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_MaxStoriesOutOfRange_IsReported()
    {
        var options = ValidOptions();
        options.Subscribers[0].MaxStories = 0;

        Assert.StartsWith("FeedDigest:Subscribers:0:MaxStories must be between 1 and 1000", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_UnknownTimeZone_IsReportedWithItsPath()
    {
        var options = ValidOptions();
        options.Subscribers[0].TimeZone = "Mars/Olympus";

        var error = SingleError(options);

        Assert.StartsWith("FeedDigest:Subscribers:0:TimeZone: ", error, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_WindowsTimeZoneName_IsAccepted()
    {
        var options = ValidOptions();
        options.Subscribers[0].TimeZone = "China Standard Time";

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors), string.Join("\n", errors));

        Assert.Equal(
            new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero),
            catalog.Subscribers[0].Schedule.NextAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void TryCreate_UnknownTopicId_IsReportedWithItsPath()
    {
        var options = ValidOptions();
        options.Subscribers[0].Topics = ["censorship", "sports"];

        var error = SingleError(options);

        Assert.StartsWith("FeedDigest:Subscribers:0:Topics: ", error, StringComparison.Ordinal);
        Assert.Contains("\"sports\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_SubscriberWithoutTopics_IsReported()
    {
        var options = ValidOptions();
        options.Subscribers[0].Topics = [];

        Assert.StartsWith("FeedDigest:Subscribers:0:Topics: ", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_DuplicateFeedId_IsReportedAtTheSecondFeed()
    {
        var options = ValidOptions();
        options.Feeds.Add(new FeedOptions { Id = " harbor ", Url = "https://other.example/feed.xml" });

        var error = SingleError(options);

        Assert.StartsWith("FeedDigest:Feeds:2:Id: ", error, StringComparison.Ordinal);
        Assert.Contains("\"harbor\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_FeedWithoutId_IsReported()
    {
        var options = ValidOptions();
        options.Feeds[1].Id = "  ";

        Assert.StartsWith("FeedDigest:Feeds:1:Id: ", SingleError(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://files.example/feed.xml")]
    [InlineData("gopher://old.example/feed")]
    [InlineData("")]
    public void TryCreate_UnsupportedFeedUrl_IsReportedWithItsPath(string url)
    {
        var options = ValidOptions();
        options.Feeds[0].Url = url;

        Assert.StartsWith("FeedDigest:Feeds:0:Url: ", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_PollIntervalUnderAMinute_IsReported()
    {
        var options = ValidOptions();
        options.Feeds[0].PollInterval = TimeSpan.FromSeconds(30);

        Assert.StartsWith("FeedDigest:Feeds:0:PollInterval: ", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_DuplicateTopicIdOrTopicWithoutKeywords_IsReported()
    {
        var options = ValidOptions();
        options.Topics.Add(new TopicOptions { Id = "censorship", Keywords = ["x"] });
        options.Topics.Add(new TopicOptions { Id = "empty", Keywords = ["", "  "] });

        Assert.False(Catalog.TryCreate(options, BaseDirectory, out _, out var errors));

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("FeedDigest:Topics:2:Id: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("FeedDigest:Topics:3:Query: ", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_TopicQuery_IsParsed()
    {
        var options = ValidOptions();
        options.Topics[0].Keywords = [];
        options.Topics[0].Query = "censor* -sports";

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors), string.Join("\n", errors));

        Assert.Equal("(AND censor* (NOT sports))", catalog.TopicsById["censorship"].Query.ToString());
    }

    [Fact]
    public void TryCreate_MalformedTopicQuery_IsReportedWithItsPathAndPosition()
    {
        var options = ValidOptions();
        options.Topics[0].Keywords = [];
        options.Topics[0].Query = "(censorship OR VPN";

        var error = SingleError(options);

        Assert.Equal("FeedDigest:Topics:0:Query: topic \"censorship\": position 19: expected \")\" in (censorship OR VPN", error);
    }

    [Fact]
    public void TryCreate_TopicWithQueryAndKeywords_IsReported()
    {
        var options = ValidOptions();
        options.Topics[0].Query = "censorship";

        Assert.StartsWith("FeedDigest:Topics:0:Keywords: topic \"censorship\" has both", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_KeywordWithoutLetters_IsReported()
    {
        var options = ValidOptions();
        options.Topics[1].Keywords = ["port", "&&"];

        var error = SingleError(options);

        Assert.StartsWith("FeedDigest:Topics:1:Keywords: ", error, StringComparison.Ordinal);
        Assert.Contains("\"&&\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_TopicNamingAnUnknownFeed_IsReportedNamingTheTopicAndTheFeed()
    {
        var options = ValidOptions();
        options.Topics[0].Feeds = ["harbor", "reuters"];
        options.Topics[1].ExcludeFeeds = ["wires"];

        Assert.False(Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors));

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("FeedDigest:Topics:0:Feeds: topic \"censorship\" names the feed \"reuters\", which is not configured", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("FeedDigest:Topics:1:ExcludeFeeds: topic \"shipping\" names the feed \"wires\", which is not configured", errors[1], StringComparison.Ordinal);
        Assert.Empty(catalog.Topics);
    }

    [Fact]
    public void TryCreate_TopicNamingATagNoFeedHas_IsReported()
    {
        var options = ValidOptions();
        options.Topics[0].Tags = ["europe"];
        options.Topics[1].ExcludeTags = ["ASIA"];

        var error = SingleError(options);

        Assert.StartsWith("FeedDigest:Topics:0:Tags: topic \"censorship\" names the tag \"europe\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_BadFeedLanguage_IsReported()
    {
        var options = ValidOptions();
        options.Feeds[0].Language = "zh CN";

        Assert.StartsWith("FeedDigest:Feeds:0:Language: ", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_SubscriberLanguage_IsACulture()
    {
        var options = ValidOptions();
        options.Subscribers[0].Language = "zh-CN";

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));

        Assert.Equal("zh-CN", catalog.Subscribers[0].Language?.Name);
    }

    [Fact]
    public void TryCreate_UnknownSubscriberLanguage_IsReported()
    {
        var options = ValidOptions();
        options.Subscribers[0].Language = "klingon-XX";

        Assert.StartsWith("FeedDigest:Subscribers:0:Language: \"klingon-XX\" is not a language", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_BadRemoveSelector_IsReported()
    {
        var options = ValidOptions();
        options.Feeds[0].RemoveSelectors = ["div.share", "p:::nope"];

        Assert.StartsWith("FeedDigest:Feeds:0:RemoveSelectors:1: \"p:::nope\" is not a CSS selector", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_BadRemovePattern_IsReported()
    {
        var options = ValidOptions();
        options.Feeds[0].RemovePatterns = ["^Subscribe(", "ok"];

        Assert.StartsWith("FeedDigest:Feeds:0:RemovePatterns:0: \"^Subscribe(\" is not a regular expression", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_FurnitureRules_AreCarriedOnTheFeed()
    {
        var options = ValidOptions();
        options.Feeds[0].RemoveSelectors = ["div.share"];
        options.Feeds[0].RemovePatterns = ["^Subscribe to .*$"];
        options.Feeds[0].FurnitureHeuristics = false;

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out _));

        var rules = catalog.Feeds[0].Furniture;
        Assert.Equal(["div.share"], rules.Selectors);
        Assert.Equal("^Subscribe to .*$", Assert.Single(rules.Patterns).ToString());
        Assert.False(rules.Heuristics);
        Assert.True(catalog.Feeds[1].Furniture.Heuristics);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("ana@@example.com")]
    [InlineData("")]
    [InlineData(null)]
    public void TryCreate_BadEmail_IsReportedWithItsPath(string? email)
    {
        var options = ValidOptions();
        options.Subscribers[0].Email = email;

        Assert.StartsWith("FeedDigest:Subscribers:0:Email: ", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_SameEmailTwiceInDifferentCase_IsReportedAtTheSecond()
    {
        var options = ValidOptions();
        options.Subscribers.Add(new SubscriberOptions { Email = "ana.lima@EXAMPLE.com", Topics = ["shipping"] });

        Assert.StartsWith("FeedDigest:Subscribers:1:Email: ", SingleError(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("7am")]
    [InlineData("07:00:00")]
    [InlineData("07.00")]
    public void TryCreate_BadSendAt_IsReportedWithItsPath(string sendAt)
    {
        var options = ValidOptions();
        options.Subscribers[0].SendAt = sendAt;

        var error = SingleError(options);

        Assert.StartsWith("FeedDigest:Subscribers:0:SendAt: ", error, StringComparison.Ordinal);
        Assert.Contains(sendAt, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("every morning")]
    [InlineData("0 0 7 * * * *")]
    [InlineData("60 7 * * *")]
    [InlineData("60 0 7 * * *")]
    public void TryCreate_BadCron_IsReportedWithItsPath(string cron)
    {
        var options = ValidOptions();
        options.Subscribers[0].Cron = cron;

        Assert.StartsWith("FeedDigest:Subscribers:0:Cron: ", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_ProblemsInSeveralPlaces_AreAllReportedAndBadSubscribersLeftOut()
    {
        var options = ValidOptions();
        options.Subscribers.Add(new SubscriberOptions { Email = "bo@example.com", Topics = ["shipping"], TimeZone = "Nowhere/Else" });
        options.Subscribers.Add(new SubscriberOptions { Email = "cy@example.com", Topics = ["shipping"] });
        options.Feeds[1].Url = "ftp://wire.example/feed";

        Assert.False(Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors));

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("FeedDigest:Feeds:1:Url: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("FeedDigest:Subscribers:1:TimeZone: ", errors[1], StringComparison.Ordinal);
        Assert.Equal(["ana.lima@example.com", "cy@example.com"], catalog.Subscribers.Select(s => s.Key));
    }

    [Theory]
    [InlineData("feeds/local.xml")]
    [InlineData("./feeds/../feeds/local.xml")]
    public void TryCreate_RelativeFeedPath_IsResolvedAgainstTheBaseDirectory(string path)
    {
        var options = ValidOptions();
        options.Feeds[0].Url = path;

        Assert.True(Catalog.TryCreate(options, BaseDirectory, out var catalog, out var errors), string.Join("\n", errors));

        var source = catalog.FeedsById["harbor"].Source;
        Assert.True(source.IsFile);
        Assert.Equal(Path.Combine(BaseDirectory, "feeds", "local.xml"), source.LocalPath);
    }

    [Fact]
    public void TryCreate_AbsoluteFeedPathAndFileUrl_AreKept()
    {
        var absolute = Path.Combine(BaseDirectory, "elsewhere", "a.xml");
        var options = ValidOptions();
        options.Feeds[0].Url = absolute;
        options.Feeds[1].Url = new Uri(absolute).AbsoluteUri;

        Assert.True(Catalog.TryCreate(options, "/unused", out var catalog, out var errors), string.Join("\n", errors));

        Assert.Equal(absolute, catalog.FeedsById["harbor"].Source.LocalPath);
        Assert.Equal(absolute, catalog.FeedsById["wire"].Source.LocalPath);
    }

    private static string SingleError(CatalogOptions options)
    {
        Assert.False(Catalog.TryCreate(options, BaseDirectory, out _, out var errors));
        return Assert.Single(errors);
    }

    private static CatalogOptions ValidOptions() => new()
    {
        Feeds =
        [
            new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml", Title = " Harbor Times ", Tags = ["asia"], PollInterval = TimeSpan.FromMinutes(15) },
            new FeedOptions { Id = "wire", Url = " https://wire.example/feed.atom " },
        ],
        Topics =
        [
            new TopicOptions { Id = "censorship", Name = "Online censorship", Keywords = [" censorship ", "", "Great Firewall"] },
            new TopicOptions { Id = "shipping", Keywords = ["port"] },
        ],
        Subscribers =
        [
            new SubscriberOptions
            {
                Email = "Ana Lima <Ana.Lima@Example.com>",
                Topics = ["censorship", "shipping"],
                SendAt = "7:30",
                TimeZone = "Asia/Shanghai",
            },
        ],
    };
}
