using System.Globalization;
using System.Text;
using Dapper;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The story clusters in SQLite (tables from 0005_story_clusters.sql). Candidates are read by band
/// key through cluster_bands' primary key, newest first within the time window and at most about
/// <see cref="ClusterQuery.CandidatesPerBand"/> rows a key, so an assignment reads the rows of its
/// own band keys and no others, however many stories are stored.
/// </summary>
/// <remarks>
/// An assignment is a read and a write of a few statements each, for every new story, so this
/// index keeps one connection of its own with those statements prepared once (Dapper prepares a
/// command per call, which cost more than the statements' work) and its page cache warm (a
/// connection's cache is dropped whenever another connection has written). Calls take turns on it.
/// Writes still take the process's write turn from <see cref="SqliteConnectionFactory"/>.
/// </remarks>
internal sealed class SqliteStoryClusterIndex(SqliteConnectionFactory connections) : IStoryClusterIndex, IAsyncDisposable, IDisposable
{
    /// <summary>The time of an undated story in cluster_bands (its primary key allows no NULL).</summary>
    internal const long Undated = long.MinValue;

    /// <summary>
    /// Candidates in one statement, grouped by SQLite (reading hundreds of rows one by one through
    /// ADO.NET cost more than the reads). For each band key: its rows dated within the window, from
    /// the newest down to the @limit-th newest (a correlated subquery finds that row's time, so at
    /// most about @limit rows are read; more only when several share that second), and likewise
    /// its newest @limit undated rows. Then the clusters hit most often, counted first by the cluster
    /// each row names and then by the live cluster that one was merged into, with their centroids.
    /// Both halves are ranges of cluster_bands' primary key; clusters are read by id.
    /// </summary>
    internal const string CandidatesSql = "WITH hits (cluster_id) AS (" + DatedHitsSql + "UNION ALL" + UndatedHitsSql + ")," + RankingSql;

    /// <summary><see cref="CandidatesSql"/> without the undated half, while no undated story is stored.</summary>
    internal const string DatedCandidatesSql = "WITH hits (cluster_id) AS (" + DatedHitsSql + ")," + RankingSql;

    /// <summary>Stories' terms are added to document frequencies in batches of this many stories.</summary>
    internal const int TermFlushInterval = 256;

    private const string DatedHitsSql =
        """

            SELECT cb.cluster_id
            FROM json_each(@bands) AS b
            JOIN cluster_bands AS cb ON cb.band = b.value AND cb.at <= @to AND cb.at >= max(@from, coalesce(
                (SELECT x.at FROM cluster_bands AS x WHERE x.band = b.value AND x.at BETWEEN @from AND @to ORDER BY x.at DESC LIMIT 1 OFFSET @limit - 1),
                @from))

        """;

    private const string UndatedHitsSql =
        """

            SELECT cb.cluster_id
            FROM json_each(@bands) AS b
            JOIN cluster_bands AS cb ON cb.band = b.value AND cb.at = @undated AND cb.story_id >= coalesce(
                (SELECT x.story_id FROM cluster_bands AS x WHERE x.band = b.value AND x.at = @undated ORDER BY x.story_id DESC LIMIT 1 OFFSET @limit - 1),
                0)

        """;

    private const string RankingSql =
        """

        named (cluster_id, shared) AS (
            SELECT cluster_id, count(*) FROM hits GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id LIMIT 2 * @maxClusters
        ),
        live (cluster_id, shared) AS (
            SELECT coalesce(c.merged_into, c.id), sum(n.shared) FROM named AS n JOIN clusters AS c ON c.id = n.cluster_id
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT @maxClusters
        )
        SELECT c.id AS ClusterId, c.version AS Version, l.shared AS SharedBands, c.centroid AS Centroid
        FROM live AS l JOIN clusters AS c ON c.id = l.cluster_id
        ORDER BY l.shared DESC, c.id
        """;

    private const string StatsSql = "SELECT documents, undated FROM cluster_stats WHERE id = 1";

    private const string FrequenciesSql = "SELECT term, df FROM cluster_terms WHERE term IN (SELECT value FROM json_each(@terms))";

    private const string ExistingSql = "SELECT cluster_id FROM cluster_members WHERE story_id = @storyId";

    private const string JoinSql = "UPDATE clusters SET version = version + 1, size = size + 1, centroid = @centroid WHERE id = @clusterId AND version = @expected AND merged_into IS NULL";

    private const string AbsorbSql =
        "UPDATE clusters SET merged_into = @clusterId, version = version + 1, centroid = x'' WHERE id = @absorbed AND version = @expected AND merged_into IS NULL RETURNING size";

    private const string MoveSql =
        """
        UPDATE clusters SET size = size + @size WHERE id = @clusterId;
        UPDATE clusters SET merged_into = @clusterId WHERE merged_into = @absorbed;
        UPDATE cluster_members SET cluster_id = @clusterId WHERE cluster_id = @absorbed;
        """;

