using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Subscriptions;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.Tests.Digests;

/// <summary>
/// Audit of the earlier copies ("also" from copies before the cut-off) against real SQLite: stories,
/// clusters and members written directly, the dispatcher run as the service runs it.
/// </summary>
public sealed class EarlierCopiesAuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Yesterday = new(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);

    private const string FollowUpTitle = "Censorship law challenged in court";

    /// <summary>
    /// Cluster 100 is a censorship story: ana and bo both got its first version (story 1) five days
    /// ago; a follow-up (story 6, seen two hours ago) joined the cluster through the wire's unmatched
    /// copy three days ago (story 3). Cluster 101 is a shipping story: the agency's unmatched copy six
    /// days ago (story 2), and the harbor's late copy of it (story 7, published five days ago, seen an
    /// hour ago). bo follows censorship only; ana follows censorship and shipping.
    /// </summary>
    private static List<StoryRowSpec> Scenario(bool withLateShippingCopy)
    {
        var stories = new List<StoryRowSpec>
        {
            new(1, "harbor", "Censorship law passes", Now.AddDays(-5), null, 100),
            new(2, "agency", "Dockworkers walk out", Now.AddDays(-6), null, 101),
            new(3, "wire", "Parliament debates the media law", Now.AddHours(-72), null, 100),
            new(6, "wire", FollowUpTitle, Now.AddHours(-2), null, 100),
        };
        if (withLateShippingCopy)
        {
            stories.Add(new(7, "harbor", "Shipping strike spreads to every port", Now.AddHours(-1), Now.AddDays(-5), 101));
        }

        return stories;
    }

    /// <summary>
    /// bo follows censorship only; the shipping stories are nothing to him. His preview lists the
    /// follow-up (his own candidates' earlier copies reach back to story 3 only, so the clusters he got
    /// are counted from his last slot less the window, and story 1's digest is older). The real run
    /// reads the earlier copies once for everyone, within the window of ALL the kept stories: ana's
    /// late shipping copy (dated five days back) widens that range to story 1, which becomes bo's
    /// "earlier copy" of cluster 100 too; his delivered clusters then reach back to story 1's digest
    /// and the follow-up is never sent to him. Preview and digest differ, and what bo gets depends on
    /// a story of a topic he does not follow.
    /// </summary>
    [Fact]
    public async Task SharedRun_SubscriberGetsWhatTheirPreviewShows_WhateverOtherSubscribersFollow()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var catalog = BuildCatalog(("ana", ["censorship", "shipping"]), ("bo", ["censorship"]));
        await InsertStoriesAsync(database, Scenario(withLateShippingCopy: true));
        var digestStore = new SqliteDigestStore(database.Connections);
        foreach (var key in new[] { "ana@example.com", "bo@example.com" })
        {
            await SetUpSubscriberAsync(digestStore, key, cutoff: 3, deliveredAt: Now.AddDays(-5).AddHours(1), delivered: [1]);
        }

        await using var harness = new Harness(database, catalog);
        var preview = await harness.Dispatcher.PreviewAsync(catalog.Subscribers.Single(s => s.Key == "bo@example.com"), CancellationToken.None);
        Assert.NotNull(preview);
        Assert.Contains(FollowUpTitle, preview.TextBody, StringComparison.Ordinal);

        await harness.Dispatcher.RunAsync(CancellationToken.None);

        var toBo = harness.Sender.Sent.SingleOrDefault(m => m.ToAddress == "bo@example.com");
        Assert.True(
            toBo is not null && toBo.TextBody!.Contains(FollowUpTitle, StringComparison.Ordinal),
            "bo's preview lists the follow-up, but the digest run sent him " + (toBo is null ? "no digest" : "a digest without it") +
            " (ana's late shipping copy widened the shared earlier-copies range to story 1)");
    }

    /// <summary>
    /// ana alone is due. Without the shipping stories she gets the follow-up of cluster 100 (story 1's
    /// digest is older than her last slot less the window). With the harbor's late copy of the shipping
    /// story in her digest, its earlier copy (story 2, first seen six days ago) moves the "since" of ALL
    /// her delivered clusters back six days, and the earlier-copies range (one span for all clusters)
    /// takes in story 1: cluster 100 counts as delivered and its follow-up is never sent. Whether a
    /// censorship story reaches her must not depend on an unrelated shipping story.
    /// </summary>
    [Fact]
    public async Task LateCopyOfUnrelatedStory_DoesNotHideAnotherClustersFollowUp()
    {
        var without = await RunAnaAloneAsync(withLateShippingCopy: false);
        var with = await RunAnaAloneAsync(withLateShippingCopy: true);

        Assert.Contains(FollowUpTitle, without, StringComparison.Ordinal);
        Assert.True(
            with.Contains(FollowUpTitle, StringComparison.Ordinal),
            "ana gets the censorship follow-up without the shipping story, but not once a late copy of the (unrelated) shipping story is in her digest:\n" + with);
    }

    private static async Task<string> RunAnaAloneAsync(bool withLateShippingCopy)
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var catalog = BuildCatalog(("ana", ["censorship", "shipping"]));
        await InsertStoriesAsync(database, Scenario(withLateShippingCopy));
        var digestStore = new SqliteDigestStore(database.Connections);
        await SetUpSubscriberAsync(digestStore, "ana@example.com", cutoff: 3, deliveredAt: Now.AddDays(-5).AddHours(1), delivered: [1]);
        await using var harness = new Harness(database, catalog);
        await harness.Dispatcher.RunAsync(CancellationToken.None);
        return Assert.Single(harness.Sender.Sent).TextBody!;
    }

    internal sealed record StoryRowSpec(long Id, string Feed, string Title, DateTimeOffset FirstSeen, DateTimeOffset? Published, long? Cluster, long? MergedInto = null);

    private static async Task SetUpSubscriberAsync(SqliteDigestStore digestStore, string key, long cutoff, DateTimeOffset deliveredAt, long[] delivered)
    {
        var created = await digestStore.GetOrCreateStateAsync(key, Now.AddDays(-30), Now.AddDays(-30), CancellationToken.None);
        var id = "earlier-" + key;
        var digest = new ClaimedDigest(id, key, id + "@feeddigest", deliveredAt, delivered.Select((story, i) => new DigestEntry(story, "censorship", i)).ToList(), 0);
        Assert.True(await digestStore.TryClaimAsync(created, deliveredAt, 0, digest, CancellationToken.None));
        await digestStore.MarkSentAsync(id, deliveredAt, CancellationToken.None);
        var state = await digestStore.GetOrCreateStateAsync(key, Now, Now, CancellationToken.None);
        Assert.True(await digestStore.TryClaimAsync(state, Yesterday, cutoff, null, CancellationToken.None));
    }

    internal static Catalog BuildCatalog(params (string Name, string[] Topics)[] subscribers)
    {
        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml", Title = "Harbor Times" },
                new FeedOptions { Id = "wire", Url = "https://wire.example/feed.xml", Title = "Wire" },
                new FeedOptions { Id = "agency", Url = "https://agency.example/feed.xml", Title = "Agency" },
            ],
            Topics =
            [
                new TopicOptions { Id = "censorship", Name = "Online censorship", Query = "censor*" },
                new TopicOptions { Id = "shipping", Name = "Shipping", Query = "port OR shipping" },
            ],
            Subscribers = [.. subscribers.Select(s => new SubscriberOptions { Email = $"{s.Name}@example.com", Topics = [.. s.Topics], SendAt = "07:00", TimeZone = "UTC" })],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        return catalog;
    }

    internal static async Task InsertStoriesAsync(SqliteTestDatabase database, IReadOnlyList<StoryRowSpec> stories)
    {
        await using var connection = await database.Connections.OpenAsync(CancellationToken.None);
        await using var transaction = connection.BeginTransaction();
        foreach (var feed in new[] { "harbor", "wire", "agency" })
        {
            await ExecuteAsync("INSERT INTO feeds (id, source, next_check_at) VALUES ($p0, $p1, $p2)", feed, $"https://{feed}.example/feed.xml", SqliteTime.ToText(Now));
        }

        foreach (var cluster in stories.Where(s => s.Cluster is not null).GroupBy(s => s.Cluster!.Value).OrderBy(g => g.First().MergedInto is null ? 0 : 1))
        {
            var merged = cluster.First().MergedInto;
            await ExecuteAsync("INSERT INTO clusters (id, version, size, centroid, merged_into) VALUES ($p0, 1, 1, zeroblob(0), $p1)", cluster.Key, merged is { } m ? m : DBNull.Value);
        }

        foreach (var story in stories)
        {
            await ExecuteAsync(
                "INSERT INTO stories (id, seq, feed_id, title, link, summary, categories, first_seen_at, published_at) VALUES ($p0, $p0, $p1, $p2, $p3, '', '[]', $p4, $p5)",
                story.Id, story.Feed, story.Title, $"https://{story.Feed}.example/{story.Id}", SqliteTime.ToText(story.FirstSeen), story.Published is { } p ? SqliteTime.ToText(p) : DBNull.Value);
            if (story.Cluster is { } c)
            {
                var at = story.Published is { } published && published < story.FirstSeen ? published : story.FirstSeen;
                await ExecuteAsync("INSERT INTO cluster_members (story_id, cluster_id, at) VALUES ($p0, $p1, $p2)", story.Id, c, at.ToUnixTimeSeconds());
            }
        }

        await ExecuteAsync(ClusterMemberDays.RebuildSql);
        await ExecuteAsync("UPDATE story_sequence SET value = $p0", stories.Max(s => s.Id));
        await transaction.CommitAsync();

        async Task ExecuteAsync(string sql, params object[] values)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.AddWithValue($"$p{i}", values[i]);
            }

            await command.ExecuteNonQueryAsync();
        }
    }

    internal sealed class Harness : IAsyncDisposable
    {
        private readonly SqliteStoryClusterIndex clusterIndex;

        public Harness(SqliteTestDatabase database, Catalog catalog, DigestOptions? digestOptions = null)
        {
            var feedStore = new SqliteFeedStore(database.Connections);
            DigestStore = new SqliteDigestStore(database.Connections);
            clusterIndex = new SqliteStoryClusterIndex(database.Connections);
            var clock = new FakeTimeProvider(Now);
            var catalogSync = new FeedCatalogSync(new FixedCatalog(catalog), feedStore, clock, NullLogger<FeedCatalogSync>.Instance);
            Dispatcher = new DigestDispatcher(
                catalogSync,
                new SubscriberDirectory(new SqliteSubscriptionStore(database.Connections)),
                feedStore,
                DigestStore,
                Sender,
                new DigestRenderer(),
                new SuspensionNotifier(Sender, new FixedOptions<AdminOptions>(new AdminOptions()), clock, NullLogger<SuspensionNotifier>.Instance),
                new ClusteringCatchUp(feedStore, clusterIndex, new StoryClusterer(clusterIndex, new ClusteringOptions()), Options.Create(new ClusteringOptions()), NullLogger<ClusteringCatchUp>.Instance),
                clusterIndex,
                Options.Create(new ClusteringOptions()),
                new FixedOptions<DigestOptions>(digestOptions ?? new DigestOptions()),
                clock,
                NullLogger<DigestDispatcher>.Instance);
        }

        public RecordingSender Sender { get; } = new();

        public SqliteDigestStore DigestStore { get; }

        public DigestDispatcher Dispatcher { get; }

        public ValueTask DisposeAsync() => clusterIndex.DisposeAsync();
    }
}
