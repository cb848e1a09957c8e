using System.Diagnostics;
using System.Text;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>The real <c>feeddigest run</c> process, for tests that signal it and read what it logs.</summary>
public sealed class RunningService : IAsyncDisposable
{
    public const string SignalHangup = "HUP";
    public const string SignalTerminate = "TERM";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private RunningService(Process process) => this.process = process;

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static RunningService Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServiceBuild());
        start.ArgumentList.Add("run");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var service = new RunningService(Process.Start(start)!);
        service.process.OutputDataReceived += (_, e) => service.Append(e.Data);
        service.process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        service.process.BeginOutputReadLine();
        service.process.BeginErrorReadLine();
        return service;
    }

    public Task<bool> WaitForOutputAsync(string text, TimeSpan timeout) =>
        Eventually.WaitUntilAsync(() => Output.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Sends a POSIX signal (SIGHUP, SIGTERM), as systemctl and kill do.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>
    /// The Service project's own build output, not the copy beside the tests: with ASP.NET Core's
    /// shared framework in the test project, the copy lacks the HealthChecks assemblies Quartz's
    /// hosted service loads, which feeddigest's runtimeconfig (NETCore.App only) cannot find.
    /// </summary>
    private static string ServiceBuild()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        return Path.Combine(SampleConfigurationTests.RepositoryRoot(), "src", "FeedDigest.Service", "bin", configuration, output.Name, "feeddigest.dll");
    }

    private void Append(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
