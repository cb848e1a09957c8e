namespace FeedDigest.Infrastructure.Storage;

/// <summary>Brings the configured database's schema up to date; run once at start-up.</summary>
public interface IDatabaseMigrator
{
    Task MigrateAsync(CancellationToken cancellationToken);
}
