using System.Globalization;
using System.Text;
using Dapper;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

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

    internal const string WindowedBandSql =
        "SELECT cluster_id FROM cluster_bands WHERE band = @band AND at BETWEEN @from AND @to ORDER BY at DESC LIMIT @limit";

    internal const string UndatedBandSql =
        "SELECT cluster_id FROM cluster_bands WHERE band = @band AND at = @from ORDER BY story_id DESC LIMIT @limit";

    internal const string AnyTimeBandSql =
        "SELECT cluster_id FROM cluster_bands WHERE band = @band ORDER BY at DESC, story_id DESC LIMIT @limit";

    public async Task<ClusterCandidates> FindCandidatesAsync(ClusterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);

        long documents;
        Dictionary<long, long> frequencies;
        bool anyUndated;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT documents AS Documents, undated AS Undated FROM cluster_stats WHERE id = 1;
            SELECT term AS Term, df AS Df FROM cluster_terms WHERE term IN (SELECT value FROM json_each(@terms));
            """,
            new { terms = ToJsonArray(query.Terms) },
            cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            var stats = await results.ReadSingleAsync<StatsRow>().ConfigureAwait(false);
            documents = stats.Documents;
            anyUndated = stats.Undated > 0;
            frequencies = (await results.ReadAsync<TermRow>().ConfigureAwait(false)).ToDictionary(r => r.Term, r => r.Df);
        }

        if (query.BandKeys.Count == 0)
        {
            return new ClusterCandidates(documents, frequencies, []);
        }

        var shared = new Dictionary<long, int>();
        if (query.WindowStart is { } start && query.WindowEnd is { } end)
        {
            await CountBandHitsAsync(connection, WindowedBandSql, query, start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds(), shared, cancellationToken).ConfigureAwait(false);
            if (anyUndated)
            {
                await CountBandHitsAsync(connection, UndatedBandSql, query, Undated, Undated, shared, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await CountBandHitsAsync(connection, AnyTimeBandSql, query, 0, 0, shared, cancellationToken).ConfigureAwait(false);
        }

        var ranked = shared
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key)
            .Take(query.MaxClusters)
            .ToList();
        if (ranked.Count == 0)
        {
            return new ClusterCandidates(documents, frequencies, []);
        }

        var rows = (await connection.QueryAsync<ClusterRow>(new CommandDefinition(
            "SELECT id AS ClusterId, version AS Version, centroid AS Centroid FROM clusters WHERE id IN (SELECT value FROM json_each(@ids))",
            new { ids = ToJsonArray(ranked.Select(pair => pair.Key).ToList()) },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToDictionary(r => r.ClusterId);
        var clusters = ranked
            .Where(pair => rows.ContainsKey(pair.Key))
            .Select(pair => new CandidateCluster(pair.Key, rows[pair.Key].Version, pair.Value, CentroidBlob.Decode(rows[pair.Key].Centroid)))
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
            UPDATE cluster_stats SET documents = documents + 1, undated = undated + @undated WHERE id = 1;
            """,
            new
            {
                storyId = entry.StoryId,
                clusterId,
                at,
                bandAt = at ?? Undated,
                bands = ToJsonArray(entry.BandKeys),
                terms = ToJsonArray(entry.Terms),
                undated = at is null ? 1 : 0,
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

    /// <summary>
    /// Reads each band key's rows with one prepared statement, executed once a key. (Not Dapper: it
    /// prepares a command per call, and one statement with a subquery per key costs milliseconds to
    /// prepare, more than all the reads.) Counts how many rows each cluster has among them.
    /// </summary>
    private static async Task CountBandHitsAsync(SqliteConnection connection, string sql, ClusterQuery query, long from, long to, Dictionary<long, int> shared, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var band = command.Parameters.Add("@band", SqliteType.Integer);
        command.Parameters.AddWithValue("@from", from);
        command.Parameters.AddWithValue("@to", to);
        command.Parameters.AddWithValue("@limit", query.CandidatesPerBand);
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        foreach (var key in query.BandKeys)
        {
            band.Value = key;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var clusterId = reader.GetInt64(0);
                shared[clusterId] = shared.GetValueOrDefault(clusterId) + 1;
            }
        }
    }

    // Settable properties, not constructors: on an empty result SQLite reports no column types, and
    // Dapper matches constructors by type.
    private sealed class StatsRow
    {
        public long Documents { get; set; }

        public long Undated { get; set; }
    }

    private sealed class TermRow
    {
        public long Term { get; set; }

        public long Df { get; set; }
    }

    private sealed class ClusterRow
    {
        public long ClusterId { get; set; }

        public long Version { get; set; }

        public byte[] Centroid { get; set; } = [];
    }

    private sealed class MemberRow
    {
        public long StoryId { get; set; }

        public long ClusterId { get; set; }
    }
}
