using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// Takes the stories no longer in the stories table (pruned by retention) out of the clustering
/// tables, in the caller's transaction: each member (and with it its band keys); clusters left
/// without members go, with the clusters once merged into them; the others keep their centroid and
/// count what is left. The document frequencies and the story count stay: they are what IDF was
/// learned from, every story clustered so far (see 0012_cluster_members_keep_their_cluster.sql).
/// The caller drops its band index afterwards.
/// </summary>
/// <remarks>
/// Finding the pruned stories reads all of cluster_members against the stories' primary key: once a
/// day, like the story prune itself, and it also catches up after a prune that stopped halfway.
/// </remarks>
internal static class SqliteClusterPruning
{
    // A member names the cluster it joined; it leaves the live one that cluster merged into, if it did.
    private const string ChooseSql =
        """
        CREATE TEMP TABLE IF NOT EXISTS pruned_members (story_id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL);
        DELETE FROM temp.pruned_members;
        INSERT INTO temp.pruned_members (story_id, cluster_id)
            SELECT m.story_id, coalesce(c.merged_into, m.cluster_id)
            FROM main.cluster_members AS m JOIN main.clusters AS c ON c.id = m.cluster_id
            WHERE NOT EXISTS (SELECT 1 FROM main.stories AS s WHERE s.id = m.story_id);
        """;

    private const string ReadSql = "SELECT DISTINCT cluster_id FROM temp.pruned_members";

    private const string CountSql = "SELECT count(*) FROM temp.pruned_members";

    private const string DeleteMembersSql = "DELETE FROM cluster_members WHERE story_id IN (SELECT story_id FROM temp.pruned_members)";

    // What is left of each cluster that lost members, its own and those of the clusters it absorbed,
    // in one pass over the members (there is no index by cluster: see 0012).
    private const string RemainingSql =
        """
        SELECT coalesce(c.merged_into, m.cluster_id) AS live, count(*)
        FROM cluster_members AS m JOIN clusters AS c ON c.id = m.cluster_id
        WHERE live IN (SELECT cluster_id FROM temp.pruned_members)
        GROUP BY live
        """;

    // The version moves on, so an assignment that read the old size conflicts and reads again.
    private const string ShrinkSql = "UPDATE clusters SET size = @size, version = version + 1 WHERE id = @id";

    private const string DeleteClusterSql = "DELETE FROM clusters WHERE merged_into = @id; DELETE FROM clusters WHERE id = @id";

    public static async Task<ClusterPruneReport> PruneAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await SqliteStatements.ExecuteAsync(connection, transaction, ChooseSql, cancellationToken).ConfigureAwait(false);
        long members;
        await using (var count = Command(connection, transaction, CountSql))
        {
            members = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (members == 0)
        {
            return new ClusterPruneReport(0, 0);
        }

        var clusters = new List<long>();
        await using (var read = Command(connection, transaction, ReadSql))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                clusters.Add(reader.GetInt64(0));
            }
        }

        await SqliteStatements.ExecuteAsync(connection, transaction, DeleteMembersSql, cancellationToken).ConfigureAwait(false);
        await SqliteStatements.ExecuteAsync(connection, transaction, ClusterMemberDays.RebuildSql, cancellationToken).ConfigureAwait(false);

        var remaining = new Dictionary<long, long>();
        await using (var left = Command(connection, transaction, RemainingSql))
        await using (var reader = await left.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                remaining[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        var removedClusters = 0;
        await using (var shrink = Command(connection, transaction, ShrinkSql, "@id", "@size"))
        await using (var delete = Command(connection, transaction, DeleteClusterSql, "@id"))
        {
            foreach (var clusterId in clusters)
            {
                if (remaining.TryGetValue(clusterId, out var size))
                {
                    shrink.Parameters["@id"].Value = clusterId;
                    shrink.Parameters["@size"].Value = size;
                    await shrink.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                delete.Parameters["@id"].Value = clusterId;
                if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
                {
                    removedClusters++;
                }
            }
        }

        await SqliteStatements.ExecuteAsync(connection, transaction, SqliteStoryClusterIndex.BumpSql, cancellationToken).ConfigureAwait(false);
        return new ClusterPruneReport((int)members, removedClusters);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
