using System.Net.Sockets;
using System.Text;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Control;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary>The control socket against clients that misbehave or answer in its place (the real service process, the real socket).</summary>
public sealed class ControlSocketRobustnessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Requests are served one at a time. A local client that sends a long request (here a 1 MB
    /// address) and never reads its reply must not block the socket, nor have the service hold and
    /// log the whole request: it is refused once past its bound, and the next command is answered.
    /// </summary>
    [Fact]
    public async Task AClientSendingALongRequest_AndNotReadingItsReply_DoesNotBlockTheControlSocketForOthers()
    {
        using var directory = new TempDirectory();
        await WriteSettingsAsync(directory);
        await using var service = RunningService.Start(directory.Path);
        var socket = Path.Combine(directory.Path, "data", ControlSocket.FileName);
        Assert.True(await Eventually.WaitUntilAsync(() => ControlClient.AnswersAsync(socket, default), Patience), service.Output);
        Assert.True(await service.WaitForOutputAsync("Poll: 1 feeds checked", Patience), service.Output);

        // A preview request naming a 1 MB address, whose reply is never read. The service may close
        // the connection before all of it is sent.
        using var stuck = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await stuck.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        var request = Encoding.UTF8.GetBytes(ControlSocket.PreviewRequestFor(new string('a', 1 << 20) + "@example.org") + "\n");
        try
        {
            await stuck.SendAsync(request, SocketFlags.None);
        }
        catch (SocketException)
        {
        }

        await AnotherCommandIsAnsweredAsync(socket);
        Assert.DoesNotContain(new string('a', 5000), service.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A digest's HTML is larger than the socket's buffer: a client that asks for a preview and never
    /// reads the reply leaves the service's write waiting. It is dropped after a while, and the next
    /// command is answered.
    /// </summary>
    [Fact]
    public async Task AClientNotReadingALargePreview_DoesNotBlockTheControlSocketForOthers()
    {
        using var directory = new TempDirectory();
        var items = Enumerable.Range(1, 600)
            .Select(i => ($"big-{i}", $"VPN report {i} {Guid.NewGuid():N}", string.Join(' ', Enumerable.Range(0, 60).Select(_ => Guid.NewGuid().ToString("N")))))
            .ToArray();
        await WriteSettingsAsync(directory, FeedDocuments.Rss(items), """ "Digests": { "MaxStoriesPerDigest": 1000, "SummaryLength": 5000 }, """);
        await using var service = RunningService.Start(directory.Path);
        var socket = Path.Combine(directory.Path, "data", ControlSocket.FileName);
        Assert.True(await Eventually.WaitUntilAsync(() => ControlClient.AnswersAsync(socket, default), Patience), service.Output);
        Assert.True(await service.WaitForOutputAsync("Poll: 1 feeds checked", Patience), service.Output);

        using var stuck = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await stuck.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await stuck.SendAsync(Encoding.UTF8.GetBytes(ControlSocket.PreviewRequestFor("editor@example.org") + "\n"), SocketFlags.None);

        await AnotherCommandIsAnsweredAsync(socket);
        Assert.True(await service.WaitForOutputAsync("did not read its reply within", Patience), service.Output);
    }

    /// <summary>Another command asks for a preview, as <c>digest preview</c> does, and is answered within 20 s.</summary>
    private static async Task AnotherCommandIsAnsweredAsync(string socket)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        PreviewReply? reply = null;
        Exception? failure = null;
        try
        {
            reply = await ControlClient.TryPreviewAsync(socket, "quiet@example.org", patience.Token);
        }
        catch (OperationCanceledException exception)
        {
            failure = exception;
        }

        Assert.True(failure is null, "digest preview got no reply within 20 s: the control socket is blocked by a client that does not read");
        Assert.Equal("quiet@example.org", reply?.SubscriberKey);
    }

    /// <summary>
    /// <c>digest preview</c> names the file it writes (without <c>--out</c>) by the subscriber key the
    /// process answering on the socket returns: whatever answers on <c>data/feeddigest.sock</c> must
    /// not choose a path outside <c>data/</c> for the command's user (an admin, root) to write. Here a
    /// stand-in for the service (the socket is the port) answers with a key that climbs out of the folder.
    /// </summary>
    [Fact]
    public async Task DigestPreview_WritesOnlyUnderData_WhateverKeyTheSocketReturns()
    {
        using var directory = new TempDirectory();
        await WriteSettingsAsync(directory);
        var data = Path.Combine(directory.Path, "data");
        Directory.CreateDirectory(data);
        var socket = Path.Combine(data, ControlSocket.FileName);
        var escapeName = $"escaped-{Guid.NewGuid():N}";
        var escaped = Path.GetFullPath(Path.Combine(data, $"preview-../../../{escapeName}.html"));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socket));
        listener.Listen(1);
        var served = Task.Run(async () =>
        {
            using var connection = await listener.AcceptAsync();
            await using var stream = new NetworkStream(connection);
            using var reader = new StreamReader(stream);
            await reader.ReadLineAsync();
            var reply = $$"""{"SubscriberKey":"../../../{{escapeName}}","Digest":{"MessageId":"m","ToAddress":"editor@example.org","ToName":null,"Subject":"Digest","HtmlBody":"<p>chosen by the socket</p>","TextBody":"t","Date":"2026-01-01T00:00:00+00:00"},"Error":null}""";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"));
        });

        try
        {
            var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "preview", "--subscriber", "editor@example.org");
            await served;

            Assert.True(exitCode != 0 || stdout.Contains($"Written to {data}{Path.DirectorySeparatorChar}", StringComparison.Ordinal), $"exit {exitCode}: {stdout}{stderr}");
            Assert.False(File.Exists(escaped), $"the command wrote {escaped}, outside {data}: {stdout}");
        }
        finally
        {
            File.Delete(escaped);
        }
    }

    private static async Task WriteSettingsAsync(TempDirectory directory, string? feed = null, string digests = "")
    {
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "wire.xml"), feed ?? FeedDocuments.Rss(("wire-1", "VPN crackdown widens", "Details.")));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), $$"""
            {
              "FeedDigest": {{{digests}}
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
