using System.Runtime.InteropServices;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// What the running service says about its configuration: each refused edit is logged once, with
/// where and why, and the state is written to config-status.json beside the database, where
/// <c>feeddigest config validate</c> (another process) reads it. SIGHUP reloads every file.
/// </summary>
internal sealed class ConfigurationStatus(
    ConfigurationHealth health,
    IConfiguration configuration,
    IOptions<StorageOptions> storage,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<ConfigurationStatus> logger) : IHostedService, IDisposable
{
    public const string FileName = "config-status.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly Lock gate = new();
    private HashSet<ConfigurationHealth.Refusal> reported = [];
    private PosixSignalRegistration? hangup;

    /// <summary>The status as the file holds it.</summary>
    public sealed record Snapshot(int ProcessId, DateTimeOffset StartedAt, bool RunningOnLastGood, IReadOnlyList<ConfigurationHealth.Refusal> Refusals);

    public static string PathFor(StorageOptions storage, string contentRoot) =>
        SqliteDatabaseMaintenance.PathBesideDatabase(storage, contentRoot, FileName);

    private string StatusPath => PathFor(storage.Value, environment.ContentRootPath);

    private DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        health.Changed += OnChanged;
        if (configuration is IConfigurationRoot root && !OperatingSystem.IsWindows())
        {
            hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // SIGHUP means "reload" to admins and to systemctl reload; it must not end the process.
                context.Cancel = true;
                logger.LogInformation("SIGHUP: reloading the configuration");
                root.Reload();
            });
        }

        OnChanged();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        health.Changed -= OnChanged;
        File.Delete(StatusPath);
        return Task.CompletedTask;
    }

    public void Dispose() => hangup?.Dispose();

    /// <summary>The running service's status, or null when no service runs on this database.</summary>
    public static Snapshot? Read(string path)
    {
        try
        {
            var snapshot = JsonSerializer.Deserialize<Snapshot>(File.ReadAllText(path));
            return snapshot is not null && IsRunning(snapshot.ProcessId) ? snapshot : null;
        }
        catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void OnChanged()
    {
        lock (gate)
        {
            var refusals = health.Refusals;
            foreach (var refusal in refusals.Where(r => !reported.Contains(r)))
            {
                logger.LogError(
                    "Configuration edit refused ({Source}); still running on the last good configuration: {Problems}",
                    refusal.Source, string.Join(" | ", refusal.Problems));
            }

            if (refusals.Count == 0 && reported.Count > 0)
            {
                logger.LogInformation("Configuration accepted: running on the configuration as written again");
            }

            reported = [.. refusals];
            WriteStatus(new Snapshot(Environment.ProcessId, StartedAt, refusals.Count > 0, refusals));
        }
    }

    private void WriteStatus(Snapshot snapshot)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(StatusPath)!);
            var temporary = StatusPath + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(snapshot, Json));
            File.Move(temporary, StatusPath, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot write {StatusFile}: {Reason}", StatusPath, exception.Message);
        }
    }
}