    private const string CreateSql = "INSERT INTO clusters (version, size, centroid) VALUES (1, 1, @centroid) RETURNING id";

    private const string RecordSql =
        """
        INSERT INTO cluster_members (story_id, cluster_id, at) VALUES (@storyId, @clusterId, @at);
        INSERT INTO cluster_bands (band, at, story_id, cluster_id)
            SELECT value, @bandAt, @storyId, @clusterId FROM json_each(@bands) WHERE true
            ON CONFLICT DO NOTHING;
        UPDATE cluster_stats SET documents = documents + 1, undated = undated + @undated WHERE id = 1;
        """;

    private const string FlushTermsSql =
        """
        INSERT INTO cluster_terms (term, df)
            SELECT value ->> 0, value ->> 1 FROM json_each(@counts) WHERE true
            ON CONFLICT (term) DO UPDATE SET df = df + excluded.df
        """;

    private readonly SemaphoreSlim turn = new(1, 1);

    // Terms of stories recorded but not yet added to cluster_terms, and how many stories they are.
    // Reads add them to what is stored. A crash loses them: at most a batch of stories counts a
    // little less in the document frequencies, which are an estimate anyway.
    private readonly Dictionary<long, long> pendingTerms = [];
    private int pendingStories;
    private Session? session;
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
                    long documents, undated;
                    await using (var reader = await s.Stats.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        documents = reader.GetInt64(0);
                        undated = reader.GetInt64(1);
                    }

