using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
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
/// Listens on the control socket (<see cref="ControlSocket"/>) while the service runs, and polls every
/// feed or renders a subscriber's digest preview when a command asks. A second process polling the
/// same database would fetch the same feeds twice and contend with the service for the database; one
/// rendering a preview would sync the catalog (rename feeds in the store) after an edit while the
/// service's poll runs on the catalog before it, which the service's catalog lease only prevents
/// within its own process. The service, started and warm, also answers sooner than a new process can
/// start. Requests are served one at a time, as polls run anyway.
/// </summary>
internal sealed class ControlServer(
    PollRunner polls,
    ICatalogSource catalogs,
    DigestDispatcher digests,
    IConfiguration configuration,
    IOptions<StorageOptions> storage,
    IHostEnvironment environment,
    ShutdownDeadline shutdownDeadline,
    ILogger<ControlServer> logger) : BackgroundService
{
    // A client that connects and says nothing is not waited for long.
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(5);

    // Requests are served one at a time: a client that does not read its reply (a digest's HTML is
    // larger than the socket's buffer) must not hold the socket from every other command.
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(10);

    // The longest request there is: "preview" and an address (at most 254 characters), JSON-escaped.
    private const int MaxRequestLength = 4096;

    // What a refused request is told.
    private static readonly string KnownRequests = $"the requests are {ControlSocket.PollRequest} and {ControlSocket.PreviewRequestFor("EMAIL")} (the address as a JSON string)";

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
            logger.LogWarning("The control socket {Socket} stopped accepting requests: {Reason}. Commands such as poll --once and digest preview now do their work in their own process", path, exception.Message);
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
                "Cannot open the control socket {Socket}: {Reason}. The service runs on; commands such as poll --once and digest preview then do their work in their own process",
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
                request = await ReadRequestAsync(reader, wait.Token).ConfigureAwait(false);
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

        string reply;
        if (request.Length > MaxRequestLength)
        {
            reply = JsonSerializer.Serialize(
                Failed($"the request is longer than {MaxRequestLength} characters; {KnownRequests}"),
                ControlJson.Default.PollReply);
        }
        else if (request == ControlSocket.PollRequest)
        {
            reply = JsonSerializer.Serialize(await PollAsync(configurationFiles).ConfigureAwait(false), ControlJson.Default.PollReply);
        }
        else if (ControlSocket.IsPreviewRequest(request))
        {
            reply = JsonSerializer.Serialize(await PreviewAsync(ControlSocket.PreviewedAddress(request), configurationFiles).ConfigureAwait(false), ControlJson.Default.PreviewReply);
        }
        else
        {
            reply = JsonSerializer.Serialize(
                Failed($"{ControlSocket.UnknownRequest} \"{(request.Length > 100 ? request[..100] + "…" : request)}\"; {KnownRequests}"),
                ControlJson.Default.PollReply);
        }

        using var replyWait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        replyWait.CancelAfter(ReplyWait);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"), replyWait.Token).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The command went away (Ctrl+C) before the reply: a poll's work is kept all the same.
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("A command on the control socket did not read its reply within {Seconds} s; it was dropped, and the next request is served", ReplyWait.TotalSeconds);
        }
    }

    /// <summary>
    /// The request line, without its end; null when the client sent nothing. Read up to one character
    /// past <see cref="MaxRequestLength"/>: a longer line is refused, not held in memory.
    /// </summary>
    private static async Task<string?> ReadRequestAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var buffer = new char[256];
        while (line.Length <= MaxRequestLength)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            var end = Array.IndexOf(buffer, '\n', 0, read);
            line.Append(buffer, 0, end < 0 ? read : end);
            if (end >= 0)
            {
                return line.ToString().TrimEnd('\r');
            }
        }

        return line.ToString();
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

    private async Task<PreviewReply> PreviewAsync(string? email, ConfigurationFiles configurationFiles)
    {
        if (email is null)
        {
            return PreviewFailed($"the request names no subscriber; it is {ControlSocket.PreviewRequestFor("EMAIL")}, the address as a JSON string");
        }

        // A subscriber added a moment before the command (`subscribers add`, then `digest preview`) counts.
        configurationFiles.ReloadIfChanged();
        try
        {
            // As a poll does: a stop lets the preview under way finish within the shutdown grace.
            var reply = await DigestPreview.RenderAsync(catalogs.Current, digests, email, shutdownDeadline.Token).ConfigureAwait(false);
            logger.LogInformation(
                "Digest preview for {Subscriber} asked for through the control socket: {Result}",
                email,
                reply.Error ?? (reply.Digest is null ? "no new stories match their topics" : "rendered"));
            return reply;
        }
        catch (OperationCanceledException) when (shutdownDeadline.Token.IsCancellationRequested)
        {
            return PreviewFailed("the service stopped before the preview was rendered; run the command again (it renders the preview itself while no service runs)");
        }
        catch (CatalogNotSyncedException exception)
        {
            return PreviewFailed($"{exception.Message}; no digest is previewed until they are, and the service's log has the details");
        }
        catch (Exception exception)
        {
            // A bug, not an expected failure: the service runs on.
            logger.LogError(exception, "Digest preview asked for through the control socket failed unexpectedly");
            return PreviewFailed($"the preview failed unexpectedly ({exception.GetType().Name}: {exception.Message}); the service's log has the details");
        }
    }

    private static PreviewReply PreviewFailed(string error) =>
        new(null, null, $"The running service (pid {Environment.ProcessId}) did not render the preview: {error}");

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
