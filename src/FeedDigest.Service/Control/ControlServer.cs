using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Polling;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Control;

/// <summary>
/// Listens on the control socket (<see cref="ControlSocket"/>) while the service runs and polls every
/// feed when a command asks. A second process polling the same database would fetch the same feeds
/// twice and contend with the service for the database; the service, started and warm, also answers
/// sooner than a new process can start. Requests are served one at a time, as polls run anyway.
/// </summary>
internal sealed class ControlServer(
    PollRunner polls,
    IConfiguration configuration,
    IOptions<StorageOptions> storage,
    IHostEnvironment environment,
    ShutdownDeadline shutdownDeadline,
    ILogger<ControlServer> logger) : BackgroundService
{
    // A client that connects and says nothing is not waited for long.
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = ControlSocket.PathFor(storage.Value, environment.ContentRootPath);
        using var listener = await TryListenAsync(path, stoppingToken).ConfigureAwait(false);
        if (listener is null)
        {
            return;
        }

        var configurationFiles = new ConfigurationFiles(configuration);
        try
        {
            while (true)
            {
                using var connection = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await ServeAsync(connection, configurationFiles, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // One request's failure (a broken connection, a bug) ends that request, not the service.
                    logger.LogError(exception, "A request on the control socket {Socket} failed", path);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service is stopping.
        }
        catch (SocketException exception)
        {
            // The socket itself failed (its file removed, the system out of resources): the service runs on without it.
            logger.LogWarning("The control socket {Socket} stopped accepting requests: {Reason}. Commands such as poll --once now poll from their own process", path, exception.Message);
        }
        finally
        {
            TryDelete(path);
        }
    }

    private async Task<Socket?> TryListenAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            if (await ControlClient.AnswersAsync(path, cancellationToken).ConfigureAwait(false))
            {
                logger.LogWarning(
                    "Another FeedDigest service answers on {Socket}: two services on one database poll the same feeds twice. This one takes no requests on it; stop one of them",
                    path);
                return null;
            }

            // Left by a service that did not stop cleanly.
            TryDelete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                // Only the service's own account (and root) may ask it to poll.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            socket.Listen(8);
            return socket;
        }
        catch (Exception exception) when (exception is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            socket.Dispose();
            logger.LogWarning(
                "Cannot open the control socket {Socket}: {Reason}. The service runs on; commands such as poll --once then poll from their own process",
                path,
                exception.Message);
            return null;
        }
    }

    private async Task ServeAsync(Socket connection, ConfigurationFiles configurationFiles, CancellationToken stoppingToken)
    {
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        string? request;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            wait.CancelAfter(RequestWait);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 256, leaveOpen: true);
            try
            {
                request = await reader.ReadLineAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (IOException)
            {
                return;
            }
        }

        if (request is null)
        {
            // Connected and went (a check whether the service listens).
            return;
        }

        PollReply reply;
        if (request != ControlSocket.PollRequest)
        {
            reply = Failed($"unknown request \"{request}\"; the only one is \"{ControlSocket.PollRequest}\"");
        }
        else
        {
            reply = await PollAsync(configurationFiles).ConfigureAwait(false);
        }

        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(reply, ControlJson.Default.PollReply) + "\n"), stoppingToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The command went away (Ctrl+C) before the poll ended; the poll's work is kept all the same.
        }
    }

    private async Task<PollReply> PollAsync(ConfigurationFiles configurationFiles)
    {
        // An edit made just before the request (`feeds add`, then `poll --once`) counts, though the
        // files' watcher may not have seen it yet.
        configurationFiles.ReloadIfChanged();
        try
        {
            // As a tick does: a stop lets the poll under way finish within the shutdown grace.
            var outcome = await polls.RunAsync(allFeeds: true, shutdownDeadline.Token).ConfigureAwait(false);
            logger.LogInformation(
                "Poll asked for through the control socket: {FeedCount} feeds checked, {FailedCount} failed, {NewCount} new stories in {Seconds:F2} s",
                outcome.Report.FeedsChecked,
                outcome.Report.FeedsFailed,
                outcome.Report.NewStories,
                outcome.PollTook.TotalSeconds);
            return new PollReply(Environment.ProcessId, outcome, null);
        }
        catch (OperationCanceledException) when (shutdownDeadline.Token.IsCancellationRequested)
        {
            return Failed("the service stopped before the poll ended; the feeds not reached are polled after it starts again");
        }
        catch (CatalogNotSyncedException exception)
        {
            return Failed($"{exception.Message}; no feed is polled until they are, and the service's log has the details");
        }
        catch (Exception exception)
        {
            // A bug, not an expected failure (a feed's failure is a figure of the reply): the service runs on.
            logger.LogError(exception, "Poll asked for through the control socket failed unexpectedly");
            return Failed($"the poll failed unexpectedly ({exception.GetType().Name}: {exception.Message}); the service's log has the details");
        }
    }

    private static PollReply Failed(string error) => new(Environment.ProcessId, null, error);

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot remove the control socket {Socket}: {Reason}", path, exception.Message);
        }
    }

    /// <summary>The configuration's files and when they were last written, to reload them when an edit is newer.</summary>
    private sealed class ConfigurationFiles
    {
        private readonly IConfigurationRoot? root;
        private readonly List<string> paths;
        private DateTime loadedWrite;

        public ConfigurationFiles(IConfiguration configuration)
        {
            root = configuration as IConfigurationRoot;
            paths = root?.Providers.OfType<FileConfigurationProvider>()
                .Select(provider => provider.Source.FileProvider?.GetFileInfo(provider.Source.Path ?? string.Empty).PhysicalPath)
                .OfType<string>()
                .ToList() ?? [];
            loadedWrite = LatestWrite();
        }

        public void ReloadIfChanged()
        {
            var latest = LatestWrite();
            if (latest > loadedWrite)
            {
                root?.Reload();
                loadedWrite = latest;
            }
        }

        private DateTime LatestWrite() => paths.Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
    }
}
