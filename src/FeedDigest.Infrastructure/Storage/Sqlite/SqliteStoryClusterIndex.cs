using System.Globalization;
using System.Text;
using Dapper;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The story clusters in SQLite (tables from 0003_story_clusters.sql). Candidates are read by band
/// key through cluster_bands' primary key, newest first within the time window and at most
/// <see cref="ClusterQuery.CandidatesPerBand"/> rows a key, so an assignment reads the rows of its
/// own band keys and no others, however many stories are stored.
/// </summary>
internal sealed class SqliteStoryClusterIndex(SqliteConnectionFactory connections) : IStoryClusterIndex
{
    /// <summary>The time of an undated story in cluster_bands (its primary key allows no NULL).</summary>
    internal const long Undated = long.MinValue;

    /// <summary>
    /// Candidates in one statement, grouped by SQLite (reading hundreds of rows one by one through
    /// ADO.NET cost more than the reads). For each band key: its rows dated within the window, from
    /// the newest down to the @limit-th newest (a correlated subquery finds that row's time, so at
    /// most about @limit rows are read; more only when several share that second), and likewise
    /// its newest @limit undated rows. Then the clusters hit most often, with their centroids.
    /// Both halves are ranges of cluster_bands' primary key; nothing else is read.
    /// </summary>
    internal const string CandidatesSql =
        """
        WITH hits (cluster_id) AS (
            SELECT cb.cluster_id
            FROM json_each(@bands) AS b
            JOIN cluster_bands AS cb ON cb.band = b.value AND cb.at <= @to AND cb.at >= max(@from, coalesce(
                (SELECT x.at FROM cluster_bands AS x WHERE x.band = b.value AND x.at BETWEEN @from AND @to ORDER BY x.at DESC LIMIT 1 OFFSET @limit - 1),
                @from))
            UNION ALL
            SELECT cb.cluster_id
            FROM json_each(@bands) AS b
            JOIN cluster_bands AS cb ON cb.band = b.value AND cb.at = @undated AND cb.story_id >= coalesce(
                (SELECT x.story_id FROM cluster_bands AS x WHERE x.band = b.value AND x.at = @undated ORDER BY x.story_id DESC LIMIT 1 OFFSET @limit - 1),
                0)
        ),
        ranked (cluster_id, shared) AS (
            SELECT cluster_id, count(*) FROM hits GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id LIMIT @maxClusters
        )
        SELECT c.id AS ClusterId, c.version AS Version, r.shared AS SharedBands, c.centroid AS Centroid
        FROM ranked AS r JOIN clusters AS c ON c.id = r.cluster_id
        ORDER BY r.shared DESC, c.id
        """;

    public async Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Without a window every dated row counts (undated rows are read by the second half anyway).
        var windowed = query.WindowStart is not null && query.WindowEnd is not null;
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            "SELECT documents FROM cluster_stats WHERE id = 1;\n" +
            "SELECT term AS Term, df AS Df FROM cluster_terms WHERE term IN (SELECT value FROM json_each(@terms));\n" +
            CandidatesSql,
            new
            {
                terms = ToJsonArray(query.Terms),
                bands = ToJsonArray(query.BandKeys),
                from = windowed ? query.WindowStart!.Value.ToUnixTimeSeconds() : Undated + 1,
                to = windowed ? query.WindowEnd!.Value.ToUnixTimeSeconds() : long.MaxValue,
                undated = Undated,
                limit = query.CandidatesPerBand,
                maxClusters = query.MaxClusters,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var documents = await results.ReadSingleAsync<long>().ConfigureAwait(false);
        var frequencies = (await results.ReadAsync<TermRow>().ConfigureAwait(false)).ToDictionary(r => r.Term, r => r.Df);
        var clusters = (await results.ReadAsync<CandidateRow>().ConfigureAwait(false))
            .Select(r => new CandidateCluster(r.ClusterId, r.Version, (int)r.SharedBands, CentroidBlob.Decode(r.Centroid)))
            .ToList();
        return new ClusterCandidates(documents, frequencies, clusters);
    }

    public async Task<ClusterIndexResult> AddAsync(ClusterIndexEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var existing = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT cluster_id FROM cluster_members WHERE story_id = @StoryId", new { entry.StoryId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (existing is { } existingCluster)
        {
            return new ClusterIndexResult(ClusterIndexOutcome.AlreadyIndexed, existingCluster);
        }

        var centroid = CentroidBlob.Encode(entry.Centroid);
        long clusterId;
        if (entry.ClusterId is { } joined)
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE clusters SET version = version + 1, size = size + 1, centroid = @centroid WHERE id = @id AND version = @expected",
                new { centroid, id = joined, expected = entry.ExpectedVersion },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (updated == 0)
            {
                return new ClusterIndexResult(ClusterIndexOutcome.Conflict, 0);
            }

            clusterId = joined;
        }
        else
        {
            clusterId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO clusters (version, size, centroid) VALUES (1, 1, @centroid) RETURNING id",
                new { centroid },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var at = entry.Time?.ToUnixTimeSeconds();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cluster_members (story_id, cluster_id, at) VALUES (@storyId, @clusterId, @at);
            INSERT INTO cluster_bands (band, at, story_id, cluster_id)
                SELECT value, @bandAt, @storyId, @clusterId FROM json_each(@bands) WHERE true
                ON CONFLICT DO NOTHING;
            INSERT INTO cluster_terms (term, df)
                SELECT value, 1 FROM json_each(@terms) WHERE true
                ON CONFLICT (term) DO UPDATE SET df = df + 1;
            UPDATE cluster_stats SET documents = documents + 1 WHERE id = 1;
            """,
            new
            {
                storyId = entry.StoryId,
                clusterId,
                at,
                bandAt = at ?? Undated,
                bands = ToJsonArray(entry.BandKeys),
                terms = ToJsonArray(entry.Terms),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ClusterIndexResult(ClusterIndexOutcome.Added, clusterId);
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

    // Settable properties, not constructors: on an empty result SQLite reports no column types, and
    // Dapper matches constructors by type.
    private sealed class TermRow
    {
        public long Term { get; set; }

        public long Df { get; set; }
    }

    private sealed class CandidateRow
    {
        public long ClusterId { get; set; }

        public long Version { get; set; }

        public long SharedBands { get; set; }

        public byte[] Centroid { get; set; } = [];
    }

    private sealed class MemberRow
    {
        public long StoryId { get; set; }

        public long ClusterId { get; set; }
    }
}
