using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Stories;

namespace FeedDigest.Tests.Digests;

public sealed class DigestComposerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Compose_StoryMatchingTwoTopics_IsListedOnceUnderTheSubscribersFirstTopic()
    {
        var story = DigestTestData.Story(1, "Censorship tightens at the port");

        var (shippingFirst, _) = DigestComposer.Compose(DigestTestData.Subscriber("shipping", "censorship"), DigestTestData.Catalog(), [story], 50);
        var (censorshipFirst, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship", "shipping"), DigestTestData.Catalog(), [story], 50);

        Assert.Equal([new DigestEntry(1, "shipping", 0)], shippingFirst);
        Assert.Equal([new DigestEntry(1, "censorship", 0)], censorshipFirst);
    }

    [Fact]
    public void Compose_OneStoryFromTwoOutlets_ListedOnce_LedByTheOutletListedFirst_TheOtherAsAlso()
    {
        // The wire had it first, but the admin lists harbor first: harbor's version leads.
        var wire = DigestTestData.Story(1, "Great Firewall blocks VPNs", feedId: "wire") with { ClusterId = 7 };
        var harbor = DigestTestData.Story(2, "Censors block VPN services", feedId: "harbor") with { ClusterId = 7 };
        var other = DigestTestData.Story(3, "Censorship of search results");

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [wire, harbor, other], 50);

        // Carried by two outlets, it ranks above the story only one carried.
        Assert.Equal(
            [new DigestEntry(2, "censorship", 0), new DigestEntry(1, "censorship", 1, LeadStoryId: 2), new DigestEntry(3, "censorship", 2)],
            entries);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Compose_AnotherFeedOfTheOutletWithTheSameArticle_IsNotNamedAsAlso()
    {
        // Harbor's Asia page carries the world page's article (with a tracking parameter); the wire has its own.
        var catalog = DigestTestData.Catalog(new FeedOptions { Id = "harbor-asia", Url = "https://harbor.example/asia.xml" });
        var world = DigestTestData.Story(1, "Censors block VPN services", link: "https://harbor.example/news/vpn") with { ClusterId = 7 };
        var asia = DigestTestData.Story(2, "Censors block VPN services", link: "http://harbor.example/news/vpn?utm_source=asia", feedId: "harbor-asia") with { ClusterId = 7 };
        var wire = DigestTestData.Story(3, "Great Firewall blocks VPNs", feedId: "wire") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), catalog, [world, asia, wire], 50);

        Assert.Equal([new DigestEntry(1, "censorship", 0), new DigestEntry(3, "censorship", 1, LeadStoryId: 1)], entries);
    }

    [Fact]
    public void Compose_TwoFeedsOfOneOutlet_TheOutletIsNamedOnce_AndNotUnderItsOwnHeadline()
    {
        var catalog = DigestTestData.Catalog(
            new FeedOptions { Id = "reuters-world", Url = "https://reuters.example/world.xml", Title = "Reuters" },
            new FeedOptions { Id = "reuters-china", Url = "https://reuters.example/china.xml", Title = "Reuters" });
        var world = DigestTestData.Story(1, "China widens censorship, blocks VPN services", feedId: "reuters-world") with { ClusterId = 7 };
        var china = DigestTestData.Story(2, "Beijing's VPN ban widens", feedId: "reuters-china") with { ClusterId = 7 };
        var wire = DigestTestData.Story(3, "Great Firewall blocks VPNs", feedId: "wire") with { ClusterId = 7 };
        var harbor = DigestTestData.Story(4, "Censors block VPN services", feedId: "harbor") with { ClusterId = 7 };

        // Harbor, listed first, leads: Reuters is named once, by its first feed's copy.
        var (withHarbor, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), catalog, [world, china, wire, harbor], 50);
        // Carried by Reuters alone, its world page leads and its China page is not named under it.
        var (reutersAlone, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), catalog, [world, china], 50);

        Assert.Equal([4L, 3L, 1L], withHarbor.Select(entry => entry.StoryId));
        Assert.Equal([1L], reutersAlone.Select(entry => entry.StoryId));
    }

    [Fact]
    public void Compose_RanksByTheSubscribersTopicOrder_ThenOutlets_ThenRecency_NeverTrustingFutureDates()
    {
        var port = DigestTestData.Story(1, "Port reopens");
        var censorshipOld = DigestTestData.Story(2, "Censorship of search results");
        // Dated a year ahead by its feed: it was still first seen before story 4.
        var censorshipFutureDated = DigestTestData.Story(3, "Censorship of apps", published: new DateTimeOffset(2027, 3, 10, 0, 0, 0, TimeSpan.Zero));
        var censorshipNew = DigestTestData.Story(4, "Censorship of maps");
        var censorshipTwoOutlets = DigestTestData.Story(5, "Great Firewall widened", feedId: "wire") with { ClusterId = 9 };
        var censorshipTwoOutletsAgain = DigestTestData.Story(6, "Great Firewall widened again") with { ClusterId = 9 };

        var (entries, _) = DigestComposer.Compose(
            DigestTestData.Subscriber("shipping", "censorship"), DigestTestData.Catalog(),
            [port, censorshipOld, censorshipFutureDated, censorshipNew, censorshipTwoOutlets, censorshipTwoOutletsAgain], 50);

        Assert.Equal([1L, 6L, 4L, 3L, 2L], entries.Where(e => e.LeadStoryId is null).Select(e => e.StoryId));
        Assert.Equal(["shipping", "censorship", "censorship", "censorship", "censorship"], entries.Where(e => e.LeadStoryId is null).Select(e => e.TopicId));
    }

    [Fact]
    public void Compose_AVersionNotMatchingTheTopic_StillShowsAsAlso()
    {
        var matching = DigestTestData.Story(1, "Censorship: VPNs blocked", feedId: "harbor") with { ClusterId = 4 };
        var plain = DigestTestData.Story(2, "VPN services cut off", feedId: "wire") with { ClusterId = 4 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [matching, plain], 50);

        Assert.Equal([new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1, LeadStoryId: 1)], entries);
    }

    [Fact]
    public void Compose_EarlierCopies_AreNamedAsAlso_ButNeverLead_NorMakeAStoryMatch()
    {
        // Harbor, listed first, carried the story before the cut-off under a headline no topic matched.
        var harborEarlier = DigestTestData.Story(1, "VPN services cut off", feedId: "harbor") with { ClusterId = 4 };
        var wireNew = DigestTestData.Story(5, "Censorship: VPNs blocked", feedId: "wire") with { ClusterId = 4 };
        // A matching story before the cut-off (sent, or over the cap) does not bring its cluster's new, unmatching copy in.
        var matchingEarlier = DigestTestData.Story(2, "Censorship of maps", feedId: "harbor") with { ClusterId = 8 };
        var plainNew = DigestTestData.Story(6, "Map apps updated", feedId: "wire") with { ClusterId = 8 };

        var (entries, omitted) = DigestComposer.Compose(
            DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [wireNew, plainNew], 50, earlierCopies: [harborEarlier, matchingEarlier]);

        Assert.Equal([new DigestEntry(5, "censorship", 0), new DigestEntry(1, "censorship", 1, LeadStoryId: 5)], entries);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Compose_EarlierCopies_AnOutletWithANewCopyIsNamedByIt_AndATopicsFeedFilterLeavesThemOut()
    {
        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml" },
                new FeedOptions { Id = "wire", Url = "https://wire.example/feed.atom" },
                new FeedOptions { Id = "tabloid", Url = "https://tabloid.example/feed.xml" },
            ],
            Topics = [new TopicOptions { Id = "vpn", Keywords = ["VPN"], ExcludeFeeds = ["tabloid"] }],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        var harborNew = DigestTestData.Story(7, "VPN ban widens", feedId: "harbor") with { ClusterId = 3 };
        var wireEarlier = DigestTestData.Story(1, "Apps cut off", feedId: "wire") with { ClusterId = 3 };
        var wireNew = DigestTestData.Story(8, "VPN apps cut off", feedId: "wire") with { ClusterId = 3 };
        var tabloidEarlier = DigestTestData.Story(2, "Apps gone!", feedId: "tabloid") with { ClusterId = 3 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("vpn"), catalog, [harborNew, wireNew], 50, earlierCopies: [wireEarlier, tabloidEarlier]);

        Assert.Equal([new DigestEntry(7, "vpn", 0), new DigestEntry(8, "vpn", 1, LeadStoryId: 7)], entries);
    }

    [Fact]
    public void Compose_AFeedOneTopicLeavesOut_IsStillNamed_WhenTheStoryAlsoMatchesATopicThatTakesIt_WhateverTheirOrder()
    {
        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml" },
                new FeedOptions { Id = "ledger", Url = "https://ledger.example/feed.xml" },
            ],
            Topics =
            [
                new TopicOptions { Id = "wechat", Keywords = ["WeChat"], ExcludeFeeds = ["ledger"] },
                new TopicOptions { Id = "censorship", Keywords = ["censorship"] },
            ],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        var harbor = DigestTestData.Story(1, "WeChat accounts closed in censorship drive", feedId: "harbor") with { ClusterId = 5 };
        var ledger = DigestTestData.Story(2, "Censorship drive closes WeChat accounts", feedId: "ledger") with { ClusterId = 5 };
        Subscriber Following(params string[] topics) => new("ana@example.com", "ana@example.com", "Ana", topics, DigestSchedule.Daily(new TimeOnly(7, 0), DigestTestData.Shanghai));

        var (wechatFirst, _) = DigestComposer.Compose(Following("wechat", "censorship"), catalog, [harbor, ledger], 50);
        var (censorshipFirst, _) = DigestComposer.Compose(Following("censorship", "wechat"), catalog, [harbor, ledger], 50);

        Assert.Equal([new DigestEntry(1, "wechat", 0), new DigestEntry(2, "wechat", 1, LeadStoryId: 1)], wechatFirst);
        Assert.Equal([new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1, LeadStoryId: 1)], censorshipFirst);

        // Listed first in Feeds, the ledger still does not head the section of the topic that leaves it out.
        var ledgerFirst = new CatalogOptions { Feeds = [options.Feeds[1], options.Feeds[0]], Topics = options.Topics };
        Assert.True(Catalog.TryCreate(ledgerFirst, "/", out var reordered, out _));
        var (ledgerListedFirst, _) = DigestComposer.Compose(Following("wechat", "censorship"), reordered, [harbor, ledger], 50);
        Assert.Equal([new DigestEntry(1, "wechat", 0), new DigestEntry(2, "wechat", 1, LeadStoryId: 1)], ledgerListedFirst);

        // Following the topic that leaves the ledger out, and only it: the ledger stays unnamed.
        var (wechatOnly, _) = DigestComposer.Compose(Following("wechat"), catalog, [harbor, ledger], 50);
        Assert.Equal([new DigestEntry(1, "wechat", 0)], wechatOnly);
    }

    [Fact]
    public void Compose_EarlierCopies_OfADeliveredCluster_AreNotListedWithItsUpdatedStory()
    {
        var updated = DigestTestData.Story(9, "Censorship: more VPNs blocked", feedId: "harbor") with { ClusterId = 4, Revision = 1 };
        var wireEarlier = DigestTestData.Story(3, "VPN services cut off", feedId: "wire") with { ClusterId = 4 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [updated], 50, new HashSet<long> { 4 }, [wireEarlier]);

        Assert.Equal([new DigestEntry(9, "censorship", 0, Updated: true)], entries);
    }

    [Fact]
    public void Compose_EditedStoryInNoCluster_IsMarkedUpdatedOnlyForTheSubscriberWhoReadIt()
    {
        var edited = DigestTestData.Story(9, "Censorship: more VPNs blocked", feedId: "harbor") with { Revision = 1 };

        var (read, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [edited], 50, new HashSet<long>(), updatesWanted: new HashSet<long> { 9 });
        var (neverGot, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [edited], 50, new HashSet<long>(), updatesWanted: new HashSet<long>());

        Assert.Equal([new DigestEntry(9, "censorship", 0, Updated: true)], read);
        Assert.Equal([new DigestEntry(9, "censorship", 0)], neverGot);
    }

    [Fact]
    public void Compose_EditedStory_OfAClusterTheSubscriberNeverGot_IsListedAsNew()
    {
        var edited = DigestTestData.Story(9, "Censorship: more VPNs blocked", feedId: "harbor") with { ClusterId = 4, Revision = 2 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [edited], 50, new HashSet<long> { 7 });

        Assert.Equal([new DigestEntry(9, "censorship", 0)], entries);
    }

    [Fact]
    public void Compose_ClusterAlreadySentToTheSubscriber_IsLeftOut()
    {
        var late = DigestTestData.Story(5, "Censorship: more VPNs blocked", feedId: "wire") with { ClusterId = 9 };
        var fresh = DigestTestData.Story(6, "Censorship of maps");

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [late, fresh], 50, new HashSet<long> { 9 });

        Assert.Equal([new DigestEntry(6, "censorship", 0)], entries);
    }

    [Fact]
    public void Compose_OverTheCap_TheStoryMostOutletsCarriedStays_ThenTheNewest_CountingStoriesNotVersions()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Censorship one", feedId: "harbor") with { ClusterId = 1 },
            DigestTestData.Story(2, "Censorship one again", feedId: "wire") with { ClusterId = 1 },
            DigestTestData.Story(3, "Censorship two"),
            DigestTestData.Story(4, "Censorship three"),
        };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 2);

        Assert.Equal([1L, 4L], entries.Where(e => e.LeadStoryId is null).Select(e => e.StoryId));
        Assert.Equal(1, omitted);
    }

    [Fact]
    public void Compose_DeliveredCluster_StaysOut_ButForAStoryEditedAndQueuedAgain()
    {
        var stories = new[]
        {
            // Cluster 7 was sent: a second outlet's copy stays out, the first's edit comes back.
            DigestTestData.Story(5, "Great Firewall blocks news sites, officials say", feedId: "wire") with { ClusterId = 7 },
            DigestTestData.Story(6, "Great Firewall blocks news sites (corrected)") with { ClusterId = 7, Revision = 1 },
            DigestTestData.Story(8, "Great Firewall now blocks VPN apps") with { ClusterId = 9 },
        };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50, new HashSet<long> { 7 });

        Assert.Equal([6L, 8L], entries.Select(entry => entry.StoryId).Order());
        Assert.DoesNotContain(entries, entry => entry.StoryId == 5);
    }

    [Fact]
    public void Compose_DeliveredCluster_AnOutletsFollowUp_GoesOut_WithCopiesOfIt_ButNotLateCoverageOrARepublish()
    {
        // Cluster 7 was sent: harbor's story led, the wire's copy was named under "also". A day later
        // harbor follows it up and the wire carries the follow-up.
        const string FirstNews = "Regulators ordered the shutdown of VPN services used to get around the Great Firewall.";
        const string FurtherNews = "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services.";
        StoredStory[] got =
        [
            DigestTestData.Story(1, "China blocks VPN services in censorship drive", FirstNews) with { ClusterId = 7 },
            DigestTestData.Story(2, "Censorship: China blocks VPN services", FirstNews, feedId: "wire") with { ClusterId = 7 },
        ];
        var stories = new[]
        {
            DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens", FurtherNews) with { ClusterId = 7 },
            DigestTestData.Story(6, "Censorship drive widens: VPN sellers detained", FurtherNews, feedId: "wire") with { ClusterId = 7 },
            // An outlet that had not carried the story reports the first news, late.
            DigestTestData.Story(8, "Internet censorship: authorities close VPN services", "Authorities closed VPN services people use to get around the Great Firewall.", feedId: "newcomer") with { ClusterId = 7 },
            // Harbor's first story republished under a reworded headline.
            DigestTestData.Story(9, "UPDATE 1-China blocks VPN services in censorship drive", FirstNews) with { ClusterId = 7 },
        };
        var catalog = DigestTestData.Catalog(new FeedOptions { Id = "newcomer", Url = "https://newcomer.example/feed.xml" });

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), catalog, stories, 50, new HashSet<long> { 7 }, gotStories: got);

        Assert.Equal([new DigestEntry(5, "censorship", 0), new DigestEntry(6, "censorship", 1, LeadStoryId: 5)], entries);
    }

    [Fact]
    public void Compose_NewCluster_AnOutletsFurtherArticle_IsListedOnItsOwn_ButNotARepublish()
    {
        // Neither digest has had the story: harbor's first report and its further article, a
        // republish of the first, and the wire's copy of it, all in cluster 7.
        const string FirstNews = "Regulators ordered the shutdown of VPN services used to get around the Great Firewall.";
        const string FurtherNews = "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services.";
        var stories = new[]
        {
            DigestTestData.Story(1, "China blocks VPN services in censorship drive", FirstNews) with { ClusterId = 7 },
            DigestTestData.Story(2, "Censorship: China blocks VPN services", FirstNews, feedId: "wire") with { ClusterId = 7 },
            DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens", FurtherNews) with { ClusterId = 7 },
            DigestTestData.Story(9, "UPDATE 1-China blocks VPN services in censorship drive", FirstNews) with { ClusterId = 7 },
        };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Equal(
            [new DigestEntry(1, "censorship", 0), new DigestEntry(2, "censorship", 1, LeadStoryId: 1), new DigestEntry(5, "censorship", 2)],
            entries);
    }

    [Fact]
    public void Compose_NewCluster_OverTheCap_TheEntryGoesBeforeItsFurtherArticle()
    {
        // The further article is newer, and names no other outlet either: ranked on its own it came
        // first, and the report it follows, left out, was never sent (its cluster counts as delivered).
        var stories = new[]
        {
            DigestTestData.Story(1, "China blocks VPN services in censorship drive", "Regulators ordered the shutdown of VPN services used to get around the Great Firewall.") with { ClusterId = 7 },
            DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens", "Police in three provinces detained 40 people accused of selling VPN access.") with { ClusterId = 7 },
        };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 1);

        Assert.Equal([new DigestEntry(1, "censorship", 0)], entries);
        Assert.Equal(1, omitted);
    }

    [Theory]
    [InlineData(60, 60)]
    // Telling so many apart from copies would take over 10,000 comparisons: the cluster keeps its one entry.
    [InlineData(120, 1)]
    public void Compose_NewCluster_OneDesksPiecesUnderOneHeadline_EachListed_UpToTheComparisonsAllowed(int pieces, int listed)
    {
        var stories = Enumerable.Range(1, pieces)
            .Select(i => DigestTestData.Story(i, "Censorship briefing") with { ClusterId = 7 })
            .ToList();

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 500);

        Assert.Equal(listed, entries.Count);
    }

    [Fact]
    public void Compose_DeliveredCluster_ACopyOfAFollowUpSent_StaysOut_AndAnUpdateOwedGoesOutBesideAFurtherFollowUp()
    {
        const string FirstNews = "Regulators ordered the shutdown of VPN services used to get around the Great Firewall.";
        const string FurtherNews = "Police in three provinces detained 40 people accused of selling VPN access, a week after regulators began shutting the services.";
        StoredStory[] got =
        [
            DigestTestData.Story(1, "China blocks VPN services in censorship drive", FirstNews) with { ClusterId = 7 },
            DigestTestData.Story(5, "Police detain VPN sellers as censorship drive widens", FurtherNews) with { ClusterId = 7 },
        ];
        var stories = new[]
        {
            DigestTestData.Story(6, "Censorship drive widens: VPN sellers detained", FurtherNews, feedId: "wire") with { ClusterId = 7 },
            DigestTestData.Story(10, "China blocks VPN services in censorship drive (corrected)", FirstNews) with { ClusterId = 7, Revision = 1 },
            DigestTestData.Story(11, "Court jails VPN seller for five years as censorship drive goes on", "A court sentenced the first of the detained sellers to five years in prison.") with { ClusterId = 7 },
        };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50, new HashSet<long> { 7 }, updatesWanted: new HashSet<long> { 10 }, gotStories: got);

        Assert.Equal([10L, 11L], entries.Select(entry => entry.StoryId).Order());
        Assert.Contains(new DigestEntry(10, "censorship", entries.Single(entry => entry.StoryId == 10).Position, Updated: true), entries);
        Assert.DoesNotContain(entries, entry => entry.LeadStoryId is not null);
    }

    [Fact]
    public void Compose_DeliveredCluster_AFollowUpMatchingNoTopicOfTheSubscriber_StaysOut()
    {
        StoredStory[] got = [DigestTestData.Story(1, "China blocks VPN services in censorship drive", "Regulators ordered the shutdown of VPN services.") with { ClusterId = 7 }];
        var followUp = DigestTestData.Story(5, "Police detain VPN sellers", "Police in three provinces detained 40 people accused of selling VPN access.") with { ClusterId = 7 };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), [followUp], 50, new HashSet<long> { 7 }, gotStories: got);

        Assert.Empty(entries);
    }

    [Fact]
    public void Compose_NonMatchingStories_AreExcludedAndNotCountedAsOmitted()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Markets rally"),
            DigestTestData.Story(2, "Great Firewall blocks new sites"),
            DigestTestData.Story(3, "Weather: sunny"),
        };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Equal([new DigestEntry(2, "censorship", 0)], entries);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Compose_TopicQueryWithFeedLimit_TakesOnlyMatchingStoriesFromItsFeeds()
    {
        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml", Tags = ["asia"] },
                new FeedOptions { Id = "wire", Url = "https://wire.example/feed.atom" },
            ],
            Topics = [new TopicOptions { Id = "vpn", Query = "VPN* -sports", Tags = ["asia"] }],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        var stories = new[]
        {
            DigestTestData.Story(1, "VPNs blocked", feedId: "harbor"),
            DigestTestData.Story(2, "VPN ban widens", feedId: "wire"),
            DigestTestData.Story(3, "VPN sports streams cut", feedId: "harbor"),
        };

        var (entries, _) = DigestComposer.Compose(DigestTestData.Subscriber("vpn"), catalog, stories, 50);

        Assert.Equal([new DigestEntry(1, "vpn", 0)], entries);
    }

    [Fact]
    public void Compose_OnlyTopicsTheSubscriberFollows_Count()
    {
        var stories = new[] { DigestTestData.Story(1, "Shipping volumes rise") };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Empty(entries);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Compose_OverTheCap_KeepsTheNewestAndReportsOmitted()
    {
        var stories = Enumerable.Range(1, 5)
            .Select(i => DigestTestData.Story(i, $"Censorship story {i}", published: Noon.AddHours(-i)))
            .Append(DigestTestData.Story(6, "Unrelated"))
            .ToList();

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 3);

        Assert.Equal([3L, 4L, 5L], entries.Select(e => e.StoryId).Order());
        Assert.Equal(2, omitted);
    }

    [Fact]
    public void Compose_Entries_AreOrderedByTopicThenNewestPublishedWithRunningPositions()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Port strike", published: Noon.AddHours(-3)),
            DigestTestData.Story(2, "Censorship law passes", published: Noon.AddHours(-2)),
            DigestTestData.Story(3, "Port reopens", published: Noon.AddHours(-1)),
            DigestTestData.Story(4, "审查范围扩大", published: Noon),
        };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("shipping", "censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Equal(
            [
                new DigestEntry(3, "shipping", 0),
                new DigestEntry(1, "shipping", 1),
                new DigestEntry(4, "censorship", 2),
                new DigestEntry(2, "censorship", 3),
            ],
            entries);
        Assert.Equal(0, omitted);
    }
}
