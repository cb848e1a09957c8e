using Microsoft.Data.Sqlite;
using FeedDigest.Core.Stories;
using Microsoft.Extensions.Logging;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// Brings the schema up to date from the numbered SQL scripts embedded under Migrations/, each in
/// its own transaction, recording what ran in schema_migrations. Scripts are SQLite's own dialect:
/// another provider gets its own folder of scripts.
/// </summary>
internal sealed class SqliteMigrator(SqliteConnectionFactory connections, TimeProvider timeProvider, ILogger<SqliteMigrator> logger) : IDatabaseMigrator
{
    private const string ResourcePrefix = "FeedDigest.Infrastructure.Storage.Sqlite.Migrations.";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(connections.DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Scripts that turn stored keys into what the code now computes call the code itself.
        connection.CreateFunction<string, string, long>("feeddigest_key_hash", StoryIdentity.KeyHash, isDeterministic: true);
        // WAL lets the digest job read while a poll writes; it is a property of the file, set once.
        await SqliteStatements.ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await SqliteStatements.ExecuteAsync(
            connection,
            null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
            cancellationToken).ConfigureAwait(false);
        var applied = await AppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);

        foreach (var (version, name) in Scripts())
        {
            if (applied.Contains(version))
            {
                continue;
            }

            var sql = ReadScript(name);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await SqliteStatements.ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
            await SqliteStatements.ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $appliedAt)",
                cancellationToken,
                ("$version", version),
                ("$name", name),
                ("$appliedAt", SqliteTime.ToText(timeProvider.GetUtcNow()))).ConfigureAwait(false);

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Applied database migration {Version} ({Name}) to {DatabasePath}", version, name, connections.DatabasePath);
        }
    }

    // Plain commands, not Dapper: every start of the service and of each CLI command runs this, and
    // a first Dapper call loads and initialises Dapper for this alone.
    private static async Task<HashSet<long>> AppliedVersionsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT version FROM schema_migrations";
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt64(0));
        }

        return applied;
    }

    private static IEnumerable<(long Version, string Name)> Scripts() =>
        typeof(SqliteMigrator).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Select(n => (Version: long.Parse(n[..n.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), Name: n))
            .OrderBy(s => s.Version);

    private static string ReadScript(string name)
    {
        using var stream = typeof(SqliteMigrator).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"Migration {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
