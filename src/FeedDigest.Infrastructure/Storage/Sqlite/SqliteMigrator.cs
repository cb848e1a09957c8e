using Dapper;
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
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet();

        foreach (var (version, name) in Scripts())
        {
            if (applied.Contains(version))
            {
                continue;
            }

            var sql = ReadScript(name);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)",
                new { version, name, appliedAt = SqliteTime.ToText(timeProvider.GetUtcNow()) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Applied database migration {Version} ({Name}) to {DatabasePath}", version, name, connections.DatabasePath);
        }
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
