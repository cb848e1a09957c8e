using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FeedDigest.Fuzz;

/// <summary>
/// Runs the fuzz loop in a child process (this program with --worker) that reports each input's
/// outcome as a JSON line. An input that runs past the hang limit, or that kills the process
/// (a stack overflow cannot be caught), is recorded, and a new worker carries on after it: one
/// bad input costs itself, not the run.
/// </summary>
public static class FuzzSupervisor
{
    /// <summary>The worker's first line, sent after it has parsed every seed once.</summary>
    public sealed record Ready(IReadOnlyList<string> SeedFailures);

    public static readonly JsonSerializerOptions Json = new();

    // Loading and warming up a worker's seeds takes seconds; a worker gets this long before its first input counts as hung.
    private static readonly TimeSpan StartAllowance = TimeSpan.FromMinutes(2);

    public static FuzzReport Run(
        IReadOnlyList<SeedDocument> seeds,
        IReadOnlyList<string> corpus,
        FuzzSettings settings,
        TimeSpan hangLimit,
        TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var mutator = new FeedMutator(seeds, settings.Seed, settings.MaxInputBytes);
        var report = new FuzzReport(mutator, seeds.Count, settings.SlowThreshold);
        var wall = Stopwatch.StartNew();
        var end = settings.First + settings.Count;
        var next = settings.First;
        var retried = new HashSet<long>();
        while (next < end)
        {
            var lost = RunWorker(next, end - next, corpus, settings, hangLimit, report, log, wall);
            if (lost is null)
            {
                break;
            }

            // A worker can also be ended from outside (SIGTERM on a shared machine): an input whose
            // worker died is run once more in a new worker before it counts as a crash.
            if (lost.Kind == "crash" && retried.Add(lost.Index))
            {
                report.AddInterruption(string.Create(CultureInfo.InvariantCulture, $"input {lost.Index}: {lost.Detail.Split('\n')[0]}"));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the worker died during input {lost.Index} ({lost.Signature}); a new worker tries it again"));
                next = lost.Index;
                continue;
            }

            var input = mutator.Create(lost.Index);
            var savedAs = settings.FindingsDirectory is null
                ? null
                : FuzzRunner.WriteFinding(settings.FindingsDirectory, lost.Kind, settings.Seed, input, $"{lost.Kind}: {lost.Detail}");
            report.AddLost(lost with { Route = FuzzRunner.Route(input), Signature = lost.Kind == "hang" ? FuzzRunner.MutationKinds(input) : lost.Signature, SavedAs = savedAs }, input.Bytes.Length);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {lost.Kind}: input {lost.Index} ({lost.Detail.Split('\n')[0]}); a new worker goes on from input {lost.Index + 1}"));
            next = lost.Index + 1;
        }

        report.Elapsed = wall.Elapsed;
        return report;
    }

    /// <summary>Runs one worker from <paramref name="first"/>; gives the input it lost if it stopped early, else null.</summary>
    private static FuzzFailure? RunWorker(
        long first,
        long count,
        IReadOnlyList<string> corpus,
        FuzzSettings settings,
        TimeSpan hangLimit,
        FuzzReport report,
        TextWriter log,
        Stopwatch wall)
    {
        using var process = new Process { StartInfo = WorkerStartInfo(first, count, corpus, settings) };
        var lines = new BlockingCollection<string?>();
        var stderr = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
                while (stderr.Count > 40 && stderr.TryDequeue(out string? _))
                {
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var reader = new Thread(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
            }

            lines.Add(null);
        })
        { IsBackground = true };
        reader.Start();

        var lastDone = first - 1;
        var ready = false;
        var quiet = Stopwatch.StartNew();
        while (true)
        {
            if (lines.TryTake(out var line, TimeSpan.FromMilliseconds(250)))
            {
                if (line is null)
                {
                    break;
                }

                quiet.Restart();
                if (!ready)
                {
                    foreach (var failure in JsonSerializer.Deserialize<Ready>(line, Json)!.SeedFailures)
                    {
                        report.AddSeedFailure(failure);
                    }

                    ready = true;
                    continue;
                }

                var outcome = JsonSerializer.Deserialize<FuzzOutcome>(line, Json)!;
                report.Add(outcome);
                lastDone = outcome.Index;
                if (report.InputsRun % 10_000 == 0)
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {report.InputsRun:N0} inputs, {wall.Elapsed.TotalSeconds:F0} s, max {report.Max.TotalMilliseconds:F0} ms, {report.Failures.Count} failures"));
                }
            }
            else if (quiet.Elapsed > (ready ? hangLimit : hangLimit + StartAllowance))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return ready
                    ? new FuzzFailure("hang", "unknown", lastDone + 1, hangLimit, "hang", $"still running after {hangLimit.TotalSeconds:0} s; the worker was stopped", null)
                    : throw new InvalidOperationException($"the worker did not start within {(hangLimit + StartAllowance).TotalSeconds:0} s: {string.Join('\n', stderr)}");
            }
        }

        process.WaitForExit();
        if (!ready || lastDone < first + count - 1)
        {
            var tail = string.Join('\n', stderr);
            if (!ready)
            {
                throw new InvalidOperationException($"the worker exited with {process.ExitCode} before its first input: {tail}");
            }

            // The process died inside an input: a crash that no catch block can stop (stack overflow, fail-fast).
            return new FuzzFailure("crash", "unknown", lastDone + 1, TimeSpan.Zero, $"exit code {process.ExitCode}", $"the worker died with exit code {process.ExitCode}:\n{tail}", null);
        }

        return null;
    }

    private static ProcessStartInfo WorkerStartInfo(long first, long count, IReadOnlyList<string> corpus, FuzzSettings settings)
    {
        var info = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Started as "dotnet feeddigest-fuzz.dll" the worker needs the dll; as the apphost, not.
        if (string.Equals(Path.GetFileNameWithoutExtension(info.FileName), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(FuzzSupervisor).Assembly.Location);
        }

        info.ArgumentList.Add("--worker");
        foreach (var (name, value) in new[]
        {
            ("--seed", settings.Seed.ToString(CultureInfo.InvariantCulture)),
            ("--from", first.ToString(CultureInfo.InvariantCulture)),
            ("--count", count.ToString(CultureInfo.InvariantCulture)),
            ("--slow-ms", settings.SlowThreshold.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)),
            ("--max-bytes", settings.MaxInputBytes.ToString(CultureInfo.InvariantCulture)),
        })
        {
            info.ArgumentList.Add(name);
            info.ArgumentList.Add(value);
        }

        if (settings.FindingsDirectory is not null)
        {
            info.ArgumentList.Add("--findings");
            info.ArgumentList.Add(settings.FindingsDirectory);
        }

        foreach (var directory in corpus)
        {
            info.ArgumentList.Add("--corpus");
            info.ArgumentList.Add(directory);
        }

        return info;
    }
}
