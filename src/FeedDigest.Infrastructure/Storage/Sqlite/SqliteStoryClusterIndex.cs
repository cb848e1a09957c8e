using System.Globalization;
using System.Text;
using Dapper;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The story clusters in SQLite (tables from 0005_story_clusters.sql and 0007). Candidates come
/// from the band index in memory (<see cref="BandIndex"/>), built from the band keys each member
/// keeps: an assignment reads the rows of its own band keys and no others, however many stories
/// are stored, and then its candidate clusters by id.
/// </summary>
/// <remarks>
/// An assignment is a read and a write of a few statements each, for every new story, so this
/// index keeps one connection of its own with those statements prepared once (Dapper prepares a
/// command per call, which cost more than the statements' work) and its page cache warm (a
/// connection's cache is dropped whenever another connection has written). Calls take turns on it.
/// Writes still take the process's write turn from <see cref="SqliteConnectionFactory"/>. The
/// document frequencies of terms looked up are kept too: a story's common terms were most of a
/// read's remaining cost.
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

    // Clusters kept in memory, at most this many after a commit (a few hundred bytes each); then they start over.
    private const int MaxKnownClusters = 100_000;

    private const string StatsSql = "SELECT documents FROM cluster_stats WHERE id = 1";

    private const string FrequenciesSql = "SELECT term, df FROM cluster_terms WHERE term IN (SELECT value FROM json_each(@terms))";

    private const string ClustersSql = "SELECT id, version, size, centroid FROM clusters WHERE id IN (SELECT value FROM json_each(@ids)) AND merged_into IS NULL";

    private const string ExistingSql = "SELECT cluster_id FROM cluster_members WHERE story_id = @storyId";

    private const string SaveClusterSql = "UPDATE clusters SET version = @version, size = @size, centroid = @centroid WHERE id = @clusterId";

    private const string AbsorbSql =
        """
        UPDATE clusters SET merged_into = @clusterId, version = version + 1, centroid = x'' WHERE id = @absorbed;
        UPDATE clusters SET merged_into = @clusterId WHERE merged_into = @absorbed;
        UPDATE cluster_members SET cluster_id = @clusterId WHERE cluster_id = @absorbed;
        """;

    // Bound by position (SqliteRawStatement): run once per story each.
    private const string CreateSql = "INSERT INTO clusters (version, size, centroid) VALUES (1, 1, ?1)";

    private const string RecordSql = "INSERT INTO cluster_members (story_id, cluster_id, at, bands, contribution) VALUES (?1, ?2, ?3, ?4, ?5)";

    private const string CountSql = "UPDATE cluster_stats SET documents = documents + @documents WHERE id = 1";

    private const string FlushTermsSql =
        """
        INSERT INTO cluster_terms (term, df)
            SELECT value ->> 0, value ->> 1 FROM json_each(@counts) WHERE true
            ON CONFLICT (term) DO UPDATE SET df = df + excluded.df
        """;

    private const string NewestSql = "SELECT max(at) FROM cluster_members";

    private const string LastStorySql = "SELECT COALESCE(max(story_id), 0) FROM cluster_members";

    // Undated members, then those dated in [@from, @to), through ix_cluster_members_at.
    private const string MembersSql =
        """
        SELECT at, story_id, cluster_id, bands FROM cluster_members WHERE at IS NULL AND @undated AND bands IS NOT NULL
        UNION ALL
        SELECT at, story_id, cluster_id, bands FROM cluster_members WHERE at >= @from AND at < @to AND bands IS NOT NULL
        """;

    private const string MergedSql = "SELECT id, merged_into FROM clusters WHERE merged_into IS NOT NULL";

    private readonly SemaphoreSlim turn = new(1, 1);

    // Terms of stories recorded but not yet added to cluster_terms, and how many stories they are.
    // Reads add them to what is stored.
    private readonly Dictionary<long, long> pendingTerms = [];
    private int pendingStories;
    private Session? session;

    // Null until first needed, and again after anything that may have left it out of step with the
    // table (a rolled-back batch, a prune, another writer); the next read loads it afresh.
    private BandIndex? bandIndex;

    // The stored document frequency of each term looked up (0 for a term not stored), kept in step
    // with this index's own flushes and dropped with the band index.
    private readonly Dictionary<long, long> knownFrequencies = [];

    // The live clusters read or written, as the table has them once the open batch (if any)
    // commits: a batch changes a cluster here, and writes it once, at its commit. Dropped with the
    // band index.
    private readonly Dictionary<long, KnownCluster> knownClusters = [];

    // The highest story id recorded, known with the band index: a story above it cannot be
    // recorded yet, so the check for one needs no read (stories come in id order).
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
                    var documents = await ReadStatsAsync(s, cancellationToken).ConfigureAwait(false);
                    var bands = await GetBandIndexAsync(s, documents, cancellationToken).ConfigureAwait(false);
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
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async Task<IStoryClusterBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        IDisposable? writeTurn = null;
        SqliteTransaction? transaction = null;
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var s = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            writeTurn = await connections.WaitForWriteTurnAsync(cancellationToken).ConfigureAwait(false);
            return await s.RunAsync(
                async () =>
                {
                    // Immediate: the batch holds the write lock from its first read, so what it reads
                    // cannot change before it writes.
                    transaction = (SqliteTransaction)await s.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    s.Enlist(transaction);
                    var documents = await ReadStatsAsync(s, cancellationToken).ConfigureAwait(false);
                    var bands = await GetBandIndexAsync(s, documents, cancellationToken).ConfigureAwait(false);
                    return new Batch(this, s, transaction, writeTurn, documents, bands);
                }).ConfigureAwait(false);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                session?.Enlist(null);
            }

            writeTurn?.Dispose();
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
            "SELECT story_id AS StoryId, cluster_id AS ClusterId FROM cluster_members WHERE story_id IN (SELECT value FROM json_each(@ids))",
            new { ids = ToJsonArray(storyIds) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.StoryId, r => r.ClusterId);
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
                    // Pending terms first: a pruned story's terms must be in the table to come out of it.
                    if (pendingTerms.Count > 0)
                    {
                        await FlushTermsAsync(s, pendingTerms, cancellationToken).ConfigureAwait(false);
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

    internal static string ToJsonArray(IReadOnlyList<long> values)
    {
        var builder = new StringBuilder((values.Count * 21) + 2).Append('[');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }

        return builder.Append(']').ToString();
    }

    private static async Task<long> ReadStatsAsync(Session s, CancellationToken cancellationToken) =>
        (long)(await s.Stats.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

    /// <summary>Drops what is kept in memory: the next read loads it from the tables.</summary>
    private void Forget()
    {
        bandIndex = null;
        knownFrequencies.Clear();
        knownClusters.Clear();
    }

    /// <summary>
    /// The band index, loaded when missing or when the tables hold stories this index did not add
    /// (another process clustered meanwhile: the count of stories differs from the one the rows
    /// were complete at). At first it holds the undated stories and those dated within
    /// <see cref="BandIndex.InitialSpanSeconds"/> of the newest.
    /// </summary>
    private async Task<BandIndex> GetBandIndexAsync(Session s, long documents, CancellationToken cancellationToken)
    {
        if (bandIndex is not null && bandIndex.Documents == documents)
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
        var loaded = new BandIndex(horizon, newest, mergedInto, documents);
        await LoadMembersAsync(s, loaded, undated: true, horizon, long.MaxValue, cancellationToken).ConfigureAwait(false);
        bandIndex = loaded;
        return loaded;
    }

    /// <summary>Adds the members dated in [<paramref name="from"/>, <paramref name="to"/>) (and the undated ones if asked) to the band index.</summary>
    private static async Task LoadMembersAsync(Session s, BandIndex bands, bool undated, long from, long to, CancellationToken cancellationToken)
    {
        var parameters = s.Members.Parameters;
        parameters["@undated"].Value = undated;
        parameters["@from"].Value = from;
        parameters["@to"].Value = to;
        await using var reader = await s.Members.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long? at = reader.IsDBNull(0) ? null : reader.GetInt64(0);
            bands.Add(BandKeysBlob.Decode((byte[])reader.GetValue(3)), at, reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    private async Task<ClusterCandidates> FindAsync(
        Session s, BandIndex bands, long documents, Dictionary<long, long>? batchTerms, ClusterQuery query, CancellationToken cancellationToken)
    {
        var frequencies = await GetFrequenciesAsync(s, query.Terms, batchTerms, cancellationToken).ConfigureAwait(false);
        var clusters = new List<CandidateCluster>();
        if (query.BandKeys.Count == 0)
        {
            return new ClusterCandidates(documents, frequencies, clusters);
        }

        // Without a window every dated story counts (undated ones count for every read).
        var windowed = query.WindowStart is not null && query.WindowEnd is not null;
        var from = windowed ? query.WindowStart!.Value.ToUnixTimeSeconds() : long.MinValue;
        var to = windowed ? query.WindowEnd!.Value.ToUnixTimeSeconds() : long.MaxValue;
        if (bands.NeedsFrom(from) is { } missingFrom)
        {
            // A story dated before the rows in memory (a feed's late item): the members of its
            // window are loaded once, through the members' time index, and stay until evicted.
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
        }

        var ranked = bands.Rank(query.BandKeys, from, to, query.CandidatesPerBand, query.MaxClusters);
        if (ranked.Count == 0)
        {
            return new ClusterCandidates(documents, frequencies, clusters);
        }

        await ReadClustersAsync(s, ranked.Select(r => r.ClusterId), cancellationToken).ConfigureAwait(false);
        foreach (var (clusterId, shared) in ranked)
        {
            if (knownClusters.TryGetValue(clusterId, out var cluster))
            {
                clusters.Add(new CandidateCluster(clusterId, cluster.Version, shared, cluster.Centroid, cluster.Size));
            }
        }

        return new ClusterCandidates(documents, frequencies, clusters);
    }

    /// <summary>Reads the live clusters among <paramref name="ids"/> that are not known yet into <see cref="knownClusters"/>, in one statement.</summary>
    private async Task ReadClustersAsync(Session s, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        var unknown = ids.Where(id => !knownClusters.ContainsKey(id)).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        s.Clusters.Parameters["@ids"].Value = ToJsonArray(unknown);
        await using var reader = await s.Clusters.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            knownClusters[reader.GetInt64(0)] = new KnownCluster(reader.GetInt64(1), reader.GetInt64(2), CentroidBlob.Decode((byte[])reader.GetValue(3)));
        }
    }

    /// <summary>Stored document frequencies (those not known yet read in one statement), plus the pending and the batch's own.</summary>
    private async Task<Dictionary<long, long>> GetFrequenciesAsync(Session s, IReadOnlyList<long> terms, Dictionary<long, long>? batchTerms, CancellationToken cancellationToken)
    {
        var unknown = terms.Where(term => !knownFrequencies.ContainsKey(term)).ToList();
        if (unknown.Count > 0)
        {
            if (knownFrequencies.Count + unknown.Count > MaxKnownFrequencies)
            {
                knownFrequencies.Clear();
                unknown = [.. terms];
            }

            foreach (var term in unknown)
            {
                knownFrequencies[term] = 0;
            }

            s.Frequencies.Parameters["@terms"].Value = ToJsonArray(unknown);
            await using var reader = await s.Frequencies.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                knownFrequencies[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        var frequencies = new Dictionary<long, long>(terms.Count);
        foreach (var term in terms)
        {
            var df = knownFrequencies[term] + pendingTerms.GetValueOrDefault(term) + (batchTerms?.GetValueOrDefault(term) ?? 0);
            if (df > 0)
            {
                frequencies[term] = df;
            }
        }

        return frequencies;
    }

    /// <summary>
    /// One story's writes within a batch; on a conflict nothing of this story is kept. The clusters
    /// it joins or merges are checked against the versions the story was assigned with, all before
    /// anything is written; the cluster it joins is changed in memory, in <paramref name="changed"/>,
    /// for the batch's commit to write.
    /// </summary>
    private async Task<ClusterIndexResult> AddAsync(Session s, ClusterIndexEntry entry, HashSet<long> changed, CancellationToken cancellationToken)
    {
        if (entry.StoryId <= lastRecordedStoryId)
        {
            s.Existing.Parameters["@storyId"].Value = entry.StoryId;
            if (await s.Existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long existing)
            {
                return new ClusterIndexResult(ClusterIndexOutcome.AlreadyIndexed, existing);
            }
        }

        long clusterId;
        if (entry.ClusterId is { } joined)
        {
            await ReadClustersAsync(s, entry.Merges.Select(merge => merge.ClusterId).Append(joined), cancellationToken).ConfigureAwait(false);
            if (!knownClusters.TryGetValue(joined, out var target) || target.Version != entry.ExpectedVersion)
            {
                return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
            }

            var size = target.Size + 1;
            foreach (var merge in entry.Merges)
            {
                if (merge.ClusterId == joined || !knownClusters.TryGetValue(merge.ClusterId, out var absorbed) || absorbed.Version != merge.ExpectedVersion)
                {
                    return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
                }

                size += absorbed.Size;
            }

            foreach (var merge in entry.Merges)
            {
                s.Absorb.Parameters["@clusterId"].Value = joined;
                s.Absorb.Parameters["@absorbed"].Value = merge.ClusterId;
                await s.Absorb.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                knownClusters.Remove(merge.ClusterId);
                changed.Remove(merge.ClusterId);
            }

            knownClusters[joined] = new KnownCluster(target.Version + 1, size, entry.Centroid);
            changed.Add(joined);
            clusterId = joined;
        }
        else
        {
            s.Create.Bind(1, CentroidBlob.Encode(entry.Centroid));
            clusterId = s.Create.Insert();
            knownClusters[clusterId] = new KnownCluster(1, 1, entry.Centroid);
        }

        s.Record.Bind(1, entry.StoryId);
        s.Record.Bind(2, clusterId);
        s.Record.Bind(3, entry.Time?.ToUnixTimeSeconds());
        s.Record.Bind(4, BandKeysBlob.Encode(entry.BandKeys));
        s.Record.Bind(5, CentroidBlob.Encode(new ClusterCentroid(entry.Contribution)));
        s.Record.Insert();
        lastRecordedStoryId = Math.Max(lastRecordedStoryId, entry.StoryId);
        return new ClusterIndexResult(ClusterIndexOutcome.Added, clusterId);
    }

    /// <summary>Writes the clusters a batch changed, each once, as <see cref="knownClusters"/> has them.</summary>
    private async Task SaveClustersAsync(Session s, HashSet<long> changed, CancellationToken cancellationToken)
    {
        var parameters = s.SaveCluster.Parameters;
        foreach (var clusterId in changed)
        {
            var cluster = knownClusters[clusterId];
            parameters["@clusterId"].Value = clusterId;
            parameters["@version"].Value = cluster.Version;
            parameters["@size"].Value = cluster.Size;
            parameters["@centroid"].Value = CentroidBlob.Encode(cluster.Centroid);
            await s.SaveCluster.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<Session> GetSessionAsync(CancellationToken cancellationToken)
    {
        if (session is { Broken: true })
        {
            await session.DisposeAsync().ConfigureAwait(false);
            session = null;
        }

        return session ??= await Session.OpenAsync(connections, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Many stories' assignments in one transaction. Holds the index's turn and the process's write
    /// turn until disposed. Counts (stories, terms) are kept here and written once at the commit;
    /// the band index in memory gets each story at once, and is dropped if the batch is rolled back.
    /// </summary>
    private sealed class Batch(
        SqliteStoryClusterIndex index, Session s, SqliteTransaction transaction, IDisposable writeTurn, long documents, BandIndex bands) : IStoryClusterBatch
    {
        private readonly Dictionary<long, long> terms = [];
        private readonly HashSet<long> changed = [];
        private long added;
        private bool committed;
        private bool closed;

        public Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(query);
            ObjectDisposedException.ThrowIf(closed, this);
            return s.RunAsync(() => index.FindAsync(s, bands, documents + added, terms, query, cancellationToken));
        }

        public async Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(entry);
            ObjectDisposedException.ThrowIf(closed || committed, this);
            var result = await s.RunAsync(() => index.AddAsync(s, entry, changed, cancellationToken)).ConfigureAwait(false);
            if (result.Outcome != ClusterIndexOutcome.Added)
            {
                return result;
            }

            added++;
            foreach (var term in entry.Terms)
            {
                terms[term] = terms.GetValueOrDefault(term) + 1;
            }

            bands.Add(entry.BandKeys, entry.Time?.ToUnixTimeSeconds(), entry.StoryId, result.ClusterId);

            foreach (var merge in entry.Merges)
            {
                bands.Merged(merge.ClusterId, result.ClusterId);
            }

            return result;
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(closed || committed, this);
            var flush = index.pendingStories + added >= TermFlushInterval;
            Dictionary<long, long>? flushed = null;
            await s.RunAsync(async () =>
            {
                await index.SaveClustersAsync(s, changed, cancellationToken).ConfigureAwait(false);
                if (added > 0)
                {
                    s.Count.Parameters["@documents"].Value = added;
                    await s.Count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (flush)
                {
                    flushed = new Dictionary<long, long>(index.pendingTerms);
                    foreach (var (term, count) in terms)
                    {
                        flushed[term] = flushed.GetValueOrDefault(term) + count;
                    }

                    await FlushTermsAsync(s, flushed, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            committed = true;
            bands.Documents = documents + added;
            if (index.knownClusters.Count > MaxKnownClusters)
            {
                index.knownClusters.Clear();
            }

            if (flushed is not null)
            {
                foreach (var (term, count) in flushed)
                {
                    if (index.knownFrequencies.TryGetValue(term, out var known))
                    {
                        index.knownFrequencies[term] = known + count;
                    }
                }

                index.pendingTerms.Clear();
                index.pendingStories = 0;
            }
            else
            {
                foreach (var (term, count) in terms)
                {
                    index.pendingTerms[term] = index.pendingTerms.GetValueOrDefault(term) + count;
                }

                index.pendingStories += (int)added;
            }
        }

        /// <summary>Rolls back unless committed, and gives the turns back.</summary>
        public async ValueTask DisposeAsync()
        {
            if (closed)
            {
                return;
            }

            closed = true;
            try
            {
                if (!committed)
                {
                    // The memory holds this batch's stories: reload it from the tables.
                    index.Forget();
                }

                s.Enlist(null);
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                writeTurn.Dispose();
                index.turn.Release();
            }
        }
    }

    /// <summary>A live cluster as <see cref="knownClusters"/> keeps it.</summary>
    private sealed record KnownCluster(long Version, long Size, ClusterCentroid Centroid);

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

        public SqliteCommand FlushTerms { get; private set; } = null!;

        public SqliteCommand Existing { get; private set; } = null!;

        public SqliteCommand SaveCluster { get; private set; } = null!;

        public SqliteRawStatement Create { get; private set; } = null!;

        public SqliteCommand Absorb { get; private set; } = null!;

        public SqliteRawStatement Record { get; private set; } = null!;

        public SqliteCommand Count { get; private set; } = null!;

        public SqliteCommand Clusters { get; private set; } = null!;

        public SqliteCommand Newest { get; private set; } = null!;

        public SqliteCommand LastStory { get; private set; } = null!;

        public SqliteCommand Members { get; private set; } = null!;

        public SqliteCommand Merged { get; private set; } = null!;

        private IEnumerable<SqliteCommand> Commands =>
            [Stats, Frequencies, Existing, SaveCluster, Absorb, FlushTerms, Count, Clusters, Newest, LastStory, Members, Merged];

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
                    // 64 MiB cache; other pages are read through a memory map instead of a copy per read.
                    // The log is checkpointed at SQLite's 1,000 pages: a story now dirties a few pages,
                    // mostly appended ones, so a checkpoint comes every few hundred stories and is short.
                    pragma.CommandText = "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                session.Stats = session.Prepare(StatsSql);
                session.Frequencies = session.Prepare(FrequenciesSql, ("@terms", SqliteType.Text));
                session.FlushTerms = session.Prepare(FlushTermsSql, ("@counts", SqliteType.Text));
                session.Existing = session.Prepare(ExistingSql, ("@storyId", SqliteType.Integer));
                session.SaveCluster = session.Prepare(SaveClusterSql, ("@version", SqliteType.Integer), ("@size", SqliteType.Integer), ("@centroid", SqliteType.Blob), ("@clusterId", SqliteType.Integer));
                session.Create = new SqliteRawStatement(connection, CreateSql);
                session.Absorb = session.Prepare(AbsorbSql, ("@clusterId", SqliteType.Integer), ("@absorbed", SqliteType.Integer));
                session.Record = new SqliteRawStatement(connection, RecordSql);
                session.Count = session.Prepare(CountSql, ("@documents", SqliteType.Integer));
                session.Clusters = session.Prepare(ClustersSql, ("@ids", SqliteType.Text));
                session.Newest = session.Prepare(NewestSql);
                session.LastStory = session.Prepare(LastStorySql);
                session.Members = session.Prepare(MembersSql, ("@undated", SqliteType.Integer), ("@from", SqliteType.Integer), ("@to", SqliteType.Integer));
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
