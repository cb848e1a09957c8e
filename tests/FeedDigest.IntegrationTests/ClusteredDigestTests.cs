using System.Text.RegularExpressions;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// Three outlets carry one story (as in ../shared/examples: the same censorship news from a China
/// news site, a wire and a state agency): through the real poller, clusterer and SQLite, the digest
/// lists it once, from the outlet listed first, with the other two as "also".
/// </summary>
public sealed class ClusteredDigestTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private LoopbackFeedServer server = null!;

    public async Task InitializeAsync() => server = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task SameStoryFromThreeOutlets_ListedOnce_WithEveryOutletNamed()
    {
        var settings = ThreeOutlets();
        var digest = await PollThenPreviewAsync(settings, newStories: 4);

        Assert.NotNull(digest);
        Assert.StartsWith("Online censorship, Ports: 2 new stories", digest.Subject, StringComparison.Ordinal);
        Assert.Contains("China blocks VPN services in new internet censorship drive", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("China widens internet censorship", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Regulators block VPN services", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: Northbridge Wire https://wire.example/w1", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: State Agency https://wire.example/a1", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains(">Northbridge Wire</a>", digest.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Harbor port reopens after typhoon", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertsFromAFeedWrittenFromATemplate_EachListed_WhileOneQuakeTwoOutletsCarry_IsListedOnce()
    {
        // Sixty alerts, each a different quake in the same sentences; a news site and a wire both
        // report a larger one. Merging the alerts would show one quake and hide the rest.
        // Each in a town of its own: alerts about one town an hour apart may fairly be read as one sequence.
        string[] towns = ["Hilo", "Anchorage", "Ridgecrest", "Ferndale", "Tonopah", "Parkfield", "Hollister", "Nome", "Kodiak", "Eureka", "Bishop", "Coalinga", "Hawthorne", "Seward", "Valdez", "Talkeetna", "Cordova", "Ojai", "Fillmore", "Barstow", "Needles", "Blythe", "Calexico", "Brawley", "Borrego", "Julian", "Idyllwild", "Banning", "Yucaipa", "Tehachapi", "Lebec", "Taft", "Avenal", "Lemoore", "Hanford", "Visalia", "Porterville", "Lindsay", "Exeter", "Woodlake", "Reedley", "Sanger", "Kerman", "Firebaugh", "Gustine", "Newman", "Patterson", "Westley", "Tracy", "Lathrop", "Manteca", "Ripon", "Escalon", "Oakdale", "Sonora", "Jamestown", "Mariposa", "Coarsegold", "Oakhurst", "Auberry"];
        string[] directions = ["north", "south", "east", "west"];
        var random = new Random(2);
        var alerts = Enumerable.Range(0, 60).Select(i =>
        {
            var town = towns[i];
            var magnitude = $"{random.Next(25, 60) / 10.0:0.0}".Replace(',', '.');
            var distance = random.Next(2, 60);
            var direction = directions[random.Next(directions.Length)];
            return ($"q{i}", $"M {magnitude} earthquake - {distance} km {direction} of {town}",
                $"A magnitude {magnitude} earthquake struck {distance} kilometres {direction} of {town} at a depth of {random.Next(1, 40)} km. No tsunami warning was issued. Residents reported light shaking.");
        }).ToArray();
        var usgs = server.Set("alerts.xml", FeedDocuments.Rss(alerts));
        var times = server.Set("times-quake.xml", FeedDocuments.Rss(
            ("t1", "Magnitude 6.4 earthquake shakes Petrolia and the Lost Coast", "The earthquake near Petrolia cut power to thousands in Humboldt County and damaged a bridge on Mattole Road.")));
        var wire = server.Set("wire-quake.xml", FeedDocuments.Rss(
            ("w1", "Lost Coast earthquake: magnitude 6.4 quake near Petrolia cuts power", "A magnitude 6.4 earthquake near Petrolia cut power to thousands in Humboldt County and damaged a bridge on Mattole Road.")));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "alerts",
            ["FeedDigest:Feeds:0:Url"] = usgs.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Quake Alerts",
            ["FeedDigest:Feeds:1:Id"] = "times",
            ["FeedDigest:Feeds:1:Url"] = times.AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Harbor Digital Times",
            ["FeedDigest:Feeds:2:Id"] = "wire",
            ["FeedDigest:Feeds:2:Url"] = wire.AbsoluteUri,
            ["FeedDigest:Feeds:2:Title"] = "Northbridge Wire",
            ["FeedDigest:Topics:0:Id"] = "quakes",
            ["FeedDigest:Topics:0:Name"] = "Earthquakes",
            ["FeedDigest:Topics:0:Keywords:0"] = "earthquake",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "quakes",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        var digest = await PollThenPreviewAsync(settings, newStories: 62);

        Assert.NotNull(digest);
        var listedAlerts = alerts.Count(alert => digest.TextBody.Contains(alert.Item2, StringComparison.Ordinal));
        // A few that share more than the template (the magnitude, the direction) may still be read
        // as one; without the comparison with the background all sixty were one entry.
        Assert.True(listedAlerts >= 45, $"{listedAlerts} of {alerts.Length} alerts are listed:\n{digest.TextBody}");
        Assert.Contains("Magnitude 6.4 earthquake shakes Petrolia", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Lost Coast earthquake: magnitude 6.4", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: Northbridge Wire https://wire.example/w1", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostsWithoutWords_EachListed_NotTakenForOneStory()
    {
        // Photo posts: no title, an image for a description. With no words of their own they are
        // stored as "(untitled)", and were clustered on that word: one entry, the other feed's first
        // post named under "also", and the second post of each feed lost.
        var photos = server.Set("photos.xml", FeedDocuments.Rss(
            ("p1", "", "<img src=\"https://wire.example/p1.jpg\">"),
            ("p2", "", "<img src=\"https://wire.example/p2.jpg\">")));
        var pictures = server.Set("pictures.xml", FeedDocuments.Rss(
            ("c1", "", "<p><img src=\"https://wire.example/c1.jpg\"></p>"),
            ("c2", "", "<img src=\"https://wire.example/c2.jpg\" alt=\"\">")));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "photos",
            ["FeedDigest:Feeds:0:Url"] = photos.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Harbor Photos",
            ["FeedDigest:Feeds:1:Id"] = "pictures",
            ["FeedDigest:Feeds:1:Url"] = pictures.AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Coast Pictures",
            ["FeedDigest:Topics:0:Id"] = "images",
            ["FeedDigest:Topics:0:Name"] = "Images",
            ["FeedDigest:Topics:0:Query"] = "source:photos OR source:pictures",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "images",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        var digest = await PollThenPreviewAsync(settings, newStories: 4);

        Assert.NotNull(digest);
        var entries = EntriesOf(digest.TextBody);
        Assert.True(entries.Count == 4, digest.TextBody);
        Assert.All(entries, entry => Assert.Single(entry));
    }

    [Fact]
    public async Task AnOutletsFurtherArticlesInAStory_EachListed_BesideTheEntryNamingEveryOutlet()
    {
        // One outlet's first report and its update a few hours later, a wire's copy of the first: the
        // entry names each outlet once, and the outlet's update was left out of the digest
        // altogether. And a desk's pieces under one recurring headline, a cluster of one outlet:
        // all but the first were left out.
        var times = server.Set("times.xml", FeedDocuments.RssPublished(
            ("t1", "Strong earthquake hits Sichuan, 20 dead", "A magnitude 6.8 earthquake struck Luding county in Sichuan province on Monday, killing at least 20 people and damaging roads and homes, state media said.", new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero)),
            ("t2", "Sichuan earthquake toll rises to 65 as rescuers dig through rubble in Luding", "Rescuers in Luding county searched collapsed homes through the night after the magnitude 6.8 earthquake in Sichuan; the death toll rose to 65 and more than 200 people were injured.", new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero))));
        var wire = server.Set("wire.xml", FeedDocuments.RssPublished(
            ("w1", "Earthquake kills 20 in Sichuan", "A magnitude 6.8 earthquake struck Luding county in Sichuan province on Monday, killing at least 20 people and damaging roads and homes, state media said.", new DateTimeOffset(2026, 11, 23, 4, 30, 0, TimeSpan.Zero))));
        var desk = server.Set("desk.xml", FeedDocuments.RssPublished(
            ("d1", "Earthquake briefing", "", new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero)),
            ("d2", "Earthquake briefing", "", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero))));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "times",
            ["FeedDigest:Feeds:0:Url"] = times.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Harbor Digital Times",
            ["FeedDigest:Feeds:1:Id"] = "wire",
            ["FeedDigest:Feeds:1:Url"] = wire.AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Northbridge Wire",
            ["FeedDigest:Feeds:2:Id"] = "desk",
            ["FeedDigest:Feeds:2:Url"] = desk.AbsoluteUri,
            ["FeedDigest:Feeds:2:Title"] = "Quake Desk",
            ["FeedDigest:Topics:0:Id"] = "quakes",
            ["FeedDigest:Topics:0:Name"] = "Earthquakes",
            ["FeedDigest:Topics:0:Keywords:0"] = "earthquake",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "quakes",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        var digest = await PollThenPreviewAsync(settings, newStories: 5);

        Assert.NotNull(digest);
        var entries = EntriesOf(digest.TextBody);
        Assert.Contains(entries, entry => entry.SetEquals(["t1", "w1"]));
        Assert.Contains(entries, entry => entry.SetEquals(["t2"]));
        Assert.Contains(entries, entry => entry.SetEquals(["d1"]));
        Assert.Contains(entries, entry => entry.SetEquals(["d2"]));
        Assert.True(entries.Count == 4, digest.TextBody);
    }

    [Fact]
    public async Task AnEmptyDescriptionBesideTheTextInContentEncoded_TheTextIsTheSummary_MatchedAndShown()
    {
        var feed = server.Set("blog.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Harbor Blog</title><link>https://wire.example/</link><description>blog</description>
            <item><guid isPermaLink="false">b1</guid><title>A week at the port</title><link>https://wire.example/b1</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>
            <description></description><content:encoded><![CDATA[<p>Regulators widened online censorship of shipping forums this week.</p>]]></content:encoded></item>
            </channel></rss>
            """);
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "blog",
            ["FeedDigest:Feeds:0:Url"] = feed.AbsoluteUri,
            ["FeedDigest:Topics:0:Id"] = "censorship",
            ["FeedDigest:Topics:0:Name"] = "Online censorship",
            ["FeedDigest:Topics:0:Keywords:0"] = "censorship",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        var digest = await PollThenPreviewAsync(settings, newStories: 1);

        // The parser reads the empty description as an empty summary (as feedparser does); taken
        // over the text, the story had no summary and its keyword in the text was never found.
        Assert.NotNull(digest);
        Assert.Contains("A week at the port", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("Regulators widened online censorship", digest.TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // as the service polls: clustering alongside the poll
    public async Task AChinaDesksDay_EachEventListedOnce_WithEveryOutletThatCarriedIt_AndNoTwoEventsMerged(bool clusteredAlongsideThePoll)
    {
        // A day of four outlets on one desk, as in ../shared/examples: a wire, a business paper, a
        // state agency and a China news site, polled for the first time. Four carry the messaging-app
        // crackdown in their own words; seven other events are carried by two, six by one. Every
        // story is on China: what a story is weighed against is the desk's own news. Placed feed by
        // feed, as the poll stores them, the paper's and the site's copies came after the wire's
        // whole day and stayed apart; placed in the order they came out, they join. The site's two
        // pieces marked "?" are its own takes (one blends the crackdown with the report): listed on
        // their own or with their event, but never with another.
        (string Guid, int Hour, string Event, string Title, string Summary)[] wire =
        [
            ("r1", 0, "apps", "China launches month-long crackdown on WeChat, messaging apps", "China will launch a month-long crackdown on instant messaging services such as Tencent's WeChat, targeting accounts that spread rumours and information on violence, terrorism and pornography, state media said on Tuesday."),
            ("r2", 5, "anniversary", "China detains activists, tightens security ahead of Tiananmen anniversary", "Chinese police have detained several activists and increased security across Beijing before the 25th anniversary of the June 4 crackdown, rights groups said."),
            ("r3", 7, "factories", "China's factory activity edges up in May, survey shows", "Activity in China's manufacturing sector improved slightly in May as new orders picked up, a private survey showed, easing worries about a sharp slowdown."),
            ("r4", 11, "xinjiang", "China says over 200 detained in Xinjiang anti-terror campaign", "Authorities in China's Xinjiang region have detained more than 200 suspects in the first month of a year-long campaign against terrorism, state media reported."),
            ("r5", 14, "referendum", "Hong Kong pro-democracy group plans referendum on electoral reform", "Organisers of the Occupy Central movement said they would hold an unofficial referendum in June on how Hong Kong's next leader should be chosen."),
            ("r6", 17, "lawyer", "Prominent Chinese rights lawyer formally arrested", "Police in Beijing have formally arrested rights lawyer Pu Zhiqiang, who was detained after attending a private gathering to commemorate the 1989 Tiananmen crackdown, his lawyer said."),
            ("r7", 20, "gas", "Russia, China sign $400 billion gas deal after decade of talks", "Russia signed a 30-year deal to supply gas to China, securing a major new customer for its energy exports as relations with the West sour over Ukraine."),
        ];
        (string Guid, int Hour, string Event, string Title, string Summary)[] paper =
        [
            ("w1", 1, "apps", "Beijing Targets Messaging Apps Ahead of Tiananmen Anniversary", "Chinese authorities said they would clamp down on messaging apps including WeChat to stop the spread of rumors and content about violence and terrorism, days before the 25th anniversary of the Tiananmen crackdown."),
            ("w2", 4, "anniversary", "Security Tightens in Beijing Before June 4 Anniversary", "Police stepped up patrols and detained activists in Beijing ahead of the anniversary of the 1989 crackdown on Tiananmen Square protesters."),
            ("w4", 13, "google", "Google Services Blocked in China as Anniversary Nears", "Google's search engine and Gmail have been blocked in China for days, according to a monitoring group, in an apparent move ahead of the Tiananmen anniversary."),
            ("w5", 18, "antitrust", "China Slaps Fines on Auto Parts Makers in Antitrust Probe", "Chinese regulators fined several Japanese auto-parts makers for price fixing, the latest in a series of antitrust actions against foreign companies."),
        ];
        (string Guid, int Hour, string Event, string Title, string Summary)[] agency =
        [
            ("x1", 2, "apps", "China to clean up instant messaging services", "China's internet authorities will launch a campaign to rectify instant messaging tools, cracking down on public accounts that spread rumors, violence, terrorism and pornography, an official said on Tuesday."),
            ("x2", 3, "report", "Report: Internet expands space for freedom of speech in China", "Chinese netizens post 250 million microblog messages and 20 billion instant messages every day, according to a report on human rights progress in 2013 released by the State Council Information Office."),
            ("x3", 10, "xinjiang", "Xinjiang police arrest suspects in terror sweep", "Police in Xinjiang have detained more than 200 suspects in a crackdown on terrorism launched after a deadly market attack in Urumqi, local authorities said."),
            ("x4", 15, "premier", "Chinese premier vows to keep economy within reasonable range", "Premier Li Keqiang said the government would take targeted measures to support growth and keep the economy operating within a reasonable range."),
            ("x5", 19, "gas", "China, Russia sign gas supply deal", "China and Russia signed a 30-year natural gas supply agreement worth billions of dollars during President Xi Jinping's talks with Vladimir Putin in Shanghai."),
        ];
        (string Guid, int Hour, string Event, string Title, string Summary)[] site =
        [
            ("c1", 6, "apps?", "As Beijing Renews WeChat Crackdown, Officials Tout Online Freedom", "The campaign against WeChat public accounts resumes with a month-long operation announced by state media, while a new white paper claims the internet has expanded free speech in China."),
            ("c2", 8, "report", "White Paper Claims Internet Has Expanded Free Speech", "The State Council Information Office's report on human rights progress in 2013 says hundreds of millions of microblog and instant messages show expanded freedom of speech."),
            ("c3", 12, "google", "Google Services Disrupted Ahead of Anniversary", "Users in China report that Google search, Gmail and other services have been largely inaccessible for several days, as the Great Firewall tightens before June 4."),
            ("c4", 16, "lawyer?", "Weibo Posts Deleted After Lawyer Detained", "Posts about the detention of rights lawyer Pu Zhiqiang were quickly removed from Sina Weibo, according to a review of deleted messages."),
            ("c5", 21, "farewell", "Netizen Voices: Mourning a Closed WeChat Account", "Readers of a popular public account shut in the crackdown left messages of farewell on other platforms."),
        ];
        (string Id, string Title, (string Guid, int Hour, string Event, string Title, string Summary)[] Items)[] outlets =
            [("a-wire", "Northbridge Wire", wire), ("b-paper", "Harbor Journal", paper), ("c-agency", "State Agency", agency), ("d-site", "Harbor Digital Times", site)];
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Topics:0:Id"] = "china",
            ["FeedDigest:Topics:0:Name"] = "China desk",
            ["FeedDigest:Topics:0:Query"] = "China OR Chinese OR Beijing OR Xinjiang OR \"Hong Kong\" OR WeChat OR Weibo",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "china",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
            // One request at a time to the one loopback host: the feeds come in the order of their ids.
            ["FeedDigest:Polling:MaxConcurrentPerHost"] = "1",
        };
        for (var i = 0; i < outlets.Length; i++)
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = outlets[i].Id;
            settings[$"FeedDigest:Feeds:{i}:Title"] = outlets[i].Title;
            var document = FeedDocuments.RssPublished([.. outlets[i].Items.Select(item => (item.Guid, item.Title, item.Summary, Published: new DateTimeOffset(2026, 11, 23, item.Hour, 0, 0, TimeSpan.Zero)))]);
            // As distant servers answer: the wire at once, then the others, each 300 ms after the one
            // before, so that clustering beside the poll (which looks every 100 ms) could meet the
            // wire's whole day before the other outlets' copies: it waits for the poll instead
            // (fewer than 500 stories on a new database).
            var answersAfter = TimeSpan.FromMilliseconds(clusteredAlongsideThePoll && i > 0 ? 300 : 0);
            settings[$"FeedDigest:Feeds:{i}:Url"] = server.Route($"{outlets[i].Id}.xml", async context =>
            {
                await Task.Delay(answersAfter, context.RequestAborted);
                context.Response.ContentType = "application/rss+xml; charset=utf-8";
                await context.Response.WriteAsync(document, context.RequestAborted);
            }).AbsoluteUri;
        }

        var events = outlets.SelectMany(outlet => outlet.Items).ToDictionary(item => item.Guid, item => item.Event);
        var digest = await PollThenPreviewAsync(settings, newStories: events.Count, clusteredAlongsideThePoll);

        Assert.NotNull(digest);
        var entries = EntriesOf(digest.TextBody);
        Assert.Equal(events.Keys.Order(), entries.SelectMany(entry => entry).Order());
        foreach (var entry in entries)
        {
            // No entry holds two events.
            Assert.True(entry.Select(guid => events[guid].TrimEnd('?')).Distinct().Count() == 1, $"{string.Join(", ", entry)} listed as one\n{digest.TextBody}");
        }

        foreach (var story in events.Where(e => !e.Value.EndsWith('?')).GroupBy(e => e.Value, e => e.Key))
        {
            // Each event's reports are one entry.
            Assert.True(entries.Count(entry => entry.Overlaps(story)) == 1, $"{story.Key}: {string.Join(", ", story)} listed apart\n{digest.TextBody}");
        }
    }

    /// <summary>The stories of each entry of a digest's text: the headline's, then those named under "also".</summary>
    private static List<HashSet<string>> EntriesOf(string text)
    {
        var entries = new List<HashSet<string>>();
        foreach (var line in text.Split('\n').Select(line => line.Trim()))
        {
            if (Regex.IsMatch(line, @"^\d+\. "))
            {
                entries.Add([]);
            }
            else if (entries.Count > 0 && Regex.Match(line, @"^(?:also: .* )?https://wire\.example/(\w+)$") is { Success: true } link)
            {
                entries[^1].Add(link.Groups[1].Value);
            }
        }

        return entries;
    }

    [Fact]
    public async Task OneReportInSimplifiedAndTraditionalEditions_ListedOnce_AndAKeywordInEitherScriptMatchesBoth()
    {
        // An outlet's Simplified and Traditional editions carry one report; a Hong Kong outlet writes
        // its own story in Traditional characters. The editor's keyword is in Simplified characters.
        var simplified = server.Set("harbor-zh-hans.xml", FeedDocuments.Rss(
            ("s1", "当局关闭多家VPN服务 网络审查再收紧", "监管部门下令关闭用于翻墙的VPN服务，网络审查进一步收紧，多名用户表示无法连接境外网站。"),
            ("s2", "台风过后港口重新开放", "台风离开后，货船周一陆续返回港口，码头恢复作业。")));
        var traditional = server.Set("harbor-zh-hant.xml", FeedDocuments.Rss(
            ("h1", "當局關閉多家VPN服務 網絡審查再收緊", "監管部門下令關閉用於翻牆的VPN服務，網絡審查進一步收緊，多名用戶表示無法連接境外網站。")));
        var hongKong = server.Set("kowloon.xml", FeedDocuments.Rss(
            ("k1", "本地新聞網站疑遭封鎖 學者憂網絡審查擴至香港", "多名市民發現部分新聞網站無法瀏覽，學者擔心內地式網絡審查正擴展至香港。"),
            ("k2", "政府公布新一年財政預算", "財政司司長宣布增加醫療及教育開支，並推出多項紓困措施。"),
            ("k3", "天文台預測週末有大雨", "天文台表示低壓槽將為華南沿岸帶來大雨，市民應注意山泥傾瀉。"),
            ("k4", "新跨海大橋正式通車", "大橋通車後，來往兩岸的行車時間可縮短約半小時。")));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "harbor-hans",
            ["FeedDigest:Feeds:0:Url"] = simplified.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Harbor Chinese",
            ["FeedDigest:Feeds:1:Id"] = "harbor-hant",
            ["FeedDigest:Feeds:1:Url"] = traditional.AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Harbor Chinese (Traditional)",
            ["FeedDigest:Feeds:2:Id"] = "kowloon",
            ["FeedDigest:Feeds:2:Url"] = hongKong.AbsoluteUri,
            ["FeedDigest:Feeds:2:Title"] = "Kowloon Daily",
            ["FeedDigest:Topics:0:Id"] = "censorship",
            ["FeedDigest:Topics:0:Name"] = "Online censorship",
            ["FeedDigest:Topics:0:Keywords:0"] = "censorship",
            ["FeedDigest:Topics:0:Keywords:1"] = "网络审查",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        var digest = await PollThenPreviewAsync(settings, newStories: 7);

        Assert.NotNull(digest);
        Assert.StartsWith("Online censorship: 2 new stories", digest.Subject, StringComparison.Ordinal);
        Assert.Contains("当局关闭多家VPN服务 网络审查再收紧", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("當局關閉多家VPN服務", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("also: Harbor Chinese (Traditional) https://wire.example/h1", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("本地新聞網站疑遭封鎖 學者憂網絡審查擴至香港", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("港口", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusteringTurnedOff_StoriesClusteredBefore_AreEachListedOnTheirOwn()
    {
        var settings = ThreeOutlets();
        Assert.Contains("also: Northbridge Wire", (await PollThenPreviewAsync(settings, newStories: 4))?.TextBody, StringComparison.Ordinal);

        settings["FeedDigest:Clustering:Enabled"] = "false";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        var subscriber = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();
        var digest = await host.Services.GetRequiredService<DigestDispatcher>().PreviewAsync(subscriber, default);

        Assert.NotNull(digest);
        Assert.DoesNotContain("also:", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("China blocks VPN services in new internet censorship drive", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("China widens internet censorship, blocks VPN services", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("Regulators block VPN services to tighten internet censorship", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutletsFollowUpOfAStorySent_GoesOut_WithCopiesOfIt_WhileLateCoverageAndLaterCopiesDoNot()
    {
        var settings = ThreeOutlets();
        // A city paper's other news: what a story is weighed against.
        settings["FeedDigest:Feeds:3:Id"] = "city";
        settings["FeedDigest:Feeds:3:Url"] = server.Set("city.xml", FeedDocuments.Rss(
            ("c1", "City council approves new budget for schools", "The council voted to raise spending on teachers and buildings."),
            ("c2", "Local team wins regional football final", "Fans celebrated in the streets after the late winning goal."),
            ("c3", "Heavy rain expected across the south this weekend", "Forecasters warned of flooding in low-lying areas."),
            ("c4", "New bridge opens to traffic after two years of work", "Drivers crossed the river on the new bridge on Saturday morning."),
            ("c5", "Museum unveils restored medieval tapestry", "Conservators spent three years cleaning and repairing the woven panels."),
            ("c6", "Hospital opens new children's ward", "The ward adds forty beds and a play area for young patients."),
            ("c7", "Train fares to rise next month", "Commuters face higher prices on most routes from the first of the month."),
            ("c8", "Farmers report record apple harvest", "Warm weather in spring helped orchards across the valley."))).AbsoluteUri;
        settings["FeedDigest:Stories:NewFeedWindow"] = "3650.00:00:00";
        using (var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            Assert.Equal(12, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
            // The subscriber's first run sets their schedule; their first digest goes out at 07:00 Shanghai.
            var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
            Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
            clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));
            Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        }

        // The next day a fourth outlet reports the first news, late; then the Times follows its
        // story up and the wire carries the Times' follow-up. Placed in that order (the order they
        // were published, as every page of new stories is), the follow-up joins the first news'
        // cluster whatever order the first day's feeds were fetched in. Placed before the late
        // report, it stayed apart when the wire's or the Times' copy was the first day's last to
        // join (that outlet leads the cluster's vote, so its follow-up needs a feed's own bar: see
        // MainSource): the feeds are fetched two at a time, so that was a race.
        const string Original = "China blocks VPN services in new internet censorship drive";
        const string FollowUp = "Police detain VPN sellers as China's censorship drive widens";
        const string WireCopy = "China's censorship drive widens: police detain VPN sellers";
        const string LateCoverage = "Chinese regulators shut VPN services in internet censorship push";
        const string FollowUpText = "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services that get around the Great Firewall.";
        clock.Advance(TimeSpan.FromHours(10));
        var firstDay = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var nextDay = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        server.Set("times.xml", FeedDocuments.RssPublished(
            ("t3", FollowUp, FollowUpText, nextDay.AddHours(4)),
            ("t1", Original, "Regulators ordered the shutdown of VPN services used to get around the Great Firewall, tightening online censorship.", firstDay),
            ("t2", "Harbor port reopens after typhoon", "Ships returned to the port on Monday after the typhoon passed.", firstDay)));
        server.Set("wire.xml", FeedDocuments.RssPublished(
            ("w2", WireCopy, FollowUpText, nextDay.AddHours(5)),
            ("w1", "China widens internet censorship, blocks VPN services", "Chinese regulators blocked VPN services that let users get around the Great Firewall, widening online censorship.", firstDay)));
        settings["FeedDigest:Feeds:4:Id"] = "late";
        settings["FeedDigest:Feeds:4:Title"] = "Late Gazette";
        settings["FeedDigest:Feeds:4:Url"] = server.Set("late.xml", FeedDocuments.RssPublished(
            ("l1", LateCoverage, "Authorities closed VPN services that people in China use to get around the Great Firewall, in the latest internet censorship push.", nextDay.AddHours(2)))).AbsoluteUri;
        using (var later = TestHost.Build(directory.Path, settings, clock, withScheduler: false))
        {
            Assert.Equal(3, (await later.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
            await ClusterAssertions.AssertOneClusterAsync(later, Original, FollowUp, WireCopy, LateCoverage);
            var subscriber = later.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();

            var digest = await later.Services.GetRequiredService<DigestDispatcher>().PreviewAsync(subscriber, default);

            Assert.NotNull(digest);
            Assert.Contains(FollowUp, digest.TextBody, StringComparison.Ordinal);
            Assert.Contains("also: Northbridge Wire https://wire.example/w2", digest.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(WireCopy, digest.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(LateCoverage, digest.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Late Gazette", digest.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(Original, digest.TextBody, StringComparison.Ordinal);

            // Sent at the next 07:00; then the agency carries the follow-up too: that is a copy of
            // what the subscriber got, and their next digest has nothing.
            clock.Advance(TimeSpan.FromHours(14));
            Assert.Equal(new DigestRunReport(1, 1, 0), await later.Services.GetRequiredService<DigestDispatcher>().RunAsync(default));
        }

        clock.Advance(TimeSpan.FromHours(1));
        server.Set("agency.xml", FeedDocuments.Rss(
            ("a2", "VPN sellers detained as censorship drive widens", FollowUpText),
            ("a1", "Regulators block VPN services to tighten internet censorship", "The regulators said VPN services that get around the Great Firewall are blocked under online censorship rules.")));
        using var last = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        Assert.Equal(1, (await last.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
        await ClusterAssertions.AssertOneClusterAsync(last, Original, FollowUp, "VPN sellers detained as censorship drive widens");
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(new DigestRunReport(0, 0, 0), await last.Services.GetRequiredService<DigestDispatcher>().RunAsync(default));
    }

    /// <summary>The Times, a wire and an agency carry one censorship story; the Times a port story too.</summary>
    private Dictionary<string, string?> ThreeOutlets()
    {
        var times = server.Set("times.xml", FeedDocuments.Rss(
            ("t1", "China blocks VPN services in new internet censorship drive", "Regulators ordered the shutdown of VPN services used to get around the Great Firewall, tightening online censorship."),
            ("t2", "Harbor port reopens after typhoon", "Ships returned to the port on Monday after the typhoon passed.")));
        var wire = server.Set("wire.xml", FeedDocuments.Rss(
            ("w1", "China widens internet censorship, blocks VPN services", "Chinese regulators blocked VPN services that let users get around the Great Firewall, widening online censorship.")));
        var agency = server.Set("agency.xml", FeedDocuments.Rss(
            ("a1", "Regulators block VPN services to tighten internet censorship", "The regulators said VPN services that get around the Great Firewall are blocked under online censorship rules.")));
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Feeds:0:Id"] = "times",
            ["FeedDigest:Feeds:0:Url"] = times.AbsoluteUri,
            ["FeedDigest:Feeds:0:Title"] = "Harbor Digital Times",
            ["FeedDigest:Feeds:1:Id"] = "wire",
            ["FeedDigest:Feeds:1:Url"] = wire.AbsoluteUri,
            ["FeedDigest:Feeds:1:Title"] = "Northbridge Wire",
            ["FeedDigest:Feeds:2:Id"] = "agency",
            ["FeedDigest:Feeds:2:Url"] = agency.AbsoluteUri,
            ["FeedDigest:Feeds:2:Title"] = "State Agency",
            ["FeedDigest:Topics:0:Id"] = "censorship",
            ["FeedDigest:Topics:0:Name"] = "Online censorship",
            ["FeedDigest:Topics:0:Keywords:0"] = "censorship",
            ["FeedDigest:Topics:1:Id"] = "ports",
            ["FeedDigest:Topics:1:Name"] = "Ports",
            ["FeedDigest:Topics:1:Keywords:0"] = "port",
            ["FeedDigest:Subscribers:0:Email"] = "editor@example.org",
            ["FeedDigest:Subscribers:0:Topics:0"] = "censorship",
            ["FeedDigest:Subscribers:0:Topics:1"] = "ports",
            ["FeedDigest:Subscribers:0:SendAt"] = "07:00",
            ["FeedDigest:Subscribers:0:TimeZone"] = "Asia/Shanghai",
        };
        return settings;
    }

    /// <summary>
    /// Polls every feed of <paramref name="settings"/> once through the real poller and SQLite (all
    /// <paramref name="newStories"/> of them new), then previews the one subscriber's digest.
    /// </summary>
    /// <param name="clusteredAlongsideThePoll">
    /// Clustered as the service's poll clusters (<see cref="PollRunner"/>), looking for stories stored
    /// every 100 ms of real time while the poll runs; else when the digest is composed.
    /// </param>
    private async Task<OutgoingMessage?> PollThenPreviewAsync(Dictionary<string, string?> settings, int newStories, bool clusteredAlongsideThePoll = false)
    {
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var poll = host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default);
        if (clusteredAlongsideThePoll)
        {
            await host.Services.GetRequiredService<ClusteringCatchUp>().CatchUpDuringAsync(poll, TimeProvider.System, default);
        }

        Assert.Equal(newStories, (await poll).NewStories);

        var subscriber = host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers.Single();
        return await host.Services.GetRequiredService<DigestDispatcher>().PreviewAsync(subscriber, default);
    }
}
