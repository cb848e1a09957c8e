using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Stories;

namespace FeedDigest.Tests.Digests;

public sealed class DigestRendererTests
{
    // 23:30Z on 10 March is 07:30 on 11 March in Shanghai.
    private static readonly DateTimeOffset CreatedAt = new(2026, 3, 10, 23, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PublishedAt = new(2026, 3, 10, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Render_TitleWithScriptTag_IsHtmlEncoded()
    {
        var story = DigestTestData.Story(1, "Censorship <script>alert(1)</script> bypassed", summary: "A <script>x()</script> summary");

        var message = Render([story]);

        Assert.DoesNotContain("<script", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Censorship &lt;script&gt;alert(1)&lt;/script&gt; bypassed", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TextEscapedTwiceByTheFeed_IsShownDecoded_AndMarkupItHeldStaysText()
    {
        var story = DigestTestData.Story(1, "Beijing&#8217;s new rules &amp; the Great Firewall &lt;b&gt;", summary: "It&#x2019;s the &quot;clean-up&quot; campaign; what does &nbsp; mean?");

        var message = Render([story]);

        Assert.Contains("Beijing\u2019s new rules & the Great Firewall <b>", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("It\u2019s the \"clean-up\" campaign; what does &nbsp; mean?", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("&#8217;", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&amp; the Great Firewall &lt;b&gt;", message.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("JavaScript:alert(1)")]
    [InlineData("data:text/html,<b>censorship</b>")]
    public void Render_NonHttpLink_IsDropped(string link)
    {
        var story = DigestTestData.Story(1, "Censorship story", link: link);

        var message = Render([story]);

        var scheme = link[..link.IndexOf(':', StringComparison.Ordinal)];
        Assert.DoesNotContain(scheme + ":", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(scheme + ":", message.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Censorship story", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HttpLink_IsKeptAsHref()
    {
        var story = DigestTestData.Story(1, "Censorship story", link: "https://harbor.example/news/1?a=1&b=2");

        var message = Render([story]);

        Assert.Contains("href=\"https://harbor.example/news/1?a=1&amp;b=2\"", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TextBody_ListsTitlesLinksAndOutlets()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Great Firewall blocks new sites", link: "https://harbor.example/news/1"),
            DigestTestData.Story(2, "Port reopens", link: "https://wire.example/news/2", feedId: "wire"),
        };
        var entries = new[] { new DigestEntry(1, "censorship", 0), new DigestEntry(2, "shipping", 1) };

        var message = Render(stories, entries, DigestTestData.Subscriber("censorship", "shipping"));

        Assert.Contains("1. Great Firewall blocks new sites", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("2. Port reopens", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://harbor.example/news/1", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://wire.example/news/2", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("== Online censorship ==", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("== Shipping ==", message.TextBody, StringComparison.Ordinal);
        // The feed's configured title names the outlet; without one, its id does.
        Assert.Contains("Harbor Times", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("   wire", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OtherOutletsVersions_ShownOnceAsAlso_WithTheirLinks_AndNotCounted()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Censors block VPN services", link: "https://harbor.example/news/1"),
            DigestTestData.Story(2, "Great Firewall blocks VPNs", link: "https://wire.example/news/2", feedId: "wire"),
        };
        var entries = new[] { new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1, LeadStoryId: 1) };

        var message = Render(stories, entries);

        Assert.Contains("also: <a href=\"https://wire.example/news/2\" style=\"color:#1a0dab;\">wire</a>", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Great Firewall blocks VPNs", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("   also: wire https://wire.example/news/2", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("2. ", message.TextBody, StringComparison.Ordinal);
        Assert.StartsWith("Online censorship: 1 new story · ", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Subject_HasCountTopicNameAndLocalDate()
    {
        var stories = new[] { DigestTestData.Story(1, "Censorship one"), DigestTestData.Story(2, "Censorship two") };
        var entries = new[] { new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1) };

        var message = Render(stories, entries);

        Assert.Equal("Online censorship: 2 new stories · 11 Mar 2026", message.Subject);
    }

    [Theory]
    [InlineData(null, "Online censorship, Shipping: 2 new stories · 11 Mar 2026", "2 new stories on Online censorship, Shipping", "10 Mar 08:30", "en")]
    [InlineData("en-GB", "Online censorship, Shipping: 2 new stories · 11 Mar 2026", "2 new stories on Online censorship, Shipping", "10 Mar 08:30", "en-GB")]
    [InlineData("zh-CN", "Online censorship、Shipping：2 条新报道 · 2026年3月11日", "Online censorship、Shipping：2 条新报道", "3月10日 08:30", "zh-CN")]
    [InlineData("zh-TW", "Online censorship、Shipping：2 則新報導 · 2026年3月11日", "Online censorship、Shipping：2 則新報導", "3月10日 08:30", "zh-TW")]
    [InlineData("fr-FR", "Online censorship, Shipping: 2 new stories · 11 mars 2026", "2 new stories on Online censorship, Shipping", "10 mars 08:30", "fr-FR")]
    public void Render_SubscriberLanguage_WritesSubjectHeadingAndTimesInIt(string? language, string subject, string heading, string time, string lang)
    {
        var stories = new[] { DigestTestData.Story(1, "Censorship one", published: PublishedAt) with { FirstSeenAt = PublishedAt.AddMinutes(5) }, DigestTestData.Story(2, "Port two", feedId: "wire") };
        var entries = new[] { new DigestEntry(1, "censorship", 0), new DigestEntry(2, "shipping", 1) };
        var subscriber = DigestTestData.Subscriber("censorship", "shipping") with { Language = language is null ? null : System.Globalization.CultureInfo.GetCultureInfo(language) };

        var message = Render(stories, entries, subscriber);

        Assert.Equal(subject, message.Subject);
        Assert.StartsWith(heading, message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Harbor Times · {time}", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"<html lang=\"{lang}\">", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SingleStory_SubjectSaysOneStory()
    {
        var message = Render([DigestTestData.Story(1, "Censorship one")]);

        Assert.StartsWith("Online censorship: 1 new story · ", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PublishedTime_IsShownInTheSubscribersZone()
    {
        var story = DigestTestData.Story(1, "Censorship story", published: PublishedAt) with { FirstSeenAt = PublishedAt.AddMinutes(5) };

        var message = Render([story]);

        Assert.Contains("10 Mar 08:30", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("10 Mar 08:30", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("00:30", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("00:30", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AFeedWithoutATitleInTheConfiguration_IsNamedByItsOwnTitle_ElseByItsId()
    {
        // Harbor has a Title in the configuration; the wire has none, and gave "Northbridge Wire" itself.
        var harbor = DigestTestData.Story(1, "Censorship story") with { ClusterId = 2 };
        var wire = DigestTestData.Story(2, "Censorship copy", feedId: "wire") with { ClusterId = 2 };
        var entries = new[] { new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1, LeadStoryId: 1) };
        var titled = DigestTestData.Catalog().WithFeedTitles(new Dictionary<string, string> { ["wire"] = "Northbridge Wire", ["harbor"] = "Harbor's own title" });

        var named = Render([harbor, wire], entries, catalog: titled);
        var unnamed = Render([harbor, wire], entries);

        Assert.Contains("also: Northbridge Wire", named.TextBody, StringComparison.Ordinal);
        Assert.Contains("Harbor Times", named.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Harbor's own title", named.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: wire", unnamed.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ListId_IsTheSubscribersFirstTopic_WhicheverTopicsHaveStoriesThatDay()
    {
        var subscriber = DigestTestData.Subscriber("censorship", "shipping");
        var port = DigestTestData.Story(1, "Port reopens");

        var message = Render([port], [new DigestEntry(1, "shipping", 0)], subscriber);

        Assert.Equal(new MailingList("censorship", "Online censorship"), message.List);
    }

    [Fact]
    public void Render_ADateAheadOfWhenTheStoryWasFirstSeen_ShowsWhenItWasFirstSeen()
    {
        // Dated a month ahead by its feed, first seen at 00:30 UTC: 08:30 in Shanghai, not next month.
        var story = DigestTestData.Story(1, "Censorship story", published: PublishedAt.AddDays(30)) with { FirstSeenAt = PublishedAt };

        var message = Render([story]);

        Assert.Contains("10 Mar 08:30", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("9 Apr", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OmittedStories_AreMentioned()
    {
        var message = Render([DigestTestData.Story(1, "Censorship story")], omitted: 2);

        Assert.Contains("and 2 more matching stories not shown.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("and 2 more matching stories not shown.", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ChineseSubscriber_GetsTheWordsAroundTheStoriesInChinese()
    {
        var lead = DigestTestData.Story(1, "审查 story") with { ClusterId = 3, Revision = 1 };
        var also = DigestTestData.Story(2, "审查 copy", feedId: "wire") with { ClusterId = 3 };
        var subscriber = DigestTestData.Subscriber("censorship") with { Language = System.Globalization.CultureInfo.GetCultureInfo("zh-CN") };

        var message = Render([lead, also], [new DigestEntry(1, "censorship", 0, Updated: true), new DigestEntry(2, "censorship", 1, LeadStoryId: 1)], subscriber, omitted: 2);

        foreach (var body in new[] { message.TextBody, message.HtmlBody! })
        {
            Assert.Contains("另见", body, StringComparison.Ordinal);
            Assert.Contains("更新", body, StringComparison.Ordinal);
            Assert.Contains("……另有 2 条相关报道未列出。", body, StringComparison.Ordinal);
            Assert.Contains("您收到这份摘要，是因为 ana@example.com 订阅了 Online censorship。发送时间：每天 07:00（Asia/Shanghai）。", body, StringComparison.Ordinal);
            Assert.DoesNotContain("daily at", body, StringComparison.Ordinal);
            Assert.DoesNotContain("also:", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_Links_LoseTheirTrackingParameters_BuiltInAndTheAdminsOwn()
    {
        var lead = DigestTestData.Story(1, "Censorship story", link: "https://harbor.example/news/1?utm_source=rss&id=1&ref=feed") with { ClusterId = 3 };
        var also = DigestTestData.Story(2, "Censorship copy", link: "https://wire.example/2?fbclid=abc", feedId: "wire") with { ClusterId = 3 };
        var storyOptions = new FixedOptions<StoryOptions>(new StoryOptions { TrackingParameters = ["ref"] });
        var subscriber = DigestTestData.Subscriber("censorship");
        var digest = new ClaimedDigest("d-1", subscriber.Key, "digest.1@feeddigest", CreatedAt, [new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1, LeadStoryId: 1)], 0);

        var message = new DigestRenderer(null, DigestTemplates.BuiltIn, storyOptions)
            .Render(new UnsentDigest(digest, [lead, also], 0), subscriber, DigestTestData.Catalog(), 300);

        foreach (var body in new[] { message.TextBody, message.HtmlBody! })
        {
            Assert.Contains("https://harbor.example/news/1?id=1", body, StringComparison.Ordinal);
            Assert.Contains("https://wire.example/2", body, StringComparison.Ordinal);
            Assert.DoesNotContain("utm_source", body, StringComparison.Ordinal);
            Assert.DoesNotContain("ref=feed", body, StringComparison.Ordinal);
            Assert.DoesNotContain("fbclid", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_LongSummary_IsTruncatedToTheSummaryLength()
    {
        var summary = string.Join(' ', Enumerable.Repeat("censorship", 40));

        var message = Render([DigestTestData.Story(1, "Story", summary: summary)], summaryLength: 50);

        Assert.Contains("   " + HtmlText(summary, 50) + "\n", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(summary, message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Envelope_CarriesMessageIdRecipientAndDate()
    {
        var message = Render([DigestTestData.Story(1, "Censorship story")]);

        Assert.Equal("digest.1@feeddigest", message.MessageId);
        Assert.Equal("ana@example.com", message.ToAddress);
        Assert.Equal("Ana", message.ToName);
        Assert.Equal(CreatedAt, message.Date);
        Assert.Contains("ana@example.com is subscribed to Online censorship, daily at 07:00 (Asia/Shanghai).", message.TextBody, StringComparison.Ordinal);
    }

    private static string HtmlText(string text, int length) => Core.Normalizing.HtmlText.Truncate(text, length);

    [Fact]
    public void Render_DigestOfTwoTopics_IsAListMessageOfItsFirstTopic()
    {
        var stories = new[] { DigestTestData.Story(1, "Port reopens"), DigestTestData.Story(2, "Censorship story") };

        var message = Render(stories, [new DigestEntry(1, "shipping", 0), new DigestEntry(2, "censorship", 1)], DigestTestData.Subscriber("shipping", "censorship"));

        Assert.Equal(new MailingList("shipping", "Shipping"), message.List);
    }

    [Fact]
    public void Render_TextFormat_HasNoHtmlBody()
    {
        var message = Render([DigestTestData.Story(1, "Censorship story")], subscriber: DigestTestData.Subscriber("censorship") with { Format = DigestFormat.Text });

        Assert.Null(message.HtmlBody);
        Assert.Contains("Censorship story", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithSubscriberLinks_FooterAndHeaderCarryThem()
    {
        var links = new FixedLinks(new SubscriberLinks(
            new Uri("https://digest.example/unsubscribe?token=a&b"), new Uri("https://digest.example/manage?token=c"), new Uri("mailto:leave@digest.example")));
        var subscriber = DigestTestData.Subscriber("censorship");
        var digest = new ClaimedDigest("d-1", subscriber.Key, "digest.1@feeddigest", CreatedAt, [new DigestEntry(1, "censorship", 0)], 0);

        var message = new DigestRenderer(links).Render(new UnsentDigest(digest, [DigestTestData.Story(1, "Censorship story")], 0), subscriber, DigestTestData.Catalog(), 300);

        Assert.Equal(new ListUnsubscribe(new Uri("https://digest.example/unsubscribe?token=a&b"), new Uri("mailto:leave@digest.example")), message.Unsubscribe);
        Assert.Contains("<a href=\"https://digest.example/unsubscribe?token=a&amp;b\" style=\"color:#1a0dab;\">Unsubscribe</a>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://digest.example/manage?token=c\" style=\"color:#1a0dab;\">Manage your preferences</a>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Unsubscribe: https://digest.example/unsubscribe?token=a&b", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Manage your preferences: https://digest.example/manage?token=c", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithoutWebPages_HasNoUnsubscribeLinks()
    {
        var message = Render([DigestTestData.Story(1, "Censorship story")]);

        Assert.Null(message.Unsubscribe);
        Assert.DoesNotContain("Unsubscribe", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AdminTextTemplate_ReplacesTheBuiltInOne_AndEncodesFeedTextInAnAdminHtmlTemplate()
    {
        var templates = new DigestTemplates(
            "<h1>{{ heading }}</h1>{% for section in sections %}{% for story in section.stories %}<p class=\"mine\">{{ story.title }}</p>{% endfor %}{% endfor %}",
            "MY DIGEST\n{% for section in sections %}{% for story in section.stories %}* {{ story.title }} ({{ story.outlet }})\n{% endfor %}{% endfor %}",
            "/etc/feeddigest/templates");
        var subscriber = DigestTestData.Subscriber("censorship");
        var digest = new ClaimedDigest("d-1", subscriber.Key, "digest.1@feeddigest", CreatedAt, [new DigestEntry(1, "censorship", 0)], 0);

        var message = new DigestRenderer(null, templates).Render(new UnsentDigest(digest, [DigestTestData.Story(1, "Censorship <b>story</b>")], 0), subscriber, DigestTestData.Catalog(), 300);

        Assert.StartsWith("MY DIGEST\n* Censorship <b>story</b> (", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<p class=\"mine\">Censorship &lt;b&gt;story&lt;/b&gt;</p>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(DigestRenderer.Problems(templates));
    }

    [Fact]
    public void Problems_TemplateThatDoesNotParse_NamesItsFileAndTheError()
    {
        var templates = new DigestTemplates(null, "{% for story in %}", "/etc/feeddigest/templates");

        var problem = Assert.Single(DigestRenderer.Problems(templates));

        Assert.StartsWith("/etc/feeddigest/templates/digest.txt.liquid does not parse: ", problem, StringComparison.Ordinal);
        Assert.Empty(DigestRenderer.Problems(DigestTemplates.BuiltIn));
    }

    private sealed class FixedLinks(SubscriberLinks links) : IDigestLinks
    {
        public SubscriberLinks? LinksFor(Subscriber subscriber) => links;
    }

    private static OutgoingMessage Render(
        IReadOnlyList<StoredStory> stories,
        IReadOnlyList<DigestEntry>? entries = null,
        Subscriber? subscriber = null,
        int omitted = 0,
        int summaryLength = 300,
        Catalog? catalog = null)
    {
        entries ??= stories.Select((s, i) => new DigestEntry(s.Sequence, "censorship", i)).ToList();
        subscriber ??= DigestTestData.Subscriber("censorship");
        var digest = new ClaimedDigest("d-1", subscriber.Key, "digest.1@feeddigest", CreatedAt, entries, omitted);
        return new DigestRenderer().Render(new UnsentDigest(digest, stories, 0), subscriber, catalog ?? DigestTestData.Catalog(), summaryLength);
    }
}
