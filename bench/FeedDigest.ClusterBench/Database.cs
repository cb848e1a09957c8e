using Dapper;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.ClusterBench;

internal static class Database
{
    /// <summary>The database's size in bytes with its write-ahead log folded in.</summary>
    public static async Task<long> SizeAsync(SqliteConnectionFactory connections)
    {
        await using var connection = await connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);").ConfigureAwait(false);
        var pages = await connection.ExecuteScalarAsync<long>("PRAGMA page_count;").ConfigureAwait(false);
        var pageSize = await connection.ExecuteScalarAsync<long>("PRAGMA page_size;").ConfigureAwait(false);
        var free = await connection.ExecuteScalarAsync<long>("PRAGMA freelist_count;").ConfigureAwait(false);
        return (pages - free) * pageSize;
    }

    /// <summary>Rows and bytes per stored story: the index holds no story text, so all of it is clustering overhead.</summary>
    public static async Task ReportAsync(SqliteConnectionFactory connections, string databasePath)
    {
        var bytes = await SizeAsync(connections).ConfigureAwait(false);
        var emptyFile = databasePath + ".empty-bytes";
        var empty = File.Exists(emptyFile) ? long.Parse(await File.ReadAllTextAsync(emptyFile).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) : 0;
        await using var connection = await connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        var stories = await connection.ExecuteScalarAsync<long>("SELECT documents FROM cluster_stats WHERE id = 1").ConfigureAwait(false);
        var clusters = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM clusters").ConfigureAwait(false);
        var bandRows = await connection.ExecuteScalarAsync<long>("SELECT sum(length(bands)) / 8 FROM cluster_members").ConfigureAwait(false);
        var terms = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM cluster_terms").ConfigureAwait(false);
        var centroidBytes = await connection.ExecuteScalarAsync<long>("SELECT sum(length(centroid)) FROM clusters").ConfigureAwait(false);
        Console.WriteLine($"index: {stories:N0} stories, {clusters:N0} clusters, {bandRows:N0} band keys ({(double)bandRows / stories:F1} a story), {terms:N0} terms, centroids {(double)centroidBytes / stories:F0} B a story");
        Console.WriteLine($"storage: {(bytes - empty) / (1024.0 * 1024):F0} MiB for the clustering tables = {(double)(bytes - empty) / stories:F0} bytes a story (database {bytes / (1024.0 * 1024):F0} MiB)");
    }
}
