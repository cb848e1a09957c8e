using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>Statements run once, outside a <see cref="SqliteWriteScope"/>'s prepared ones: schema scripts, a prune's steps.</summary>
internal static class SqliteStatements
{
    /// <summary>Runs <paramref name="sql"/> (one statement or a script of several) in <paramref name="transaction"/>, if any.</summary>
    public static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
