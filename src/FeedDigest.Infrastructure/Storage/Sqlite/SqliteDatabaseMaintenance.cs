using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>Backup and compaction of the database file, for <c>feeddigest db backup|vacuum</c>.</summary>
public static class SqliteDatabaseMaintenance
{
    /// <summary>The database file the connection string names, relative paths taken from the content root.</summary>
    public static string DatabasePath(StorageOptions options, string contentRoot)
    {
        var dataSource = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        return Path.GetFullPath(dataSource, contentRoot);
    }

    /// <summary>A file of the running service's kept beside the database (its status, its control socket), so each database has its own.</summary>
    public static string PathBesideDatabase(StorageOptions options, string contentRoot, string fileName) =>
        Path.Combine(Path.GetDirectoryName(DatabasePath(options, contentRoot))!, fileName);

    /// <summary>
    /// Copies the database to <paramref name="target"/> with SQLite's online backup API: a consistent
    /// snapshot taken while the service keeps reading and writing (WAL included), unlike a file copy.
    /// The copy is written beside the target and renamed into place, so a failed backup never leaves
    /// half a file under the target's name.
    /// </summary>
    public static async Task BackupAsync(string databasePath, string target, CancellationToken cancellationToken)
    {
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var source = new SqliteConnection(Open(databasePath, SqliteOpenMode.ReadOnly)))
            await using (var copy = new SqliteConnection(Open(temporary, SqliteOpenMode.ReadWriteCreate)))
            {
                await source.OpenAsync(cancellationToken).ConfigureAwait(false);
                await copy.OpenAsync(cancellationToken).ConfigureAwait(false);
                source.BackupDatabase(copy);
                // A backup is one file to carry away: no WAL beside it.
                await using var journal = copy.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode = DELETE;";
                await journal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            SqliteConnection.ClearAllPools();
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Rebuilds the database file without its free pages; returns the sizes before and after, in bytes.</summary>
    public static async Task<(long Before, long After)> VacuumAsync(string databasePath, CancellationToken cancellationToken)
    {
        var before = new FileInfo(databasePath).Length;
        await using (var connection = new SqliteConnection(Open(databasePath, SqliteOpenMode.ReadWrite)))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            // VACUUM waits for the service's writers like any write; the busy timeout covers a burst.
            command.CommandText = "PRAGMA busy_timeout = 30000; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        SqliteConnection.ClearAllPools();
        return (before, new FileInfo(databasePath).Length);
    }

    private static string Open(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString();
}
