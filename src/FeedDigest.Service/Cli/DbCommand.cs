using System.CommandLine;
using System.Globalization;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest db backup FILE|vacuum</c>: database upkeep, safe while the service runs.</summary>
internal static class DbCommand
{
    public static Command Create(Option<string?> config)
    {
        var file = new Argument<string>("file") { Description = "Where to write the copy." };
        var backup = new Command("backup", "Copy the database to FILE with SQLite's online backup: consistent while the service keeps running.");
        backup.Arguments.Add(file);
        backup.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            var database = await PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var target = Path.GetFullPath(result.GetValue(file)!);
            await SqliteDatabaseMaintenance.BackupAsync(database, target, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Backed up {database} to {target} ({new FileInfo(target).Length:N0} bytes)."));
            return 0;
        }));

        var vacuum = new Command("vacuum", "Rebuild the database file without its free pages (after pruning), reporting the sizes before and after.");
        vacuum.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            var database = await PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var (before, after) = await SqliteDatabaseMaintenance.VacuumAsync(database, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Vacuumed {database}: {before:N0} bytes before, {after:N0} after."));
            return 0;
        }));

        var command = new Command("db", "Database upkeep.");
        command.Subcommands.Add(backup);
        command.Subcommands.Add(vacuum);
        return command;
    }

    private static async Task<string> PrepareAsync(IHost host, CancellationToken cancellationToken)
    {
        await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
        var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return SqliteDatabaseMaintenance.DatabasePath(storage, host.Services.GetRequiredService<IHostEnvironment>().ContentRootPath);
    }
}
