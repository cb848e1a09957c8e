using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using FeedDigest.IntegrationTests.Support;

namespace FeedDigest.IntegrationTests.Service;

/// <summary>The systemd unit as Debian's systemd reads it, and the real process's sd_notify messages.</summary>
public sealed class SystemdServiceTests
{
    private static readonly string UnitFile = Path.Combine(SampleConfigurationTests.RepositoryRoot(), "deploy", "systemd", "feeddigest.service");

    [Fact]
    public async Task Unit_HasTheRequiredSettings_AndSystemdAnalyzeVerifyPassesIt()
    {
        var unit = await File.ReadAllLinesAsync(UnitFile);
        string[] required = ["Type=notify", "Restart=on-failure", "StateDirectory=feeddigest", "ProtectSystem=strict", "ProtectHome=true", "NoNewPrivileges=true", "PrivateTmp=true"];
        Assert.All(required, setting => Assert.Contains(setting, unit));
        Assert.Contains(unit, line => line.StartsWith("User=", StringComparison.Ordinal) || line == "DynamicUser=yes");

        using var directory = new TempDirectory();
        // systemd-analyze checks that ExecStart's binary exists; here it is the built executable
        // instead of /opt/feeddigest/feeddigest, with the unit's own arguments.
        var executable = Path.Combine(AppContext.BaseDirectory, "feeddigest");
        var copy = Path.Combine(directory.Path, "feeddigest.service");
        await File.WriteAllLinesAsync(copy, unit.Select(line => line.StartsWith("ExecStart=/opt/feeddigest/feeddigest ", StringComparison.Ordinal) ? "ExecStart=" + executable + line["ExecStart=/opt/feeddigest/feeddigest".Length..] : line));
        var (exitCode, output) = await VerifyAsync(copy);
        Assert.True(exitCode == 0 && output.Length == 0, output);

        // The check can fail: a unit with an unknown setting and a missing binary does not pass.
        var broken = Path.Combine(directory.Path, "broken.service");
        await File.WriteAllLinesAsync(broken, unit.Select(line => line == "Type=notify" ? "Type=notfy" : line));
        var (brokenExit, brokenOutput) = await VerifyAsync(broken);
        Assert.True(brokenExit != 0 || brokenOutput.Length > 0, "systemd-analyze passed a broken unit");
    }

    [Fact]
    public async Task RealProcess_TellsNotifySocketReady_ReloadsOnSighup_AndSaysStoppingOnSigterm()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "wire.xml"), FeedDocuments.Rss(("1", "VPN story", "x")));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), """
            { "FeedDigest": { "Feeds": [ { "Id": "wire", "Url": "feeds/wire.xml" } ] } }
            """);
        var socketPath = Path.Combine(directory.Path, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        await using var service = RunningService.Start(directory.Path, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath });
        Assert.Equal("READY=1", await ReceiveAsync(socket, TimeSpan.FromSeconds(60)));

        service.Signal(RunningService.SignalHangup);
        Assert.True(await service.WaitForOutputAsync("SIGHUP: reloading the configuration", TimeSpan.FromSeconds(10)), service.Output);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(service.HasExited, "SIGHUP ended the process: " + service.Output);

        service.Signal(RunningService.SignalTerminate);
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        var count = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }

    private static async Task<(int ExitCode, string Output)> VerifyAsync(string unit)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(unit);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