                    var frequencies = new Dictionary<long, long>(query.Terms.Count);
                    s.Frequencies.Parameters["@terms"].Value = ToJsonArray(query.Terms);
                    await using (var reader = await s.Frequencies.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            frequencies[reader.GetInt64(0)] = reader.GetInt64(1);
                        }
                    }

                    foreach (var term in query.Terms)
                    {
                        if (pendingTerms.TryGetValue(term, out var pending))
                        {
                            frequencies[term] = frequencies.GetValueOrDefault(term) + pending;
                        }
                    }

                    var clusters = new List<CandidateCluster>();
                    if (query.BandKeys.Count > 0)
                    {
                        // Without a window every dated row counts (undated rows are read by the second half anyway).
                        var windowed = query.WindowStart is not null && query.WindowEnd is not null;
                        var candidates = undated > 0 ? s.Candidates : s.DatedCandidates;
                        var parameters = candidates.Parameters;
                        parameters["@bands"].Value = ToJsonArray(query.BandKeys);
                        parameters["@from"].Value = windowed ? query.WindowStart!.Value.ToUnixTimeSeconds() : Undated + 1;
                        parameters["@to"].Value = windowed ? query.WindowEnd!.Value.ToUnixTimeSeconds() : long.MaxValue;
                        parameters["@limit"].Value = (long)query.CandidatesPerBand;
                        parameters["@maxClusters"].Value = (long)query.MaxClusters;
                        await using var reader = await candidates.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            clusters.Add(new CandidateCluster(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), CentroidBlob.Decode((byte[])reader.GetValue(3))));
                        }
                    }

                    return new ClusterCandidates(documents, frequencies, clusters);
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
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var s = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            using var writeTurn = await connections.WaitForWriteTurnAsync(cancellationToken).ConfigureAwait(false);
            return await s.RunAsync(() => AddAsync(s, entry, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
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
                    s.Enlist(transaction);
                    await FlushTermsAsync(s, pendingTerms, CancellationToken.None).ConfigureAwait(false);
                    await transaction.CommitAsync().ConfigureAwait(false);
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

    private async Task<ClusterIndexResult> AddAsync(Session s, ClusterIndexEntry entry, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await s.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        s.Enlist(transaction);

        s.Existing.Parameters["@storyId"].Value = entry.StoryId;
        if (await s.Existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long existing)
        {
            return new ClusterIndexResult(ClusterIndexOutcome.AlreadyIndexed, existing);
        }

        var centroid = CentroidBlob.Encode(entry.Centroid);
        long clusterId;
        if (entry.ClusterId is { } joined)
        {
            s.Join.Parameters["@centroid"].Value = centroid;
            s.Join.Parameters["@clusterId"].Value = joined;
            s.Join.Parameters["@expected"].Value = entry.ExpectedVersion;
            if (await s.Join.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
            }

            clusterId = joined;
            foreach (var merge in entry.Merges)
            {
                s.Absorb.Parameters["@clusterId"].Value = joined;
                s.Absorb.Parameters["@absorbed"].Value = merge.ClusterId;
                s.Absorb.Parameters["@expected"].Value = merge.ExpectedVersion;
                if (await s.Absorb.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long size)
                {
                    return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
                }

                s.Move.Parameters["@clusterId"].Value = joined;
                s.Move.Parameters["@absorbed"].Value = merge.ClusterId;
                s.Move.Parameters["@size"].Value = size;
                await s.Move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            s.Create.Parameters["@centroid"].Value = centroid;
            clusterId = (long)(await s.Create.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var at = entry.Time?.ToUnixTimeSeconds();
        var record = s.Record.Parameters;
        record["@storyId"].Value = entry.StoryId;
        record["@clusterId"].Value = clusterId;
        record["@at"].Value = at is { } seconds ? seconds : DBNull.Value;
        record["@bandAt"].Value = at ?? Undated;
        record["@bands"].Value = ToJsonArray(entry.BandKeys);
        record["@undated"].Value = at is null ? 1L : 0L;
        await s.Record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        var flush = pendingStories + 1 >= TermFlushInterval;
        if (flush)
        {
            var counts = new Dictionary<long, long>(pendingTerms);
            foreach (var term in entry.Terms)
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }

            await FlushTermsAsync(s, counts, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (flush)
        {
            pendingTerms.Clear();
            pendingStories = 0;
        }
        else
        {
            foreach (var term in entry.Terms)
            {
                pendingTerms[term] = pendingTerms.GetValueOrDefault(term) + 1;
            }

            pendingStories++;
        }

        return new ClusterIndexResult(ClusterIndexOutcome.Added, clusterId);
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

        public SqliteCommand Candidates { get; private set; } = null!;

        public SqliteCommand DatedCandidates { get; private set; } = null!;

        public SqliteCommand FlushTerms { get; private set; } = null!;

        public SqliteCommand Existing { get; private set; } = null!;

        public SqliteCommand Join { get; private set; } = null!;

        public SqliteCommand Create { get; private set; } = null!;

        public SqliteCommand Absorb { get; private set; } = null!;

        public SqliteCommand Move { get; private set; } = null!;

        public SqliteCommand Record { get; private set; } = null!;

        private IEnumerable<SqliteCommand> Commands => [Stats, Frequencies, Candidates, DatedCandidates, Existing, Join, Create, Absorb, Move, Record, FlushTerms];

        public bool Broken { get; private set; }

        public static async Task<Session> OpenAsync(SqliteConnectionFactory connections, CancellationToken cancellationToken)
        {
            var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var session = new Session(connection);
            try
            {
                await using (var pragma = connection.CreateCommand())
                {
                    // The band index's upper levels and recent leaves stay in this connection's 64 MiB
                    // cache; other pages are read through a memory map instead of a copy per read.
                    // Each story dirties about 40 pages spread over the band and term tables, so this
                    // connection checkpoints the write-ahead log at 10,000 pages (about 40 MiB) rather
                    // than SQLite's 1,000: a checkpoint then writes each page once for ~240 stories, not
                    // for ~25. (Other connections keep 1,000 and checkpoint when they commit after it.)
                    pragma.CommandText = "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824; PRAGMA wal_autocheckpoint = 10000;";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                session.Stats = session.Prepare(StatsSql);
                session.Frequencies = session.Prepare(FrequenciesSql, ("@terms", SqliteType.Text));
                session.Candidates = session.Prepare(
                    CandidatesSql,
                    ("@bands", SqliteType.Text),
                    ("@from", SqliteType.Integer),
                    ("@to", SqliteType.Integer),
                    ("@undated", SqliteType.Integer),
                    ("@limit", SqliteType.Integer),
                    ("@maxClusters", SqliteType.Integer));
                session.Candidates.Parameters["@undated"].Value = Undated;
                session.DatedCandidates = session.Prepare(
                    DatedCandidatesSql,
                    ("@bands", SqliteType.Text),
                    ("@from", SqliteType.Integer),
                    ("@to", SqliteType.Integer),
                    ("@limit", SqliteType.Integer),
                    ("@maxClusters", SqliteType.Integer));
                session.FlushTerms = session.Prepare(FlushTermsSql, ("@counts", SqliteType.Text));
                session.Existing = session.Prepare(ExistingSql, ("@storyId", SqliteType.Integer));
                session.Join = session.Prepare(JoinSql, ("@centroid", SqliteType.Blob), ("@clusterId", SqliteType.Integer), ("@expected", SqliteType.Integer));
                session.Create = session.Prepare(CreateSql, ("@centroid", SqliteType.Blob));
                session.Absorb = session.Prepare(AbsorbSql, ("@clusterId", SqliteType.Integer), ("@absorbed", SqliteType.Integer), ("@expected", SqliteType.Integer));
                session.Move = session.Prepare(MoveSql, ("@clusterId", SqliteType.Integer), ("@absorbed", SqliteType.Integer), ("@size", SqliteType.Integer));
                session.Record = session.Prepare(
                    RecordSql,
                    ("@storyId", SqliteType.Integer),
                    ("@clusterId", SqliteType.Integer),
                    ("@at", SqliteType.Integer),
                    ("@bandAt", SqliteType.Integer),
                    ("@bands", SqliteType.Text),
                    ("@undated", SqliteType.Integer));
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
            finally
            {
                Enlist(null);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in Commands.Where(c => c is not null))
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

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
