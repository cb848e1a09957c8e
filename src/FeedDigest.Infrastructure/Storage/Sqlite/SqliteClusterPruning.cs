using System.Globalization;
using System.Text;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// Takes the stories no longer in the stories table (pruned by retention) out of the clustering
/// tables, in the caller's transaction: each member (and with it its band keys), its share of its
/// cluster's centroid and of the document frequencies; clusters left without members go, with the
/// clusters once merged into them. The caller drops its band index afterwards.
/// </summary>
/// <remarks>
/// Finding the pruned stories reads all of cluster_members against the stories' primary key: once a
/// day, like the story prune itself, and it also catches up after a prune that stopped halfway.
/// </remarks>
internal static class SqliteClusterPruning
{
    // A member names the cluster it joined; its share comes out of the live one that cluster merged into, if it did.
    private const string ChooseSql =
        """
        CREATE TEMP TABLE IF NOT EXISTS pruned_members (story_id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, contribution BLOB);
        DELETE FROM temp.pruned_members;
        INSERT INTO temp.pruned_members (story_id, cluster_id, contribution)
            SELECT m.story_id, coalesce(c.merged_into, m.cluster_id), m.contribution
            FROM main.cluster_members AS m JOIN main.clusters AS c ON c.id = m.cluster_id
            WHERE NOT EXISTS (SELECT 1 FROM main.stories AS s WHERE s.id = m.story_id);
        """;

    private const string ReadSql = "SELECT cluster_id, contribution FROM temp.pruned_members";

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

    private const string CentroidSql = "SELECT centroid FROM clusters WHERE id = @id";

    private const string ShrinkSql = "UPDATE clusters SET size = @size, centroid = @centroid, version = version + 1 WHERE id = @id";

    private const string DeleteClusterSql = "DELETE FROM clusters WHERE merged_into = @id; DELETE FROM clusters WHERE id = @id";

    private const string TermsSql =
        """
        UPDATE cluster_terms SET df = df - (j.value ->> 1) FROM json_each(@counts) AS j WHERE cluster_terms.term = j.value ->> 0;
        DELETE FROM cluster_terms WHERE term IN (SELECT value ->> 0 FROM json_each(@counts)) AND df <= 0;
        """;

    private const string StatsSql = "UPDATE cluster_stats SET documents = max(documents - @documents, 0), version = version + 1 WHERE id = 1";

    public static async Task<ClusterPruneReport> PruneAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await SqliteStatements.ExecuteAsync(connection, transaction, ChooseSql, cancellationToken).ConfigureAwait(false);
        var members = new List<(long ClusterId, byte[]? Contribution)>();
        await using (var read = Command(connection, transaction, ReadSql))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                members.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1)));
            }
        }

        if (members.Count == 0)
        {
            return new ClusterPruneReport(0, 0);
        }

        await SqliteStatements.ExecuteAsync(connection, transaction, DeleteMembersSql, cancellationToken).ConfigureAwait(false);

        // Members stored without their vector leave the centroid and the counts as they are: taking
        // them out of N alone would make their terms look more common than the stories that remain.
        var shares = new Dictionary<long, List<CentroidTerm>>();
        var terms = new Dictionary<long, long>();
        long documents = 0;
        foreach (var member in members)
        {
            if (!shares.TryGetValue(member.ClusterId, out var share))
            {
                share = [];
                shares[member.ClusterId] = share;
            }

            if (member.Contribution is null)
            {
                continue;
            }

            var contribution = CentroidBlob.Decode(member.Contribution).Terms;
            share.AddRange(contribution);
            foreach (var term in contribution)
            {
                terms[term.Term] = terms.GetValueOrDefault(term.Term) + 1;
            }

            documents++;
        }

        var remaining = new Dictionary<long, long>();
        await using (var count = Command(connection, transaction, RemainingSql))
        await using (var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                remaining[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        var removedClusters = 0;
        await using (var cluster = Command(connection, transaction, CentroidSql, "@id"))
        await using (var shrink = Command(connection, transaction, ShrinkSql, "@id", "@size", "@centroid"))
        await using (var delete = Command(connection, transaction, DeleteClusterSql, "@id"))
        {
            foreach (var (clusterId, share) in shares)
            {
                if (!remaining.TryGetValue(clusterId, out var left))
                {
                    delete.Parameters["@id"].Value = clusterId;
                    removedClusters += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0 ? 1 : 0;
                    continue;
                }

                cluster.Parameters["@id"].Value = clusterId;
                if (await cluster.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not byte[] centroid)
                {
                    continue;
                }

                // The version moves on, so an assignment that read the old centroid conflicts and reads again.
                shrink.Parameters["@id"].Value = clusterId;
                shrink.Parameters["@size"].Value = left;
                shrink.Parameters["@centroid"].Value = CentroidBlob.Encode(CentroidBlob.Decode(centroid).Without(share));
                await shrink.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (terms.Count > 0)
        {
            var json = new StringBuilder((terms.Count * 28) + 2).Append('[');
            foreach (var (term, count) in terms)
            {
                json.Append(json.Length > 1 ? ",[" : "[").Append(term.ToString(CultureInfo.InvariantCulture)).Append(',').Append(count.ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            await SqliteStatements.ExecuteAsync(connection, transaction, TermsSql, cancellationToken, ("@counts", json.Append(']').ToString())).ConfigureAwait(false);
        }

        await SqliteStatements.ExecuteAsync(connection, transaction, StatsSql, cancellationToken, ("@documents", documents)).ConfigureAwait(false);
        return new ClusterPruneReport(members.Count, removedClusters);
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
