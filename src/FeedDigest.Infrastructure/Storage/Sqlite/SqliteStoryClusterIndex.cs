using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The story clusters in SQLite (tables from 0005_story_clusters.sql, 0007, 0010, 0012 and 0013), with the
/// index's working state kept in memory for the process: the band index (<see cref="BandIndex"/>,
/// built from the band keys each member keeps), the clusters read or written (version, size,
/// centroid), the document frequencies of the terms looked up, the story count and the next cluster
/// id. A batch assigns its stories against that state alone and writes its rows at its commit, in
/// one short transaction: the clusters it created or changed once each, its members, its merges,
/// the counts.
/// </summary>
/// <remarks>
/// <para>
/// Why: a batch used to hold the database's write lock from its first read to its commit, about
/// 100 ms for a page of 500 stories, and the feed store's writes (a poll's stories) queued behind it
/// all that while. Now the lock is held for the rows' writes alone, a few milliseconds a page.
/// </para>
/// <para>
/// Other writers (another process on the same file, or a node of a cluster of services on a shared
/// database): every write to the clustering tables adds one to <c>cluster_stats.version</c> in its
/// own transaction, and a batch commits only if the version is still the one its state was read at.
/// Otherwise nothing is written, the state is dropped and loaded again, and the batch's stories are
/// assigned again (<see cref="IStoryClusterBatch.CommitAsync"/> returns false). A process that
/// clusters alone, as the service does, never loses a batch.
/// </para>
/// <para>
/// An assignment's reads of the tables (document frequencies of terms not known yet, a cluster not
/// known yet, the band rows of an earlier time) go through this index's own connection, with its
/// statements prepared once (Dapper prepares a command per call, which cost more than the
/// statements' work) and its page cache warm. Calls take turns on it. The commit takes the
/// process's write turn from <see cref="SqliteConnectionFactory"/>.
/// </para>
/// </remarks>
internal sealed class SqliteStoryClusterIndex(SqliteConnectionFactory connections) : IStoryClusterIndex, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Stories' terms are added to document frequencies in batches of this many stories (and when
    /// the index closes). A batch's terms, a few thousand rare ones among them, are spread over most
    /// of cluster_terms' pages, so a flush costs about the same for 256 stories as for 4,096: at 256
    /// it was the largest cost of an assignment. A crash loses the counts of at most this many
    /// stories, which only makes their terms look a little rarer.
    /// </summary>
    internal const int TermFlushInterval = 4096;

    // Document frequencies kept in memory, at most this many terms (about 40 MB); then they start over.
    private const int MaxKnownFrequencies = 500_000;

    // With at most this many terms stored, all of them are read when the state loads: a term not
    // among them is then known to be new without a read (a first poll's stories are mostly such).
    private const int AllFrequenciesLimit = 250_000;

    // Clusters kept in memory, at most this many after a commit, about a kilobyte each (a centroid
    // of up to 64 terms); beyond it, the half the latest batches used stay. At 100,000 kept and
    // then all dropped at once, they were most of a first poll's memory: a 10,000-feed poll
    // (600,000 stories) peaked at 400-450 MB resident, against 185 MB with clustering off. Most
    // clusters hold one story (a story joins one only when it is more like it than like the
    // background): at 8,000 those read again cost a first poll about 3 µs a story, at 16,000 about 1.
    internal const int MaxKnownClusters = 16_000;

    private const string StatsSql = "SELECT version, documents FROM cluster_stats WHERE id = 1";

    private const string FrequenciesSql = "SELECT term, df FROM cluster_terms WHERE term IN (SELECT value FROM json_each(@terms))";

    private const string TermCountSql = "SELECT count(*) FROM cluster_terms";

    private const string AllFrequenciesSql = "SELECT term, df FROM cluster_terms";

    // Bound by position (SqliteRawStatement), once for each cluster not in memory: most reads are of
    // one or two, and a statement over a JSON array of their ids cost several times one lookup.
    private const string ClusterSql = "SELECT version, size, centroid, main_source, main_source_lead FROM clusters WHERE id = ?1 AND merged_into IS NULL";

    // A member names the cluster it joined; the one it is part of now is where that one merged into, if it did.
    private const string ExistingSql = "SELECT coalesce(c.merged_into, m.cluster_id) FROM cluster_members AS m JOIN clusters AS c ON c.id = m.cluster_id WHERE m.story_id = @storyId";

    private const string LastClusterSql = "SELECT COALESCE(max(id), 0) FROM clusters";

    // The first statement of every commit: it fails to match when another writer committed since the state was read.
    private const string AdvanceSql = "UPDATE cluster_stats SET version = version + 1, documents = documents + @documents WHERE id = 1 AND version = @version";

    // Any other write to the clustering tables (a prune, a feed renamed) moves the version on as well,
    // so an index holding the state from before reads it again.
    internal const string BumpSql = "UPDATE cluster_stats SET version = version + 1 WHERE id = 1";

    private const string SaveClusterSql = "UPDATE clusters SET version = @version, size = @size, centroid = @centroid, main_source = @mainSource, main_source_lead = @mainSourceLead WHERE id = @clusterId";

    private const string AbsorbSql =
        """
        UPDATE clusters SET merged_into = @clusterId, version = version + 1, centroid = x'' WHERE id = @absorbed;
        UPDATE clusters SET merged_into = @clusterId WHERE merged_into = @absorbed;
        """;

    // Bound by position (SqliteRawStatement): run once per cluster and per story of a commit.
    private const string CreateSql = "INSERT INTO clusters (id, version, size, centroid, main_source, main_source_lead) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

    private const string RecordSql = "INSERT INTO cluster_members (story_id, cluster_id, at, bands) VALUES (?1, ?2, ?3, ?4)";

    private const string FlushTermsSql =
        """
        INSERT INTO cluster_terms (term, df)
            SELECT value ->> 0, value ->> 1 FROM json_each(@counts) WHERE true
            ON CONFLICT (term) DO UPDATE SET df = df + excluded.df
        """;

    // The newest day's members hold the newest time (see 0013_cluster_member_days.sql).
    private const string NewestSql =
        """
        SELECT max(at) FROM cluster_members
        WHERE story_id BETWEEN (SELECT first_story FROM cluster_member_days WHERE day > -9223372036854775808 ORDER BY day DESC LIMIT 1)
                           AND (SELECT last_story FROM cluster_member_days WHERE day > -9223372036854775808 ORDER BY day DESC LIMIT 1)
        """;

    private const string LastStorySql = "SELECT COALESCE(max(story_id), 0) FROM cluster_members";

    // Undated members, then those dated in [@from, @to) (days @fromDay to @toDay), each a range of story ids (0013_cluster_member_days.sql).
    private const string MembersSql =
        """
        SELECT at, story_id, cluster_id, bands FROM cluster_members
        WHERE @undated
          AND story_id BETWEEN (SELECT first_story FROM cluster_member_days WHERE day = -9223372036854775808)
                           AND (SELECT last_story FROM cluster_member_days WHERE day = -9223372036854775808)
          AND at IS NULL AND bands IS NOT NULL
        UNION ALL
        SELECT at, story_id, cluster_id, bands FROM cluster_members
        WHERE story_id BETWEEN (SELECT min(first_story) FROM cluster_member_days WHERE day BETWEEN @fromDay AND @toDay)
                           AND (SELECT max(last_story) FROM cluster_member_days WHERE day BETWEEN @fromDay AND @toDay)
          AND at >= @from AND at < @to AND bands IS NOT NULL
        """;

    private const string MergedSql = "SELECT id, merged_into FROM clusters WHERE merged_into IS NOT NULL";

    private readonly SemaphoreSlim turn = new(1, 1);

    // Terms of stories committed but not yet added to cluster_terms, and how many stories they are.
    // Reads add them to what is stored.
    private readonly Dictionary<long, long> pendingTerms = [];
    private int pendingStories;
    private Session? session;

    // The state in memory, in step with the tables at cluster_stats.version = stateVersion. The band
    // index is null until first needed, and again after anything that may have left the state out
    // of step with the tables (a batch not committed, a prune, another writer); the next read
    // loads it afresh, and the rest of the state with it.
    private BandIndex? bandIndex;
    private long stateVersion;

    // The document frequency of each term looked up (0 for a term not stored): the stored count plus
    // the pending one, kept in step with this index's commits. When allFrequencies is set it holds
    // every term stored or pending.
    private readonly Dictionary<long, long> knownFrequencies = [];
    private bool allFrequencies;

    // The live clusters read or written, as the tables have them once the open batch (if any) commits.
    private readonly Dictionary<long, KnownCluster> knownClusters = [];

    // Counts the batches begun: a known cluster is stamped with the one that last used it.
    private long batchNumber;

    // The highest cluster id in use: a new cluster takes the next (a batch writes its clusters at its commit).
    private long lastClusterId;

    // The highest story id recorded: a story above it, and not in the batch being written, cannot be
    // recorded yet, so the check for one needs no read (a batch's stories have higher ids than those
    // recorded before it, in whatever order it adds them: the catch-up's in order of publication).
    private long lastRecordedStoryId;
    private bool disposed;

    public async Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var s = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            return await s.RunAsync(
                async () =>
                {
                    var (version, documents) = await ReadStatsAsync(s, cancellationToken).ConfigureAwait(false);
                    var bands = await GetStateAsync(s, version, cancellationToken).ConfigureAwait(false);
                    return await FindAsync(s, bands, documents, null, query, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    public async Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var batch = await BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        var result = await batch.AddAsync(entry, cancellationToken).ConfigureAwait(false);
        if (!await batch.CommitAsync(cancellationToken).ConfigureAwait(false))
        {
            // Another writer came first: the caller reads again, as after a cluster's conflict.
            return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
        }

        return result;
    }

    public async Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var s = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            return await s.RunAsync<IStoryClusterBatch>(
                async () =>
                {
                    var (version, documents) = await ReadStatsAsync(s, cancellationToken).ConfigureAwait(false);
                    var bands = await GetStateAsync(s, version, cancellationToken).ConfigureAwait(false);
                    batchNumber++;
                    return new Batch(this, s, version, documents, bands);
                }).ConfigureAwait(false);
        }
        catch
        {
            turn.Release();
            throw;
        }
    }

    public async Task<long> GetLastClusteredStoryIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(story_id), 0) FROM cluster_members", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<long, long>> GetClustersAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storyIds);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            SELECT m.story_id AS StoryId, coalesce(c.merged_into, m.cluster_id) AS ClusterId
            FROM cluster_members AS m JOIN clusters AS c ON c.id = m.cluster_id
            WHERE m.story_id IN (SELECT value FROM json_each(@ids))
            """,
            new { ids = SqliteJson.Array(storyIds) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.StoryId, r => r.ClusterId);
    }

    public async Task<IReadOnlyDictionary<long, long>> GetClusterStoriesAsync(IReadOnlyCollection<ClusterSpan> spans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return new Dictionary<long, long>();
        }

        // Each span's cluster as it is now (the caller read it before a merge may have moved it into
        // another), all of whose members are read, by the index on members' cluster (0020): those
        // that joined it and those of the clusters merged into it (members keep the cluster they
        // joined; merged_into is one hop). Each is named by the cluster the caller asked for.
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            WITH spans (asked, live, dated_from, dated_before) AS (
                SELECT j.value ->> 0, coalesce(c.merged_into, c.id), j.value ->> 1, j.value ->> 2
                FROM json_each(@spans) AS j JOIN clusters AS c ON c.id = j.value ->> 0),
            wanted (cluster_id, asked, dated_from, dated_before) AS (
                SELECT live, asked, dated_from, dated_before FROM spans
                UNION ALL
                SELECT c.id, s.asked, s.dated_from, s.dated_before FROM spans AS s JOIN clusters AS c ON c.merged_into = s.live)
            SELECT m.story_id AS StoryId, w.asked AS ClusterId
            FROM wanted AS w JOIN cluster_members AS m ON m.cluster_id = w.cluster_id
            WHERE m.at >= w.dated_from AND m.at < w.dated_before
            """,
            new { spans = SpansJson(spans) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // Two clusters asked for that a merge has joined name the same members: the first one asked keeps them.
        var found = new Dictionary<long, long>();
        foreach (var row in rows)
        {
            found.TryAdd(row.StoryId, row.ClusterId);
        }

        return found;
    }

    public async Task<ClusterPruneReport> PruneAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var s = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            using var writeTurn = await connections.WaitForWriteTurnAsync(cancellationToken).ConfigureAwait(false);
            return await s.RunAsync(async () =>
            {
                await using var transaction = (SqliteTransaction)await s.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    s.Enlist(transaction);
                    // Pending terms first: the state in memory is dropped below, and read again from the table.
                    if (pendingTerms.Count > 0)
                    {
                        await FlushTermsAsync(s, pendingTerms, cancellationToken).ConfigureAwait(false);
                        await s.Bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var report = await SqliteClusterPruning.PruneAsync(s.Connection, transaction, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    pendingTerms.Clear();
                    pendingStories = 0;
                    return report;
                }
                finally
                {
                    s.Enlist(null);
                    Forget();
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Writes the pending document frequencies and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        await turn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            if (pendingTerms.Count > 0)
            {
                var s = await GetSessionAsync(CancellationToken.None).ConfigureAwait(false);
                using var writeTurn = await connections.WaitForWriteTurnAsync(CancellationToken.None).ConfigureAwait(false);
                await s.RunAsync(async () =>
                {
                    await using var transaction = (SqliteTransaction)await s.Connection.BeginTransactionAsync().ConfigureAwait(false);
                    try
                    {
                        s.Enlist(transaction);
                        await FlushTermsAsync(s, pendingTerms, CancellationToken.None).ConfigureAwait(false);
                        await s.Bump.ExecuteNonQueryAsync().ConfigureAwait(false);
                        await transaction.CommitAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        s.Enlist(null);
                    }

                    return true;
                }).ConfigureAwait(false);
                pendingTerms.Clear();
                pendingStories = 0;
            }

            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
                session = null;
            }
        }
        finally
        {
            disposed = true;
            turn.Release();
        }
    }

    // A container disposed synchronously calls this; Microsoft.Data.Sqlite does its I/O synchronously anyway.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>[[cluster, from, before], …] in unix seconds, as cluster_members.at keeps times.</summary>
    private static string SpansJson(IReadOnlyCollection<ClusterSpan> spans)
    {
        var builder = new StringBuilder((spans.Count * 40) + 2).Append('[');
        foreach (var span in spans)
        {
            builder.Append(builder.Length > 1 ? ",[" : "[")
                .Append(span.ClusterId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(span.DatedFrom.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(span.DatedBefore.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        return builder.Append(']').ToString();
    }

    private static async Task<(long Version, long Documents)> ReadStatsAsync(Session s, CancellationToken cancellationToken)
    {
        await using var reader = await s.Stats.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Drops the state in memory: the next read loads it from the tables.</summary>
    private void Forget()
    {
        bandIndex = null;
        knownFrequencies.Clear();
        allFrequencies = false;
        knownClusters.Clear();
    }

    /// <summary>
    /// The state in memory (its band index returned), loaded when missing or when the tables moved
    /// on without this index (another writer: the version differs from the one the state is in step
    /// with). The band index holds the undated stories and those dated within
    /// <see cref="BandIndex.InitialSpanSeconds"/> of the newest at first.
    /// </summary>
    private async Task<BandIndex> GetStateAsync(Session s, long version, CancellationToken cancellationToken)
    {
        if (bandIndex is not null && stateVersion == version)
        {
            return bandIndex;
        }

        Forget();
        var newest = await s.Newest.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long at ? at : long.MinValue;
        var horizon = newest == long.MinValue ? long.MinValue : newest - BandIndex.InitialSpanSeconds;
        var mergedInto = new Dictionary<long, long>();
        await using (var reader = await s.Merged.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                mergedInto[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        lastRecordedStoryId = (long)(await s.LastStory.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        lastClusterId = (long)(await s.LastCluster.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if ((long)(await s.TermCount.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! <= AllFrequenciesLimit)
        {
            await using var reader = await s.AllFrequencies.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                knownFrequencies[reader.GetInt64(0)] = reader.GetInt64(1);
            }

            foreach (var (term, count) in pendingTerms)
            {
                knownFrequencies[term] = knownFrequencies.GetValueOrDefault(term) + count;
            }

            allFrequencies = true;
        }

        var loaded = new BandIndex(horizon, newest, mergedInto);
        await LoadMembersAsync(s, loaded, undated: true, horizon, long.MaxValue, cancellationToken).ConfigureAwait(false);
        bandIndex = loaded;
        stateVersion = version;
        return loaded;
    }

    /// <summary>Adds the members dated in [<paramref name="from"/>, <paramref name="to"/>) (and the undated ones if asked) to the band index.</summary>
    private static async Task LoadMembersAsync(Session s, BandIndex bands, bool undated, long from, long to, CancellationToken cancellationToken)
    {
        var parameters = s.Members.Parameters;
        parameters["@undated"].Value = undated;
        parameters["@from"].Value = from;
        parameters["@to"].Value = to;
        parameters["@fromDay"].Value = ClusterMemberDays.Of(from);
        parameters["@toDay"].Value = ClusterMemberDays.Of(to);
        await using var reader = await s.Members.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long? at = reader.IsDBNull(0) ? null : reader.GetInt64(0);
            bands.Add(BandKeysBlob.Decode((byte[])reader.GetValue(3)), at, reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    private async Task<ClusterCandidates> FindAsync(
        Session s, BandIndex bands, long documents, Batch? batch, ClusterQuery query, CancellationToken cancellationToken)
    {
        if (!allFrequencies)
        {
            await ReadFrequenciesAsync(s, query.Terms, batch?.Terms, cancellationToken).ConfigureAwait(false);
        }

        var terms = AsSpan(query.Terms);
        var frequencies = new long[terms.Length];
        for (var i = 0; i < frequencies.Length; i++)
        {
            frequencies[i] = knownFrequencies.GetValueOrDefault(terms[i]);
        }

        if (query.BandKeys.Count == 0)
        {
            return new ClusterCandidates(documents, frequencies, []);
        }

        // Without a window every dated story counts (undated ones count for every read).
        var windowed = query.WindowStart is not null && query.WindowEnd is not null;
        var from = windowed ? query.WindowStart!.Value.ToUnixTimeSeconds() : long.MinValue;
        var to = windowed ? query.WindowEnd!.Value.ToUnixTimeSeconds() : long.MaxValue;
        if (bands.NeedsFrom(from) is { } missingFrom)
        {
            // A story dated before the rows in memory (a feed's late item): the members of its
            // window are loaded once, by the days they are dated, and stay until evicted. The
            // open batch's own stories of that time are not in the table yet: they are added too.
            var loadedFrom = bands.Horizon;
            bands.Extended(missingFrom);
            try
            {
                await LoadMembersAsync(s, bands, undated: false, missingFrom, loadedFrom, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Forget();
                throw;
            }

            batch?.AddMembersDated(missingFrom, loadedFrom);
        }

        // The story's time is the window's middle (the window is its time less and plus the same span).
        var ranked = bands.Rank(query.BandKeys, from, to, windowed ? from + ((to - from) / 2) : null, query.CandidatesPerBand, query.MaxClusters);
        if (ranked.Count == 0)
        {
            return new ClusterCandidates(documents, frequencies, []);
        }

        if (AnyUnknown(bands, ranked))
        {
            ReadClusters(s, bands, ranked.Select(r => r.ClusterId));
        }

        var clusters = new List<CandidateCluster>(ranked.Count);
        foreach (var (clusterId, shared) in ranked)
        {
            if (knownClusters.TryGetValue(clusterId, out var cluster))
            {
                cluster.LastUsed = batchNumber;
                clusters.Add(new CandidateCluster(clusterId, cluster.Version, shared, cluster.Centroid, cluster.Size, cluster.MainSource));
            }
        }

        return new ClusterCandidates(documents, frequencies, clusters);
    }

    /// <summary>
    /// Drops the known clusters but the <paramref name="keep"/> most recently used (among those a
    /// batch last used, the older ids go first). A cluster dropped is read again when a story finds
    /// it: the clusters a first poll creates are mostly single stories no later one joins.
    /// </summary>
    private void KeepRecentlyUsedClusters(int keep)
    {
        var byUse = knownClusters.Select(known => (known.Value.LastUsed, Id: known.Key)).ToArray();
        Array.Sort(byUse);
        foreach (var (_, id) in byUse.AsSpan(0, byUse.Length - keep))
        {
            knownClusters.Remove(id);
        }
    }

    /// <summary>Whether every one of the clusters <paramref name="merges"/> names is in memory.</summary>
    private bool AllKnown(IReadOnlyList<ClusterMerge> merges)
    {
        foreach (var merge in merges)
        {
            if (!knownClusters.ContainsKey(merge.ClusterId))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A story's terms as a span: they are an array, and walking them through the list interface cost an enumerator a story.</summary>
    private static ReadOnlySpan<long> AsSpan(IReadOnlyList<long> terms) => terms as long[] ?? [.. terms];

    /// <summary>Whether a live cluster among <paramref name="ranked"/> is not in memory yet (most stories find them all there).</summary>
    private bool AnyUnknown(BandIndex bands, List<(long ClusterId, int Shared)> ranked)
    {
        foreach (var (clusterId, _) in ranked)
        {
            if (IsUnknownLive(bands, clusterId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="clusterId"/> is live (not merged away) and not in memory yet: one to read.</summary>
    private bool IsUnknownLive(BandIndex bands, long clusterId) => !knownClusters.ContainsKey(clusterId) && bands.Live(clusterId) == clusterId;

    /// <summary>
    /// Reads the live clusters among <paramref name="ids"/> that are not known yet into
    /// <see cref="knownClusters"/>. A cluster merged away (in the tables, or by the open batch and
    /// not written yet) is not read.
    /// </summary>
    private void ReadClusters(Session s, BandIndex bands, IEnumerable<long> ids)
    {
        foreach (var id in ids)
        {
            if (!IsUnknownLive(bands, id))
            {
                continue;
            }

            s.Cluster.Bind(1, id);
            try
            {
                if (s.Cluster.Read())
                {
                    var mainSource = new MainSource(s.Cluster.IsNull(3) ? null : s.Cluster.Int64(3), s.Cluster.Int64(4));
                    knownClusters[id] = new KnownCluster(s.Cluster.Int64(0), s.Cluster.Int64(1), CentroidBlob.Decode(s.Cluster.Blob(2)), mainSource) { LastUsed = batchNumber };
                }
            }
            finally
            {
                s.Cluster.Reset();
            }
        }
    }

    /// <summary>
    /// Reads the document frequencies of the terms not known yet, in one statement: stored, plus
    /// pending, plus the open batch's own (<paramref name="batchTerms"/>), as the known ones count them.
    /// </summary>
    private async Task ReadFrequenciesAsync(Session s, IReadOnlyList<long> terms, Dictionary<long, long>? batchTerms, CancellationToken cancellationToken)
    {
        var unknown = terms.Where(term => !knownFrequencies.ContainsKey(term)).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        if (knownFrequencies.Count + unknown.Count > MaxKnownFrequencies)
        {
            knownFrequencies.Clear();
            unknown = [.. terms];
        }

        foreach (var term in unknown)
        {
            knownFrequencies[term] = pendingTerms.GetValueOrDefault(term) + (batchTerms?.GetValueOrDefault(term) ?? 0);
        }

        s.Frequencies.Parameters["@terms"].Value = SqliteJson.Array(unknown);
        await using var reader = await s.Frequencies.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            knownFrequencies[reader.GetInt64(0)] += reader.GetInt64(1);
        }
    }

    /// <summary>
    /// Counts a story of the open batch into the known frequencies: every term when all are known,
    /// else those known (a term read later gets the batch's count with what is read). A batch not
    /// committed drops the state, these counts with it.
    /// </summary>
    private void CountInOpenBatch(ReadOnlySpan<long> terms)
    {
        foreach (var term in terms)
        {
            ref var known = ref CollectionsMarshal.GetValueRefOrNullRef(knownFrequencies, term);
            if (!Unsafe.IsNullRef(ref known))
            {
                known++;
            }
            else if (allFrequencies)
            {
                knownFrequencies[term] = 1;
            }
        }
    }

    private static async Task FlushTermsAsync(Session s, Dictionary<long, long> counts, CancellationToken cancellationToken)
    {
        var json = new StringBuilder((counts.Count * 28) + 2).Append('[');
        foreach (var (term, count) in counts)
        {
            json.Append(json.Length > 1 ? ",[" : "[").Append(term.ToString(CultureInfo.InvariantCulture)).Append(',').Append(count.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        s.FlushTerms.Parameters["@counts"].Value = json.Append(']').ToString();
        await s.FlushTerms.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<IDisposable> WaitForWriteTurnAsync(CancellationToken cancellationToken) => connections.WaitForWriteTurnAsync(cancellationToken);

    private async Task<Session> GetSessionAsync(CancellationToken cancellationToken)
    {
        if (session is { Broken: true })
        {
            await session.DisposeAsync().ConfigureAwait(false);
            session = null;
            Forget();
        }

        return session ??= await Session.OpenAsync(connections, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Many stories' assignments, made against the state in memory and written at the commit in
    /// one transaction. Holds the index's turn until disposed. Not committed, the state in memory
    /// (which holds the batch's stories) is dropped and loaded again.
    /// </summary>
    private sealed class Batch(SqliteStoryClusterIndex index, Session s, long version, long documents, BandIndex bands) : IStoryClusterBatch
    {
        private readonly List<PendingMember> members = [];
        private readonly Dictionary<long, long> memberClusters = [];
        private readonly List<long> created = [];
        private readonly HashSet<long> changed = [];
        private readonly List<(long Absorbed, long ClusterId)> absorbed = [];

        // Clusters above this id were created by this batch (ids are handed out in order).
        private readonly long lastClusterIdBefore = index.lastClusterId;

        // Compared with the recorded before the batch, not the highest added in it: a batch that adds
        // story 9 before story 5 would read the database for 5 (and for every such story of a page).
        private readonly long lastRecordedStoryIdBefore = index.lastRecordedStoryId;
        private bool committed;
        private bool closed;

        /// <summary>The batch's stories' terms, counted.</summary>
        public Dictionary<long, long> Terms { get; } = [];

        public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(query);
            ObjectDisposedException.ThrowIf(closed || committed, this);
            return s.RunAsync(() => index.FindAsync(s, bands, documents + members.Count, this, query, cancellationToken));
        }

        /// <summary>
        /// One story's assignment, in memory; on a conflict nothing of it is kept. The clusters it
        /// joins or merges are checked against the versions the story was assigned with, all before
        /// anything changes.
        /// </summary>
        public async Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(entry);
            ObjectDisposedException.ThrowIf(closed || committed, this);
            // A story above the last id recorded before this batch, and not added in it, cannot be recorded yet: no read.
            var mayBeRecorded = memberClusters.ContainsKey(entry.StoryId) || entry.StoryId <= lastRecordedStoryIdBefore;
            if (mayBeRecorded && await s.RunAsync(() => FindRecordedAsync(entry.StoryId, cancellationToken)).ConfigureAwait(false) is { } recorded)
            {
                return new ClusterIndexResult(ClusterIndexOutcome.AlreadyIndexed, bands.Live(recorded));
            }

            long clusterId;
            if (entry.ClusterId is { } joined)
            {
                // The clusters were read for the story's candidates, so they are in memory, unless the caller did not ask.
                if (!index.knownClusters.ContainsKey(joined) || !index.AllKnown(entry.Merges))
                {
                    var ids = entry.Merges.Select(merge => merge.ClusterId).Append(joined);
                    await s.RunAsync(() =>
                    {
                        index.ReadClusters(s, bands, ids);
                        return Task.FromResult(true);
                    }).ConfigureAwait(false);
                }

                if (!index.knownClusters.TryGetValue(joined, out var target) || target.Version != entry.ExpectedVersion)
                {
                    return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
                }

                var size = target.Size + 1;
                foreach (var merge in entry.Merges)
                {
                    if (merge.ClusterId == joined || !index.knownClusters.TryGetValue(merge.ClusterId, out var other) || other.Version != merge.ExpectedVersion)
                    {
                        return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
                    }

                    size += other.Size;
                }

                foreach (var merge in entry.Merges)
                {
                    index.knownClusters.Remove(merge.ClusterId);
                    changed.Remove(merge.ClusterId);
                    absorbed.Add((merge.ClusterId, joined));
                    bands.Merged(merge.ClusterId, joined);
                }

                index.knownClusters[joined] = new KnownCluster(target.Version + 1, size, entry.Centroid, entry.MainSource) { LastUsed = index.batchNumber };
                changed.Add(joined);
                clusterId = joined;
            }
            else
            {
                clusterId = ++index.lastClusterId;
                index.knownClusters[clusterId] = new KnownCluster(1, 1, entry.Centroid, entry.MainSource) { LastUsed = index.batchNumber };
                created.Add(clusterId);
            }

            var at = entry.Time?.ToUnixTimeSeconds();
            members.Add(new PendingMember(entry.StoryId, clusterId, at, entry.BandKeys));
            memberClusters[entry.StoryId] = clusterId;
            index.lastRecordedStoryId = Math.Max(index.lastRecordedStoryId, entry.StoryId);
            var terms = AsSpan(entry.Terms);
            foreach (var term in terms)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(Terms, term, out _)++;
            }

            index.CountInOpenBatch(terms);

            bands.Add(entry.BandKeys, at, entry.StoryId, clusterId);
            return new ClusterIndexResult(ClusterIndexOutcome.Added, clusterId);
        }

        /// <summary>Adds the batch's stories dated in [<paramref name="from"/>, <paramref name="to"/>) to the band index, which has just been extended back to <paramref name="from"/>.</summary>
        public void AddMembersDated(long from, long to)
        {
            foreach (var member in members)
            {
                if (member.At is { } at && at >= from && at < to)
                {
                    bands.Add(member.BandKeys, at, member.StoryId, memberClusters[member.StoryId]);
                }
            }
        }

        public async Task<bool> CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(closed || committed, this);
            if (members.Count == 0)
            {
                committed = true;
                return true;
            }

            var flush = index.pendingStories + members.Count >= TermFlushInterval;
            Dictionary<long, long>? flushed = null;
            if (flush)
            {
                flushed = new Dictionary<long, long>(index.pendingTerms);
                foreach (var (term, count) in Terms)
                {
                    flushed[term] = flushed.GetValueOrDefault(term) + count;
                }
            }

            // On the thread pool, at normal priority: a batch may be assigned on a low-priority thread
            // (LowPriorityThread), and the poll's writers must never queue for the write turn behind
            // a thread the scheduler seldom runs.
            committed = await Task.Run(
                async () =>
                {
                    using (await index.WaitForWriteTurnAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return await s.RunAsync(() => WriteAsync(flushed, cancellationToken)).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);

            if (!committed)
            {
                return false;
            }

            index.stateVersion = version + 1;
            if (index.knownClusters.Count > MaxKnownClusters)
            {
                index.KeepRecentlyUsedClusters(MaxKnownClusters / 2);
            }

            if (index.allFrequencies && index.knownFrequencies.Count > MaxKnownFrequencies)
            {
                index.knownFrequencies.Clear();
                index.allFrequencies = false;
            }

            if (flushed is not null)
            {
                index.pendingTerms.Clear();
                index.pendingStories = 0;
            }
            else
            {
                foreach (var (term, count) in Terms)
                {
                    index.pendingTerms[term] = index.pendingTerms.GetValueOrDefault(term) + count;
                }

                index.pendingStories += members.Count;
            }

            return true;
        }

        /// <summary>Gives the turn back; not committed, the state in memory is dropped.</summary>
        public ValueTask DisposeAsync()
        {
            if (closed)
            {
                return ValueTask.CompletedTask;
            }

            closed = true;
            if (!committed)
            {
                index.Forget();
            }

            index.turn.Release();
            return ValueTask.CompletedTask;
        }

        /// <summary>The cluster a story was recorded in (by this batch or before it), null when it was not.</summary>
        private async Task<long?> FindRecordedAsync(long storyId, CancellationToken cancellationToken)
        {
            if (memberClusters.TryGetValue(storyId, out var inBatch))
            {
                return inBatch;
            }

            s.Existing.Parameters["@storyId"].Value = storyId;
            return await s.Existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
        }

        /// <summary>
        /// The batch's rows, in one transaction: nothing when another writer committed since the
        /// batch's state was read. New clusters go first (members name them), then the members,
        /// then the merges in the order they happened (each marks the clusters it absorbed; members
        /// keep the cluster they joined), then the clusters that existed before and changed, each once.
        /// </summary>
        private async Task<bool> WriteAsync(Dictionary<long, long>? flushed, CancellationToken cancellationToken)
        {
            await using var transaction = (SqliteTransaction)await s.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                s.Enlist(transaction);
                s.Advance.Parameters["@version"].Value = version;
                s.Advance.Parameters["@documents"].Value = members.Count;
                if (await s.Advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                }

                // Each row's centroid, and each member's band keys, are encoded into one buffer, bound
                // (SQLite copies them) and overwritten by the next row's: most clusters a first poll
                // creates hold one story, and a new array each was a twentieth of what it allocated.
                var buffer = new byte[1024];
                Span<byte> Room(int size) => size <= buffer.Length ? buffer : buffer = new byte[size];

                foreach (var clusterId in created)
                {
                    // A cluster merged away in the batch that created it is written as created: the merge marks it.
                    var cluster = index.knownClusters.GetValueOrDefault(clusterId) ?? new KnownCluster(1, 1, ClusterCentroid.Empty, default);
                    s.Create.Bind(1, clusterId);
                    s.Create.Bind(2, cluster.Version);
                    s.Create.Bind(3, cluster.Size);
                    s.Create.Bind(4, CentroidBlob.Encode(cluster.Centroid, Room(CentroidBlob.SizeOf(cluster.Centroid))));
                    s.Create.Bind(5, cluster.MainSource.Key);
                    s.Create.Bind(6, cluster.MainSource.Lead);
                    s.Create.Insert();
                }

                foreach (var member in members)
                {
                    s.Record.Bind(1, member.StoryId);
                    s.Record.Bind(2, member.ClusterId);
                    s.Record.Bind(3, member.At);
                    s.Record.Bind(4, BandKeysBlob.Encode(member.BandKeys, Room(member.BandKeys.Count * sizeof(long))));
                    s.Record.Insert();
                }

                // Each day's lowest and highest story id among the batch's members, for loads by time.
                var days = new Dictionary<long, (long First, long Last)>();
                foreach (var member in members)
                {
                    var day = member.At is { } at ? ClusterMemberDays.Of(at) : ClusterMemberDays.Undated;
                    days[day] = days.TryGetValue(day, out var span) ? (Math.Min(span.First, member.StoryId), Math.Max(span.Last, member.StoryId)) : (member.StoryId, member.StoryId);
                }

                foreach (var (day, (first, last)) in days)
                {
                    s.RecordDay.Bind(1, day);
                    s.RecordDay.Bind(2, first);
                    s.RecordDay.Bind(3, last);
                    s.RecordDay.Execute();
                }

                foreach (var (absorbedId, clusterId) in absorbed)
                {
                    s.Absorb.Parameters["@clusterId"].Value = clusterId;
                    s.Absorb.Parameters["@absorbed"].Value = absorbedId;
                    await s.Absorb.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var parameters = s.SaveCluster.Parameters;
                foreach (var clusterId in changed)
                {
                    if (clusterId > lastClusterIdBefore)
                    {
                        continue;
                    }

                    var cluster = index.knownClusters[clusterId];
                    parameters["@clusterId"].Value = clusterId;
                    parameters["@version"].Value = cluster.Version;
                    parameters["@size"].Value = cluster.Size;
                    parameters["@centroid"].Value = CentroidBlob.Encode(cluster.Centroid);
                    parameters["@mainSource"].Value = cluster.MainSource.Key is { } mainSource ? mainSource : DBNull.Value;
                    parameters["@mainSourceLead"].Value = cluster.MainSource.Lead;
                    await s.SaveCluster.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (flushed is not null)
                {
                    await FlushTermsAsync(s, flushed, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            finally
            {
                s.Enlist(null);
            }
        }
    }

    /// <summary>A story recorded by an open batch, to be written at its commit.</summary>
    private sealed record PendingMember(long StoryId, long ClusterId, long? At, IReadOnlyList<long> BandKeys);

    /// <summary>A live cluster as <see cref="knownClusters"/> keeps it, with the number of the batch that last used it.</summary>
    private sealed record KnownCluster(long Version, long Size, ClusterCentroid Centroid, MainSource MainSource)
    {
        public long LastUsed { get; set; }
    }

    private sealed class MemberRow
    {
        public long StoryId { get; set; }

        public long ClusterId { get; set; }
    }

    /// <summary>The index's own connection and its prepared statements.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private Session(SqliteConnection connection) => Connection = connection;

        public SqliteConnection Connection { get; }

        public SqliteCommand Stats { get; private set; } = null!;

        public SqliteCommand Frequencies { get; private set; } = null!;

        public SqliteCommand TermCount { get; private set; } = null!;

        public SqliteCommand AllFrequencies { get; private set; } = null!;

        public SqliteCommand FlushTerms { get; private set; } = null!;

        public SqliteCommand Existing { get; private set; } = null!;

        public SqliteCommand LastCluster { get; private set; } = null!;

        public SqliteCommand Advance { get; private set; } = null!;

        public SqliteCommand Bump { get; private set; } = null!;

        public SqliteCommand SaveCluster { get; private set; } = null!;

        public SqliteRawStatement Create { get; private set; } = null!;

        public SqliteCommand Absorb { get; private set; } = null!;

        public SqliteRawStatement Record { get; private set; } = null!;

        public SqliteRawStatement RecordDay { get; private set; } = null!;

        public SqliteRawStatement Cluster { get; private set; } = null!;

        public SqliteCommand Newest { get; private set; } = null!;

        public SqliteCommand LastStory { get; private set; } = null!;

        public SqliteCommand Members { get; private set; } = null!;

        public SqliteCommand Merged { get; private set; } = null!;

        private IEnumerable<SqliteCommand> Commands =>
            [Stats, Frequencies, TermCount, AllFrequencies, Existing, LastCluster, Advance, Bump, SaveCluster, Absorb, FlushTerms, Newest, LastStory, Members, Merged];

        public bool Broken { get; private set; }

        public static async Task<Session> OpenAsync(SqliteConnectionFactory connections, CancellationToken cancellationToken)
        {
            var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var session = new Session(connection);
            try
            {
                await using (var pragma = connection.CreateCommand())
                {
                    // The clusters' and terms' upper levels and recent leaves stay in this connection's
                    // 16 MiB cache. A memory map of the file (and a 64 MiB cache) saved about 1 µs a
                    // story, but every page read through the map stayed in the process's resident
                    // memory: 45 MB more at the peak of a 10,000-feed first poll.
                    // The log is checkpointed at SQLite's 1,000 pages: a story now dirties a few pages,
                    // mostly appended ones, so a checkpoint comes every few hundred stories and is short.
                    pragma.CommandText = "PRAGMA cache_size = -16384;";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                session.Stats = session.Prepare(StatsSql);
                session.Frequencies = session.Prepare(FrequenciesSql, ("@terms", SqliteType.Text));
                session.TermCount = session.Prepare(TermCountSql);
                session.AllFrequencies = session.Prepare(AllFrequenciesSql);
                session.FlushTerms = session.Prepare(FlushTermsSql, ("@counts", SqliteType.Text));
                session.Existing = session.Prepare(ExistingSql, ("@storyId", SqliteType.Integer));
                session.LastCluster = session.Prepare(LastClusterSql);
                session.Advance = session.Prepare(AdvanceSql, ("@documents", SqliteType.Integer), ("@version", SqliteType.Integer));
                session.Bump = session.Prepare(BumpSql);
                session.SaveCluster = session.Prepare(SaveClusterSql, ("@version", SqliteType.Integer), ("@size", SqliteType.Integer), ("@centroid", SqliteType.Blob), ("@mainSource", SqliteType.Integer), ("@mainSourceLead", SqliteType.Integer), ("@clusterId", SqliteType.Integer));
                session.Create = new SqliteRawStatement(connection, CreateSql);
                session.Absorb = session.Prepare(AbsorbSql, ("@clusterId", SqliteType.Integer), ("@absorbed", SqliteType.Integer));
                session.Record = new SqliteRawStatement(connection, RecordSql);
                session.RecordDay = new SqliteRawStatement(connection, ClusterMemberDays.RecordSql);
                session.Cluster = new SqliteRawStatement(connection, ClusterSql);
                session.Newest = session.Prepare(NewestSql);
                session.LastStory = session.Prepare(LastStorySql);
                session.Members = session.Prepare(MembersSql, ("@undated", SqliteType.Integer), ("@from", SqliteType.Integer), ("@to", SqliteType.Integer), ("@fromDay", SqliteType.Integer), ("@toDay", SqliteType.Integer));
                session.Merged = session.Prepare(MergedSql);
                return session;
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Sets (or clears) the transaction every statement runs in.</summary>
        public void Enlist(SqliteTransaction? transaction)
        {
            foreach (var command in Commands)
            {
                command.Transaction = transaction;
            }
        }

        /// <summary>Runs an operation; a failure other than cancellation leaves the session to be opened again.</summary>
        public async Task<T> RunAsync<T>(Func<Task<T>> operation)
        {
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Broken = true;
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in Commands.Where(c => c is not null))
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            // Native statements are finalized before their connection closes.
            Create?.Dispose();
            Record?.Dispose();
            RecordDay?.Dispose();
            Cluster?.Dispose();
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(name, type);
            }

            command.Prepare();
            return command;
        }
    }
}
