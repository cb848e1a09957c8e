using System.Net.Sockets;
using System.Text;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Control;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary>
/// <c>poll --once</c> while the service runs on the same database asks the service to poll, through
/// its control socket, instead of fetching the same feeds from a second process.
/// </summary>
public sealed class PollThroughServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PollOnce_WhileTheServiceRuns_IsDoneByTheService_WithTheEditJustMade()
    {
        using var directory = new TempDirectory();
        await WriteFeedAsync(directory, "wire", "VPN crackdown widens");
        await WriteConfigurationAsync(directory, "wire");
        var socket = SocketPath(directory);
        await using var service = RunningService.Start(directory.Path);
        Assert.True(await Eventually.WaitUntilAsync(() => File.Exists(socket), Patience), service.Output);
        Assert.True(await service.WaitForOutputAsync("Poll: 1 feeds checked", Patience), service.Output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        }

        // Anything but a poll request is refused with a reason, and the service goes on serving.
        Assert.Contains("unknown request", await AskAsync(socket, "DROP TABLE stories"), StringComparison.Ordinal);

        // A feed added a moment before the command: the service reads the edit before polling.
        await WriteFeedAsync(directory, "agency", "VPN sellers fined");
        await WriteConfigurationAsync(directory, "wire", "agency");
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "poll", "--once");

        Assert.True(exitCode == 0, stderr + service.Output);
        // Its story may be stored by then by the service's own tick, which saw the edit too.
        Assert.Contains("2 feeds checked, 0 failed,", stdout, StringComparison.Ordinal);
        Assert.Contains($"Polled by the running service (pid {service.ProcessId}).", stdout, StringComparison.Ordinal);
        Assert.True(await service.WaitForOutputAsync("Poll asked for through the control socket: 2 feeds checked, 0 failed", Patience), service.Output);

        service.Signal(RunningService.SignalTerminate);
        Assert.Equal(0, await service.WaitForExitAsync(Patience));
        Assert.False(File.Exists(socket), "a stopped service leaves no socket behind");
    }

    [Fact]
    public async Task PollOnce_WithASocketNoServiceListensOn_PollsInItsOwnProcess_AndTheServiceTakesTheSocketOver()
    {
        using var directory = new TempDirectory();
        await WriteFeedAsync(directory, "wire", "VPN crackdown widens");
        await WriteConfigurationAsync(directory, "wire");
        var socket = SocketPath(directory);
        // A service killed (SIGKILL, a power cut) leaves its socket's file, with nothing listening.
        await using (var killed = RunningService.Start(directory.Path))
        {
            Assert.True(await Eventually.WaitUntilAsync(() => File.Exists(socket), Patience), killed.Output);
        }

        Assert.True(File.Exists(socket));
        Assert.False(await ControlClient.AnswersAsync(socket, default));

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "poll", "--once");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("1 feeds checked, 0 failed,", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("running service", stdout, StringComparison.Ordinal);

        await using var service = RunningService.Start(directory.Path);
        Assert.True(await Eventually.WaitUntilAsync(() => ControlClient.AnswersAsync(socket, default), Patience), service.Output);
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

    private static Task WriteFeedAsync(TempDirectory directory, string id, string title)
    {
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        return File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", id + ".xml"), FeedDocuments.Rss((id + "-1", title, "Details.")));
    }

    private static Task WriteConfigurationAsync(TempDirectory directory, params string[] feedIds) =>
        File.WriteAllTextAsync(
            Path.Combine(directory.Path, "appsettings.json"),
            $$"""{ "FeedDigest": { "Feeds": [ {{string.Join(", ", feedIds.Select(id => $$"""{ "Id": "{{id}}", "Url": "feeds/{{id}}.xml" }"""))}} ], "Topics": [ { "Id": "vpn", "Query": "VPN" } ] } }""");
}
