using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FeedDigest.Benchmarks;
using FeedDigest.Core.Parsing;

// feeddigest-benchmarks [--quick] [BenchmarkDotNet arguments]
// Runs the readers in one BenchmarkDotNet run and prints MiB/s from each median and each one's share of (a)'s speed.
var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();

var feeds = FeedCorpusGenerator.Generate(ParseThroughputBenchmarks.TargetBytes);
var bytes = feeds.Sum(f => (long)f.Bytes.Length);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"corpus: {feeds.Count} feeds ({feeds.Count(f => !f.IsAtom)} RSS 2.0, {feeds.Count(f => f.IsAtom)} Atom 1.0), {feeds.Sum(f => f.ItemCount):N0} items, {bytes / 1048576.0:F2} MiB"));

// A sanity check before timing: FeedParser must read every generated item without complaint.
var unread = feeds.Select(f => (Feed: f, Parsed: FeedParser.Parse(f.Bytes, new Uri("https://bench.example/feed.xml"))))
    .Where(p => p.Parsed.Bozo || p.Parsed.Items.Count != p.Feed.ItemCount)
    .ToList();
if (unread.Count > 0)
{
    Console.Error.WriteLine($"{unread.Count} generated feeds do not parse cleanly, e.g. {unread[0].Feed.Name}: {string.Join("; ", unread[0].Parsed.Errors.Take(3))}");
    return 1;
}

// In-process: the repository's build rules (warnings as errors, banned APIs) would apply to the
// project BenchmarkDotNet generates for an out-of-process run; the three readers run in one
// process, in turn, after warm-up, which is what the comparison needs.
var job = (quick ? Job.ShortRun : Job.Default.WithWarmupCount(3).WithIterationCount(15))
    .WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
var loadBefore = LoadAverage();
var summary = BenchmarkRunner.Run<ParseThroughputBenchmarks>(config, rest);
var loadAfter = LoadAverage();

var medians = summary.Reports
    .Where(r => r.ResultStatistics is not null)
    .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => r.ResultStatistics!.Median);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| reader | median ms per {bytes / 1048576.0:F1} MiB | MiB/s (median) | vs (a) |"));
Console.WriteLine("|---|---|---|---|");
medians.TryGetValue(nameof(ParseThroughputBenchmarks.XmlReaderLoop), out var baseline);
foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
{
    var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
    var medianNs = medians[name];
    var mibPerSecond = bytes / 1048576.0 / (medianNs / 1e9);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo} | {medianNs / 1e6:F1} | {mibPerSecond:F0} | {(baseline > 0 ? $"{baseline / medianNs * 100:F0}%" : "-")} |"));
}

// Other work on the machine moves these figures more than anything in the code: say how busy it was.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{Environment.ProcessorCount} cores; load average (1, 5, 15 min) before: {loadBefore}; after: {loadAfter}"));
return summary.Reports.All(r => r.Success) ? 0 : 1;

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
