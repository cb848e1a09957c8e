using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// A statement prepared on a connection's native handle and bound by position. For the one
/// statement a first poll runs tens of thousands of times (a story's insert), ADO.NET's binding
/// by parameter name (each name looked up in the statement and converted to UTF-8, each time)
/// cost as much as SQLite's own work; so did a story's cluster membership, written once per story too,
/// and a feed's state, written once per feed per poll.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 database;
    private readonly sqlite3_stmt statement;

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(database, sql, out statement));
    }

    /// <param name="index">1-based, in the order the statement's parameters appear.</param>
    /// <remarks>
    /// Bound as UTF-16, which SQLite converts as it stores: the UTF-8 overload made a managed
    /// byte array of each value first, and a story's summary runs to thousands of characters.
    /// </remarks>
    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    public void Bind(int index, long? value) =>
        Check(value is { } number ? raw.sqlite3_bind_int64(statement, index, number) : raw.sqlite3_bind_null(statement, index));

    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(statement, index, value));

    /// <summary>Runs an INSERT and returns the new row's id.</summary>
    public long Insert()
    {
        Execute();
        return raw.sqlite3_last_insert_rowid(database);
    }

    /// <summary>Runs a statement that returns no rows, and returns how many rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var result = raw.sqlite3_step(statement);
            if (result != raw.SQLITE_DONE)
            {
                Check(result);
            }

            return raw.sqlite3_changes(database);
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    /// <summary>Steps a query: true with a row to read (<see cref="Int64"/>, <see cref="Blob"/>), false when there is none left.</summary>
    /// <remarks>Call <see cref="Reset"/> when done: a query not reset keeps its read open.</remarks>
    public bool Read()
    {
        var result = raw.sqlite3_step(statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }

        Check(result);
        return false;
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(statement, column);

    /// <summary>The column's bytes, valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(statement, column);

    /// <summary>Ends a query, and clears its bindings, for the next use.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(statement);
        raw.sqlite3_clear_bindings(statement);
    }

    public void Dispose() => statement.Dispose();

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(database).utf8_to_string(), result, raw.sqlite3_extended_errcode(database));
        }
    }
}
