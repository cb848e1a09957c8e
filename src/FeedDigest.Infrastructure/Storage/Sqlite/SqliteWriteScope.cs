using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The connection and transaction a batch of writes shares, and its prepared statements: a batch
/// runs the same few statements hundreds of times, and preparing each anew cost more than running it.
/// </summary>
internal sealed class SqliteWriteScope(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteRawStatement> preparedRaw = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; } = transaction;

    /// <summary>The command for <paramref name="sql"/>, prepared on first use; set its parameters with <see cref="Set"/>.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.Transaction = Transaction;
            command.CommandText = sql;
            prepared.Add(sql, command);
        }

        return command;
    }

    /// <summary>The native statement for <paramref name="sql"/>, prepared on first use: for the hottest statements (<see cref="SqliteRawStatement"/>).</summary>
    public SqliteRawStatement RawStatement(string sql)
    {
        if (!preparedRaw.TryGetValue(sql, out var statement))
        {
            statement = new SqliteRawStatement(Connection, sql);
            preparedRaw.Add(sql, statement);
        }

        return statement;
    }

    public static void Set(SqliteCommand command, string name, object? value)
    {
        var parameter = command.Parameters.Contains(name) ? command.Parameters[name] : command.Parameters.Add(new SqliteParameter { ParameterName = name });
        parameter.Value = value ?? DBNull.Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in prepared.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var statement in preparedRaw.Values)
        {
            statement.Dispose();
        }

        await Transaction.DisposeAsync().ConfigureAwait(false);
    }
}
