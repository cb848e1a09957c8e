using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// Fills the clustering tables with already-clustered stories in one transaction: for the
/// clustering benchmark (bench/FeedDigest.ClusterBench), which needs a million stored stories and
/// cannot wait for a million assignments. The rows are the ones <see cref="SqliteStoryClusterIndex"/>
/// writes; the database must be migrated and its clustering tables empty.
/// </summary>
internal sealed class SqliteClusterBulkLoader(SqliteConnectionFactory connections)
{
    public async Task LoadAsync(IEnumerable<BulkCluster> clusters, IReadOnlyDictionary<long, long> documentFrequencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(documentFrequencies);
        await using var writer = await connections.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;

        // Random-order inserts into the term table are fast only while its pages stay in memory.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size = -1048576;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var cluster = Command(connection, transaction, "INSERT INTO clusters (id, version, size, centroid) VALUES (@p0, @p1, @p1, @p2)", 3);
        await using var member = Command(connection, transaction, "INSERT INTO cluster_members (story_id, cluster_id, at, bands) VALUES (@p0, @p1, @p2, @p3)", 4);
        await using var term = Command(connection, transaction, "INSERT INTO cluster_terms (term, df) VALUES (@p0, @p1)", 2);

        long documents = 0;
        foreach (var c in clusters)
        {
            await RunAsync(cluster, cancellationToken, c.Id, (long)c.Members.Count, CentroidBlob.Encode(c.Centroid)).ConfigureAwait(false);
            foreach (var m in c.Members)
            {
                var at = m.Time.ToUnixTimeSeconds();
                await RunAsync(member, cancellationToken, m.StoryId, c.Id, at, BandKeysBlob.Encode(m.BandKeys)).ConfigureAwait(false);
                documents++;
            }
        }

        await SqliteStatements.ExecuteAsync(connection, transaction, ClusterMemberDays.RebuildSql, cancellationToken).ConfigureAwait(false);
        foreach (var (key, df) in documentFrequencies)
        {
            await RunAsync(term, cancellationToken, key, df).ConfigureAwait(false);
        }

        await using (var stats = connection.CreateCommand())
        {
            stats.Transaction = transaction;
            stats.CommandText = "UPDATE cluster_stats SET documents = @documents, version = version + 1 WHERE id = 1";
            stats.Parameters.AddWithValue("@documents", documents);
            await stats.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add("@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), SqliteType.Integer);
        }

        command.Prepare();
        return command;
    }

    private static Task<int> RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].SqliteType = values[i] is byte[] ? SqliteType.Blob : SqliteType.Integer;
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
    }
}
