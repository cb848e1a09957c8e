using FeedDigest.Infrastructure.Storage;
using Microsoft.Extensions.Hosting;

namespace FeedDigest.Service.Hosting;

/// <summary>Migrates the database before anything else starts; registered ahead of the scheduler.</summary>
internal sealed class DatabaseMigrationService(IDatabaseMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
