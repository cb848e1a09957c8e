using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Control;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary>
/// <c>digest preview</c> while the service runs on the same database asks the service to render the
/// preview, through its control socket, instead of syncing the catalog and clustering from a second
/// process beside the service's poll.
/// </summary>
public sealed class PreviewThroughServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The service runs with a subscriber address from its own environment, which the command's
    /// process does not have: only the service's catalog knows that subscriber.
    /// </summary>
    private static readonly Dictionary<string, string> ServiceOnlySubscriber = new() { ["FeedDigest__Subscribers__0__Email"] = "service-only@example.org" };

    [Fact]
    public async Task DigestPreview_WhileTheServiceRuns_IsRenderedByTheService_AndWrittenWhereTheCommandWritesIt()
    {
        using var directory = new TempDirectory();
        await WriteSettingsAsync(directory);
        await using var service = await StartServiceAsync(directory);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "preview", "--subscriber", "Service-Only@Example.org");

        Assert.True(exitCode == 0, stderr + service.Output);
        // The file is named by the subscriber's key, beside the command's working directory, as before.
        var written = Path.Combine(directory.Path, "data", "preview-service-only@example.org.html");
        Assert.Contains($"\nWritten to {written}", stdout, StringComparison.Ordinal);
        Assert.Contains("VPN crackdown widens", await File.ReadAllTextAsync(written), StringComparison.Ordinal);
        Assert.True(await service.WaitForOutputAsync("Digest preview for Service-Only@Example.org asked for through the control socket: rendered", Patience), service.Output);

        // A subscriber whose topics match no new story: nothing is written, as before.
        var quiet = await FeedDigestProcess.RunAsync(directory.Path, "digest", "preview", "--subscriber", "quiet@example.org", "--out", "quiet.html");
        Assert.True(quiet.ExitCode == 0, quiet.Stderr + service.Output);
        Assert.Contains("No new stories match quiet@example.org's topics: the next digest would be empty, so none would be sent.", quiet.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory.Path, "quiet.html")));
        Assert.True(await service.WaitForOutputAsync("Digest preview for quiet@example.org asked for through the control socket: no new stories match their topics", Patience), service.Output);
    }

    [Fact]
    public async Task DigestPreview_OfAnUnknownSubscriber_ThroughTheService_SaysWhoIsKnown_AndTheServiceGoesOnServing()
    {
        using var directory = new TempDirectory();
        await WriteSettingsAsync(directory);
        await using var service = await StartServiceAsync(directory);
        var socket = SocketPath(directory);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "preview", "--subscriber", "nobody@example.org");

        Assert.Equal(1, exitCode);
        // The subscribers known are the service's.
        Assert.Contains("No subscriber nobody@example.org in the configuration; known: service-only@example.org, quiet@example.org", stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);

        // The address travels as a JSON string: a line break in it does not cut the request short.
        var split = await ControlClient.TryPreviewAsync(socket, "nobody\n@example.org", default);
        Assert.StartsWith("No subscriber nobody\n@example.org in the configuration;", split?.Error, StringComparison.Ordinal);

        // A preview request naming no subscriber is refused with the form it takes.
        var refused = JsonSerializer.Deserialize(await AskAsync(socket, "preview nobody@example.org"), ControlJson.Default.PreviewReply);
        Assert.Equal(
            $"The running service (pid {service.ProcessId}) did not render the preview: the request names no subscriber; it is preview \"EMAIL\", the address as a JSON string",
            refused?.Error);

        var polled = await FeedDigestProcess.RunAsync(directory.Path, "poll", "--once");
        Assert.True(polled.ExitCode == 0, polled.Stderr + service.Output);
        Assert.Contains($"Polled by the running service (pid {service.ProcessId}).", polled.Stdout, StringComparison.Ordinal);
        Assert.False(service.HasExited);
    }

    /// <summary>
    /// The binaries were upgraded and the service, started from an earlier release, not restarted:
    /// it answers the preview request as one it does not know. The command says what to do.
    /// </summary>
    [Fact]
    public async Task DigestPreview_WhileAServiceFromAnEarlierReleaseRuns_SaysToRestartIt()
    {
        using var directory = new TempDirectory();
        await WriteSettingsAsync(directory);
        var socket = SocketPath(directory);
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socket));
        listener.Listen();
        var answering = Task.Run(async () =>
        {
            // As the release before `digest preview` went through the service answered.
            using var client = await listener.AcceptAsync();
            await using var stream = new NetworkStream(client);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var request = await reader.ReadLineAsync();
            var reply = JsonSerializer.Serialize(new { ProcessId = 4242, Outcome = (object?)null, Error = $"unknown request \"{request}\"; the only one is \"poll\"" });
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"));
        });

        var (exitCode, _, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "preview", "--subscriber", "editor@example.org");
        await answering.WaitAsync(Patience);

        Assert.Equal(1, exitCode);
        Assert.Contains("The running service does not render previews: it was started from an earlier release than this command", stderr, StringComparison.Ordinal);
        Assert.Contains("Restart the service, then run the command again.", stderr, StringComparison.Ordinal);
    }

    private static async Task<RunningService> StartServiceAsync(TempDirectory directory)
    {
        var service = RunningService.Start(directory.Path, ServiceOnlySubscriber);
        Assert.True(await Eventually.WaitUntilAsync(() => ControlClient.AnswersAsync(SocketPath(directory), default), Patience), service.Output);
        Assert.True(await service.WaitForOutputAsync("Poll: 1 feeds checked", Patience), service.Output);
        return service;
    }

    private static async Task<string> AskAsync(string socket, string request)
    {
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await using var stream = new NetworkStream(client);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n"));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static string SocketPath(TempDirectory directory) => Path.Combine(directory.Path, "data", ControlSocket.FileName);

    /// <summary>One feed with a story about VPNs; a subscriber to VPN stories and one to a topic nothing matches.</summary>
    private static async Task WriteSettingsAsync(TempDirectory directory)
    {
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "wire.xml"), FeedDocuments.Rss(("wire-1", "VPN crackdown widens", "Details.")));
        // Digests are due on 29 February only, so none goes out (moving the cut-off) while a test runs.
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), """
            {
              "FeedDigest": {
                "Stories": { "NewFeedWindow": "3650.00:00:00" },
                "Feeds": [ { "Id": "wire", "Url": "feeds/wire.xml" } ],
                "Topics": [ { "Id": "vpn", "Query": "VPN" }, { "Id": "cats", "Query": "cats" } ],
                "Subscribers": [
                  { "Email": "editor@example.org", "Topics": [ "vpn" ], "Cron": "0 0 29 2 *" },
                  { "Email": "quiet@example.org", "Topics": [ "cats" ], "Cron": "0 0 29 2 *" }
                ]
              }
            }
            """);
    }
}
