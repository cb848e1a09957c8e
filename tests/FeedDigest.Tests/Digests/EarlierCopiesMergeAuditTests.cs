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
using static FeedDigest.Tests.Digests.EarlierCopiesAuditTests;

namespace FeedDigest.Tests.Digests;

/// <summary>
/// Audit: a merge between the digest run's reads. A poll clusters its stories while a digest run
/// reads (the run's own comments say so), and a merge absorbs the cluster the run read for its new
/// story into another. Members keep the cluster they joined (0012), so the absorbed cluster's members
/// still name it; SqliteStoryClusterIndex.GetClusterStoriesAsync drops a span whose cluster has been
/// merged away ("has none of its own"), so its earlier copies are lost.
/// </summary>
public sealed class EarlierCopiesMergeAuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Yesterday = new(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);

    private const string LateCopyTitle = "Censorship law passes, wire says";

    /// <summary>
    /// ana got the harbor's censorship story (story 1, cluster 100) five days ago. The wire lists its
    /// copy of it only now (story 6, published five days ago, first seen an hour ago): its earlier copy
    /// is story 1, which ana got, so cluster 100 counts as delivered and nothing is sent (the session's
    /// late-copy rule). A poll running beside the digest run merges cluster 100 into cluster 200 after
    /// the run read story 6's cluster and before it reads the earlier copies: the span of cluster 100
    /// is dropped, story 1 is not found, the cluster is not delivered, and the same story goes out to
    /// ana a second time.
    /// </summary>
    [Fact]
    public async Task MergeBetweenReads_LateCopyOfStoryTheSubscriberGot_IsNotSentAgain()
    {
        var withoutMerge = await RunAsync(merge: false, LateCopyScenario(), delivered: [1]);
        Assert.Empty(withoutMerge);

        var withMerge = await RunAsync(merge: true, LateCopyScenario(), delivered: [1]);
        Assert.True(
            withMerge.Count == 0,
            "ana got story 1 of cluster 100 five days ago and its late wire copy is not sent without a merge, but once cluster 100 is merged " +
            "into 200 between the run's read of the clusters and of the earlier copies, it is sent again:\n" + string.Join("\n---\n", withMerge));
    }

    /// <summary>
    /// The wire's unmatched copy three days ago (story 3) is named under "also" beside the harbor's new
    /// censorship story (story 6) of the same cluster; once the cluster is merged into another between
    /// the run's reads, the wire is no longer named.
    /// </summary>
    [Fact]
    public async Task MergeBetweenReads_EarlierOutletStillNamedUnderAlso()
    {
        var withoutMerge = Assert.Single(await RunAsync(merge: false, AlsoScenario(), delivered: [4]));
        Assert.Contains("Wire", withoutMerge, StringComparison.Ordinal);

        var withMerge = Assert.Single(await RunAsync(merge: true, AlsoScenario(), delivered: [4]));
        Assert.True(
            withMerge.Contains("Wire", StringComparison.Ordinal),
            "the wire's earlier copy is named under 'also' without a merge, but not once cluster 100 is merged into 200 between the run's reads:\n" + withMerge);
    }

    /// <summary>
    /// Not a merge: IncludeOnce. ana got the wire's censorship story (story 1) five days ago; the
    /// harbor lists its copy only now (story 5, dated five days ago). Alone, the late copy is not sent
    /// (its earlier copy, story 1, was delivered). But story 1 was also edited since and queued once
    /// more (revision 1, a new sequence after ana's cut-off): it is then one of the candidates, which
    /// GetEarlierCopiesAsync leaves out of the earlier copies ("known"), so nothing tells that ana got
    /// cluster 100, and the harbor's late copy leads it as a new story, with the update of what she
    /// got under "also". She should get the update alone ("[Updated] ..."), as for a cluster she got.
    /// </summary>
    [Fact]
    public async Task LateCopy_OfStoryTheSubscriberGotAndThatWasEdited_IsNotListedAsNewStory()
    {
        var withoutEdit = await RunAsync(merge: false, EditedScenario(), delivered: [1]);
        Assert.Empty(withoutEdit);

        var withEdit = await RunAsync(merge: false, EditedScenario(), delivered: [1], edit: true);
        var body = Assert.Single(withEdit);
        Assert.True(
            body.Contains("[Updated] Censorship law passes", StringComparison.Ordinal) && !body.Contains(HarborLateTitle, StringComparison.Ordinal),
            "ana got story 1 of cluster 100; with it edited (IncludeOnce) she should get the update, not the harbor's late copy of the same story as a new one:\n" + body);
    }

    private const string HarborLateTitle = "Censorship law passes, harbor reports";

    private static List<StoryRowSpec> EditedScenario() =>
    [
        new(1, "wire", "Censorship law passes", Now.AddDays(-5), null, 100),
        new(5, "harbor", HarborLateTitle, Now.AddHours(-1), Now.AddDays(-5).AddMinutes(30), 100),
    ];

    private static List<StoryRowSpec> LateCopyScenario() =>
    [
        new(1, "harbor", "Censorship law passes", Now.AddDays(-5), null, 100),
        new(2, "agency", "Dockworkers walk out", Now.AddDays(-6), null, 200),
        new(6, "wire", LateCopyTitle, Now.AddHours(-1), Now.AddDays(-5).AddMinutes(30), 100),
    ];

    private static List<StoryRowSpec> AlsoScenario() =>
    [
        new(2, "agency", "Dockworkers walk out", Now.AddDays(-6), null, 200),
        new(3, "wire", "Parliament debates the media law", Now.AddHours(-72), null, 100),
        new(4, "agency", "Censorship debate opens", Now.AddDays(-4), null, null),
        new(6, "harbor", "Censorship law challenged in court", Now.AddHours(-2), null, 100),
    ];

    private static async Task<List<string>> RunAsync(bool merge, List<StoryRowSpec> stories, long[] delivered, bool edit = false)
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var catalog = BuildCatalog(("ana", ["censorship"]));
        await InsertStoriesAsync(database, stories);
        var digestStore = new SqliteDigestStore(database.Connections);
        await SetUpSubscriberAsync(digestStore, "ana@example.com", cutoff: 4, deliveredAt: Now.AddDays(-5).AddHours(1), delivered);
        if (edit)
        {
            // What SqliteFeedStore.UpdateEditedAsync writes for an edit under IncludeOnce of a story in a digest.
            await using var connection = await database.Connections.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE stories SET revision = 1, seq = 7, content_hash = 'edited' WHERE id = 1; UPDATE story_sequence SET value = 7;";
            await command.ExecuteNonQueryAsync();
        }
        await using var index = new SqliteStoryClusterIndex(database.Connections);
        var merging = new MergingIndex(index, merge ? database : null);
        var sender = new RecordingSender();
        var dispatcher = BuildDispatcher(database, catalog, index, merging, sender);
        await dispatcher.RunAsync(CancellationToken.None);
        return [.. sender.Sent.Select(m => m.TextBody!)];
    }

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

    private static DigestDispatcher BuildDispatcher(SqliteTestDatabase database, Catalog catalog, SqliteStoryClusterIndex index, IStoryClusterIndex dispatcherIndex, RecordingSender sender)
    {
        var feedStore = new SqliteFeedStore(database.Connections);
        var clock = new FakeTimeProvider(Now);
        var catalogSync = new FeedCatalogSync(new FixedCatalog(catalog), feedStore, clock, NullLogger<FeedCatalogSync>.Instance);
        return new DigestDispatcher(
            catalogSync,
            new SubscriberDirectory(new SqliteSubscriptionStore(database.Connections)),
            feedStore,
            new SqliteDigestStore(database.Connections),
            sender,
            new DigestRenderer(),
            new SuspensionNotifier(sender, new FixedOptions<AdminOptions>(new AdminOptions()), clock, NullLogger<SuspensionNotifier>.Instance),
            new ClusteringCatchUp(feedStore, index, new StoryClusterer(index, new ClusteringOptions()), Options.Create(new ClusteringOptions()), NullLogger<ClusteringCatchUp>.Instance),
            dispatcherIndex,
            Options.Create(new ClusteringOptions()),
            new FixedOptions<DigestOptions>(new DigestOptions()),
            clock,
            NullLogger<DigestDispatcher>.Instance);
    }

    /// <summary>
    /// The real index; a poll's merge of cluster 100 into 200 (the rows a commit's absorb writes)
    /// lands just before the first read of earlier copies, after the run read the stories' clusters.
    /// </summary>
    private sealed class MergingIndex(SqliteStoryClusterIndex inner, SqliteTestDatabase? mergeIn) : IStoryClusterIndex
    {
        private bool merged;

        public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken) => inner.FindCandidatesAsync(query, cancellationToken);

        public Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken) => inner.AddAsync(entry, cancellationToken);

        public Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken) => inner.BeginBatchAsync(cancellationToken);

        public Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken) => inner.GetLastClusteredStoryIdAsync(cancellationToken);

        public Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken) => inner.GetClustersAsync(storyIds, cancellationToken);

        public async Task<IReadOnlyDictionary<long, long>> GetClusterStoriesAsync(IReadOnlyCollection<ClusterSpan> spans, CancellationToken cancellationToken)
        {
            if (mergeIn is not null && !merged)
            {
                merged = true;
                await using var connection = await mergeIn.Connections.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText =
                    """
                    UPDATE clusters SET size = size + 1, version = version + 1 WHERE id = 200;
                    UPDATE clusters SET merged_into = 200, version = version + 1, centroid = x'' WHERE id = 100;
                    UPDATE clusters SET merged_into = 200 WHERE merged_into = 100;
                    UPDATE cluster_stats SET version = version + 1 WHERE id = 1;
                    """;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return await inner.GetClusterStoriesAsync(spans, cancellationToken);
        }

        public Task<ClusterPruneReport> PruneAsync(CancellationToken cancellationToken) => inner.PruneAsync(cancellationToken);
    }
}
