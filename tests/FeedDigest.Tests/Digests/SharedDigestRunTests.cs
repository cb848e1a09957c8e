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
/// A digest run reads, clusters and matches the new stories once for every due subscriber. Against
/// real SQLite, each subscriber must get exactly what reading their own stories after their own
/// cut-off and matching them alone gives (the path every run took before), with cut-offs spread
/// over the stories and clusters spanning them.
/// </summary>
public sealed class SharedDigestRunTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>(id = seq, feed, title, cluster or null for a story not clustered).</summary>
    private static readonly (long Id, string Feed, string Title, long? Cluster)[] Stories =
    [
        (1, "harbor", "Censorship law passes", 100),
        (2, "wire", "New media law passes in parliament", 100),
        (3, "agency", "Port strike ends", 101),
        (4, "harbor", "Weather turns cold", 102),
        (5, "wire", "VPN ban widens censorship", 103),
        (6, "agency", "Ban on private networks widens", 103),
        (7, "harbor", "VPN sports streaming deal", 104),
        (8, "wire", "Port reopens after the strike", 101),
        (9, "agency", "Parliament media law details", 100),
        (10, "harbor", "Shipping rates climb at the port", null),
        (11, "wire", "Censorship of VPN apps", 105),
        (12, "agency", "Apps removed from stores", 105),
        (13, "harbor", "Censorship appeals heard", 106),
        (14, "wire", "Port of call for cruise ships", 107),
        (15, "harbor", "Great ships of the past", 108),
        (16, "agency", "Censorship tightens at the port", 109),
        (17, "wire", "Tightening continues", 109),
        (18, "harbor", "Censorship roundup", 110),
        (19, "wire", "Roundup of the week", 110),
        (20, "agency", "VPN makers answer", 111),
        (21, "harbor", "Censorship appeal rejected", 106),
        (22, "agency", "Weather turns warm", 112),
    ];

    [Fact]
    public async Task SharedRun_GivesEverySubscriberWhatTheirOwnReadGave()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await InsertStoriesAsync(database);
        var catalog = BuildCatalog();
        var feedStore = new SqliteFeedStore(database.Connections);
        var digestStore = new SqliteDigestStore(database.Connections);
        await using var clusterIndex = new SqliteStoryClusterIndex(database.Connections);
        // (subscriber, cut-off, last slot): due subscribers had their last digest yesterday at 07:00.
        var yesterday = new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);
        var states = new (string Key, long Cutoff, DateTimeOffset LastSlot)[]
        {
            ("ana@example.com", 0, yesterday),
            ("bo@example.com", 5, yesterday),
            ("cy@example.com", 3, yesterday),
            ("di@example.com", 8, yesterday),
            ("ed@example.com", 2, yesterday),
            ("fa@example.com", 0, Now.AddMinutes(-30)),
            ("gu@example.com", 12, yesterday),
        };
        foreach (var (key, cutoff, lastSlot) in states)
        {
            var created = await digestStore.GetOrCreateStateAsync(key, Now.AddDays(-7), Now.AddDays(-7), CancellationToken.None);
            // gu already got story 13 (cluster 106) in yesterday's digest: its cluster is not listed
            // again, but for the outlet's follow-up, 21 ("appeals heard", then "appeal rejected").
            var earlier = key == "gu@example.com"
                ? new ClaimedDigest("earlier", key, "earlier@feeddigest", yesterday, [new DigestEntry(13, "censorship", 0)], 0)
                : null;
            Assert.True(await digestStore.TryClaimAsync(created, lastSlot, cutoff, earlier, CancellationToken.None));
            if (earlier is not null)
            {
                await digestStore.MarkSentAsync(earlier.Id, yesterday, CancellationToken.None);
            }
        }

        var expected = new Dictionary<string, (IReadOnlyList<DigestEntry> Entries, int Omitted)>(StringComparer.Ordinal);
        foreach (var subscriber in catalog.Subscribers.Where(s => s.Key is not ("fa@example.com" or "ed@example.com")))
        {
            expected[subscriber.Key] = await ComposeAloneAsync(subscriber, catalog, feedStore, digestStore, clusterIndex);
        }

        var sender = new RecordingSender();
        var catalogSync = new FeedCatalogSync(new FixedCatalog(catalog), feedStore, new FakeTimeProvider(Now), NullLogger<FeedCatalogSync>.Instance);
        var dispatcher = new DigestDispatcher(
            catalogSync,
            new SubscriberDirectory(new SqliteSubscriptionStore(database.Connections)),
            feedStore,
            digestStore,
            sender,
            new DigestRenderer(),
            new SuspensionNotifier(sender, new FixedOptions<AdminOptions>(new AdminOptions()), new FakeTimeProvider(Now), NullLogger<SuspensionNotifier>.Instance),
            new ClusteringCatchUp(feedStore, clusterIndex, new StoryClusterer(clusterIndex, new ClusteringOptions()), Options.Create(new ClusteringOptions()), NullLogger<ClusteringCatchUp>.Instance),
            clusterIndex,
            Options.Create(new ClusteringOptions()),
            new FixedOptions<DigestOptions>(new DigestOptions()),
            new FakeTimeProvider(Now),
            NullLogger<DigestDispatcher>.Instance);

        var report = await dispatcher.RunAsync(CancellationToken.None);

        var claimed = await ReadClaimedAsync(database);
        foreach (var (key, (entries, omitted)) in expected)
        {
            if (entries.Count == 0)
            {
                Assert.False(claimed.ContainsKey(key), $"{key} got a digest the per-subscriber path did not give");
                continue;
            }

            Assert.True(claimed.TryGetValue(key, out var got), $"{key} got no digest");
            Assert.Equal(entries, got.Entries);
            Assert.Equal(omitted, got.Omitted);
        }

        // The scenario exercises what could go wrong: a capped digest, cluster-mates as "also", a
        // cluster whose only matching version is below the cut-off (named as "also", never leading),
        // a delivered cluster and its follow-up, a paused and a not-yet-due subscriber.
        Assert.True(expected["di@example.com"].Omitted > 0);
        Assert.Contains(expected["ana@example.com"].Entries, e => e.LeadStoryId is not null);
        Assert.DoesNotContain(claimed["bo@example.com"].Entries, e => e.StoryId is 5 or 6);
        Assert.Contains(claimed["cy@example.com"].Entries, e => e.StoryId == 8 && e.LeadStoryId is null);
        Assert.Contains(claimed["cy@example.com"].Entries, e => e.StoryId == 3 && e.LeadStoryId == 8);
        Assert.DoesNotContain(claimed["gu@example.com"].Entries, e => e.StoryId == 13);
        Assert.Contains(claimed["gu@example.com"].Entries, e => e.StoryId == 21 && e.LeadStoryId is null);
        Assert.False(claimed.ContainsKey("ed@example.com"));
        Assert.False(claimed.ContainsKey("fa@example.com"));
        Assert.Equal(claimed.Count, report.DigestsClaimed);
        Assert.Equal(claimed.Count, sender.Sent.Count);

        // Every due subscriber's cut-off moved past every story read, matching or not; fa's did not move.
        foreach (var (key, cutoff, _) in states)
        {
            var state = await digestStore.GetOrCreateStateAsync(key, Now, Now, CancellationToken.None);
            Assert.Equal(key == "fa@example.com" ? cutoff : Stories[^1].Id, state.StoryCutoff);
        }
    }

    /// <summary>The digest as every run composed it before: the subscriber's own stories after their cut-off, matched alone.</summary>
    private static async Task<(IReadOnlyList<DigestEntry> Entries, int Omitted)> ComposeAloneAsync(
        Subscriber subscriber, Catalog catalog, SqliteFeedStore feedStore, SqliteDigestStore digestStore, SqliteStoryClusterIndex clusterIndex)
    {
        var state = await digestStore.GetOrCreateStateAsync(subscriber.Key, Now, Now, CancellationToken.None);
        var stories = await feedStore.GetStoriesAfterAsync(0, 1000, CancellationToken.None);
        var clusters = await clusterIndex.GetClustersAsync(stories.Select(s => s.Id).ToList(), CancellationToken.None);
        var all = stories.Select(s => clusters.TryGetValue(s.Id, out var c) ? s with { ClusterId = c } : s).ToList();
        var clustered = all.Where(s => s.Sequence > state.StoryCutoff).ToList();
        // Every story is within the clustering window of the others: a new story's cluster-mates up to the cut-off are its earlier copies.
        var newClusters = clustered.Select(s => s.ClusterId).OfType<long>().ToHashSet();
        var earlier = all.Where(s => s.Sequence <= state.StoryCutoff && s.ClusterId is { } c && newClusters.Contains(c)).ToList();
        var since = earlier.Select(s => s.FirstSeenAt).Append(Now - new ClusteringOptions().Window).Min();
        var sent = await digestStore.GetDeliveredStoryIdsAsync(subscriber.Key, since, CancellationToken.None);
        var sentClusters = await clusterIndex.GetClustersAsync(sent, CancellationToken.None);
        var delivered = sentClusters.Values.ToHashSet();
        // What they got in those clusters, which a follow-up is told from.
        var got = all.Where(s => sentClusters.ContainsKey(s.Id)).ToList();
        return DigestComposer.Compose(subscriber, catalog, clustered, subscriber.MaxStories ?? new DigestOptions().MaxStoriesPerDigest, delivered, earlier, gotStories: got);
    }

    private static Catalog BuildCatalog()
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
                new TopicOptions { Id = "vpn", Name = "VPN", Query = "VPN -sports" },
            ],
            Subscribers =
            [
                Subscriber("ana", null, false, "censorship", "shipping"),
                Subscriber("bo", null, false, "vpn", "censorship"),
                Subscriber("cy", null, false, "shipping"),
                Subscriber("di", 2, false, "censorship"),
                Subscriber("ed", null, true, "censorship"),
                Subscriber("fa", null, false, "censorship"),
                Subscriber("gu", null, false, "censorship", "vpn"),
            ],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        return catalog;

        static SubscriberOptions Subscriber(string name, int? maxStories, bool paused, params string[] topics) =>
            new() { Email = $"{name}@example.com", Topics = [.. topics], SendAt = "07:00", TimeZone = "UTC", MaxStories = maxStories, Paused = paused };
    }

    private static async Task InsertStoriesAsync(SqliteTestDatabase database)
    {
        await using var connection = await database.Connections.OpenAsync(CancellationToken.None);
        await using var transaction = connection.BeginTransaction();
        foreach (var feed in Stories.Select(s => s.Feed).Distinct())
        {
            await ExecuteAsync("INSERT INTO feeds (id, source, next_check_at) VALUES ($p0, $p1, $p2)", feed, $"https://{feed}.example/feed.xml", SqliteTime.ToText(Now));
        }

        foreach (var cluster in Stories.Select(s => s.Cluster).OfType<long>().Distinct())
        {
            await ExecuteAsync("INSERT INTO clusters (id, version, size, centroid) VALUES ($p0, 1, 1, zeroblob(0))", cluster);
        }

        foreach (var (id, feed, title, cluster) in Stories)
        {
            var firstSeen = Now.AddHours(-30).AddMinutes(id * 60);
            await ExecuteAsync(
                "INSERT INTO stories (id, seq, feed_id, title, link, summary, categories, first_seen_at) VALUES ($p0, $p0, $p1, $p2, $p3, '', '[]', $p4)",
                id, feed, title, $"https://{feed}.example/{id}", SqliteTime.ToText(firstSeen));
            if (cluster is { } c)
            {
                await ExecuteAsync("INSERT INTO cluster_members (story_id, cluster_id, at) VALUES ($p0, $p1, $p2)", id, c, firstSeen.ToUnixTimeSeconds());
            }
        }

        await ExecuteAsync(ClusterMemberDays.RebuildSql);

        await ExecuteAsync("UPDATE story_sequence SET value = $p0", Stories[^1].Id);
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

    private static async Task<Dictionary<string, (List<DigestEntry> Entries, int Omitted)>> ReadClaimedAsync(SqliteTestDatabase database)
    {
        var claimed = new Dictionary<string, (List<DigestEntry> Entries, int Omitted)>(StringComparer.Ordinal);
        await using var connection = await database.Connections.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT digests.subscriber_key, digests.omitted_count, digest_stories.story_id, digest_stories.topic_id, digest_stories.position, digest_stories.lead_story_id
            FROM digests JOIN digest_stories ON digest_stories.digest_id = digests.id
            WHERE digests.id <> 'earlier'
            ORDER BY digests.subscriber_key, digest_stories.position
            """;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            if (!claimed.TryGetValue(key, out var digest))
            {
                claimed[key] = digest = ([], reader.GetInt32(1));
            }

            digest.Entries.Add(new DigestEntry(reader.GetInt64(2), reader.GetString(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt64(5)));
        }

        return claimed;
    }
}
