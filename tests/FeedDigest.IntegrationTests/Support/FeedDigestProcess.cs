using System.Diagnostics;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>Runs the built feeddigest executable as a user would, capturing its output.</summary>
public static class FeedDigestProcess
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] arguments) =>
        RunWithInputAsync(workingDirectory, null, arguments);

    /// <summary>As <see cref="RunAsync"/>, writing <paramref name="stdin"/> (UTF-8) to the process's standard input and closing it.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string workingDirectory, string? stdin, params string[] arguments) =>
        RunAsync(workingDirectory, stdin, new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="RunWithInputAsync"/>, with these environment variables set for the process.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, string? stdin, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = stdin is null ? null : new System.Text.UTF8Encoding(false),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "feeddigest.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that hangs fails its test, and must not outlive it.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
