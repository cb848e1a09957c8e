using FeedDigest.Core.Ports;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteFeedHistory(SqliteConnectionFactory connections) : IFeedHistory
{
    public async Task<bool> HasStoredItemsAsync(string feedId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT items_stored FROM feeds WHERE id = $feedId";
        query.Parameters.AddWithValue("$feedId", feedId);
        return await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long stored && stored != 0;
    }

    public Task RecordItemsStoredAsync(string feedId, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (scope, token) =>
            {
                var update = scope.Command("UPDATE feeds SET items_stored = 1 WHERE id = $feedId");
                SqliteWriteScope.Set(update, "$feedId", feedId);
                return await update.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
}
