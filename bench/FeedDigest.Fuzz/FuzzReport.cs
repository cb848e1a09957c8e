using System.Globalization;

namespace FeedDigest.Fuzz;

/// <summary>The figures of a run: inputs, bytes, per-input times, and every failure found.</summary>
public sealed class FuzzReport(FeedMutator mutator, int seedCount, TimeSpan slowThreshold)
{
    private readonly List<double> milliseconds = [];
    private readonly SortedDictionary<string, List<double>> millisecondsByRoute = new(StringComparer.Ordinal);
    private readonly List<FuzzFailure> failures = [];
    private readonly List<string> seedFailures = [];
    private readonly List<string> interruptions = [];
    private long slowestIndex = -1;
    private double slowest = -1;

    public int RunSeed => mutator.RunSeed;

    public int SeedCount => seedCount;

    public int InputsRun => milliseconds.Count;

    public long BytesRun { get; private set; }

    public TimeSpan Elapsed { get; set; }

    public IReadOnlyList<FuzzFailure> Failures => failures;

    public IReadOnlyList<string> SeedFailures => seedFailures;

    public TimeSpan Max => Percentile(1.0);

    public TimeSpan P99 => Percentile(0.99);

    public TimeSpan Median => Percentile(0.50);

    public bool Passed => failures.Count == 0 && seedFailures.Count == 0;

    public IEnumerable<FuzzFailure> OfKind(string kind) => failures.Where(f => f.Kind == kind);

    /// <summary>Inputs that went to the reader named (json or xml).</summary>
    public int InputsOn(string route) => millisecondsByRoute.TryGetValue(route, out var ofRoute) ? ofRoute.Count : 0;

    public void Add(FuzzOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var ms = TimeSpan.FromTicks(outcome.ElapsedTicks).TotalMilliseconds;
        milliseconds.Add(ms);
        if (!millisecondsByRoute.TryGetValue(outcome.Route, out var ofRoute))
        {
            millisecondsByRoute[outcome.Route] = ofRoute = [];
        }

        ofRoute.Add(ms);
        BytesRun += outcome.Bytes;
        failures.AddRange(outcome.Failures);
        if (ms > slowest)
        {
            slowest = ms;
            slowestIndex = outcome.Index;
        }
    }

    /// <summary>An input that hung or crashed its process: counted as run, at the time it was given.</summary>
    public void AddLost(FuzzFailure failure, int bytes)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Add(new FuzzOutcome(failure.Index, failure.Route, failure.Elapsed.Ticks, bytes, [failure]));
    }

    /// <summary>A worker that died during an input which then ran normally in a new worker: noted, not a failure.</summary>
    public void AddInterruption(string note) => interruptions.Add(note);

    public void AddSeedFailure(string failure)
    {
        // A supervised run warms up once per worker process: each seed's failure is counted once.
        if (!seedFailures.Contains(failure))
        {
            seedFailures.Add(failure);
        }
    }

    public void WriteTo(TextWriter writer, int maxDetails = 3)
    {
        ArgumentNullException.ThrowIfNull(writer);
        void Line(FormattableString text) => writer.WriteLine(text.ToString(CultureInfo.InvariantCulture));

        Line($"fuzz: {InputsRun:N0} inputs from {SeedCount:N0} seed documents (run seed {RunSeed}), {BytesRun / 1048576.0:F1} MiB in {Elapsed.TotalSeconds:F1} s ({InputsRun / Math.Max(Elapsed.TotalSeconds, 1e-9):F0} inputs/s)");
        Line($"per input: median {Median.TotalMilliseconds:F3} ms, p99 {P99.TotalMilliseconds:F2} ms, max {Max.TotalMilliseconds:F1} ms{(OfKind("hang").Any() ? " (a hung input counts as its time limit)" : string.Empty)}");
        foreach (var (route, ofRoute) in millisecondsByRoute)
        {
            Line($"  {route} reader: {ofRoute.Count:N0} inputs, median {Percentile(ofRoute, 0.50).TotalMilliseconds:F3} ms, p99 {Percentile(ofRoute, 0.99).TotalMilliseconds:F2} ms, max {Percentile(ofRoute, 1.0).TotalMilliseconds:F1} ms, {failures.Count(f => f.Route == route)} failures");
        }

        if (slowestIndex >= 0)
        {
            var input = mutator.Create(slowestIndex);
            Line($"slowest: {input.Bytes.Length:N0} bytes, {FeedMutator.Describe(input, RunSeed)}");
        }

        var threshold = slowThreshold.TotalSeconds >= 1 ? $"{slowThreshold.TotalSeconds:0.###} s" : $"{slowThreshold.TotalMilliseconds:0} ms";
        Line($"over {threshold}: {OfKind("slow").Count() + OfKind("hang").Count()} ({OfKind("hang").Count()} of them hung and were stopped)");
        Line($"exceptions escaped: {OfKind("exception").Count()}");
        Line($"processes crashed: {OfKind("crash").Count()} (and {interruptions.Count} worker deaths that did not happen again on a second try)");
        foreach (var note in interruptions.Take(maxDetails))
        {
            Line($"  {note}");
        }

        Line($"malformed results: {OfKind("malformed").Count()}");
        Line($"seed documents that failed: {seedFailures.Count}");
        foreach (var failure in seedFailures.Take(maxDetails))
        {
            Line($"  {failure}");
        }

        foreach (var kind in new[] { "exception", "crash", "hang", "slow", "malformed" })
        {
            var ofKind = OfKind(kind).ToList();
            if (ofKind.Count == 0)
            {
                continue;
            }

            Line($"-- {kind}: {ofKind.Count} inputs, by signature");
            foreach (var group in ofKind.GroupBy(f => f.Signature).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                Line($"  {group.Count(),6}  {group.Key}  (first: input {group.First().Index}, {group.First().Route} reader)");
            }

            Line($"-- {kind}: the first {Math.Min(maxDetails, ofKind.Count)}");
            foreach (var failure in ofKind.Take(maxDetails))
            {
                var input = mutator.Create(failure.Index);
                Line($"* {failure.Elapsed.TotalMilliseconds:F1} ms, {input.Bytes.Length:N0} bytes: {FeedMutator.Describe(input, RunSeed)}");
                if (failure.SavedAs is not null)
                {
                    Line($"  saved as {failure.SavedAs}");
                }

                writer.WriteLine(failure.Detail);
            }
        }

        writer.WriteLine(Passed ? "PASS" : "FAIL");
    }

    private TimeSpan Percentile(double p) => Percentile(milliseconds, p);

    private static TimeSpan Percentile(List<double> milliseconds, double p)
    {
        if (milliseconds.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = milliseconds.ToArray();
        Array.Sort(sorted);
        var rank = Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1);
        return TimeSpan.FromMilliseconds(sorted[rank]);
    }
}
