namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// When each periodic task last ran, in any process on the store (maintenance_runs, 0011): the
/// daily prune, and the latest reading of the clock the poll and the digest run acted on.
/// </summary>
internal static class MaintenanceRuns
{
    public static async Task<DateTimeOffset?> GetLastRunAsync(SqliteConnectionFactory connections, string task, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT last_run_at FROM maintenance_runs WHERE task = $task";
        query.Parameters.AddWithValue("$task", task);
        return await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string at ? SqliteTime.FromText(at) : null;
    }

    public static Task RecordRunAsync(SqliteConnectionFactory connections, string task, DateTimeOffset at, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            (scope, token) =>
            {
                var record = scope.Command("INSERT INTO maintenance_runs (task, last_run_at) VALUES ($task, $at) ON CONFLICT (task) DO UPDATE SET last_run_at = excluded.last_run_at");
                SqliteWriteScope.Set(record, "$task", task);
                SqliteWriteScope.Set(record, "$at", SqliteTime.ToText(at));
                return record.ExecuteNonQueryAsync(token);
            },
            cancellationToken);
}
