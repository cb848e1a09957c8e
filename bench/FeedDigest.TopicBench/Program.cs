using System.Diagnostics;
using System.Globalization;
using FeedDigest.Core.Topics;
using FeedDigest.TopicBench;

// Topic matching benchmark (bench/README.md, "Topic matching"):
//   --stories N (100000)  --topics A,B,C (100,1000,10000)  --naive-stories M (2000)  --seed S (1)
// Every topic count is matched against the same stories, chunk by chunk in turn, so a change in the
// machine's load during the run falls on all of them alike.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var storyCount = Option("--stories", 100_000);
var naiveStories = Option("--naive-stories", 2_000);
var seed = Option("--seed", 1);
var topicCounts = (OptionText("--topics") ?? "100,1000,10000").Split(',').Select(int.Parse).ToArray();
Console.WriteLine($"{TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");

var corpus = new SyntheticCorpus(seed);
var allTopics = corpus.Topics(topicCounts.Max());
var stories = corpus.Stories(storyCount);
Console.WriteLine($"{stories.Count:N0} stories ({stories.Average(s => s.Title.Length + s.Summary.Length):F0} characters of title and summary on average), {allTopics.Count:N0} topics generated");

var runs = topicCounts.Select(count =>
{
    var clock = Stopwatch.StartNew();
    var matcher = new TopicMatcher(allTopics.Take(count).ToList(), corpus.Feeds);
    return (Count: count, Matcher: matcher, BuildMs: clock.Elapsed.TotalMilliseconds, Micros: new double[stories.Count], Matches: 0L);
}).ToArray();

// Warm-up: let the JIT optimize the matching code before anything is timed.
foreach (var run in runs)
{
    foreach (var story in stories.Take(5_000))
    {
        run.Matcher.Match(story);
    }
}

const int Chunk = 1_000;
for (var start = 0; start < stories.Count; start += Chunk)
{
    for (var r = 0; r < runs.Length; r++)
    {
        var matcher = runs[r].Matcher;
        for (var i = start; i < Math.Min(start + Chunk, stories.Count); i++)
        {
            var before = Stopwatch.GetTimestamp();
            var matched = matcher.Match(stories[i]);
            runs[r].Micros[i] = Stopwatch.GetElapsedTime(before).TotalMicroseconds;
            runs[r].Matches += matched.Count;
        }
    }
}

Console.WriteLine();
Console.WriteLine("| topics | compile | median per story | p90 | p99 | mean | topics evaluated per story | topics matched per story |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var run in runs)
{
    var sorted = run.Micros.Order().ToArray();
    var sample = stories.Take(10_000).ToList();
    var evaluated = sample.Average(s => run.Matcher.Candidates(run.Matcher.Read(s)).Count);
    Console.WriteLine($"| {run.Count:N0} | {run.BuildMs:F0} ms | {Percentile(sorted, 0.5):F1} µs | {Percentile(sorted, 0.9):F1} µs | {Percentile(sorted, 0.99):F1} µs | {sorted.Average():F1} µs | {evaluated:F1} | {(double)run.Matches / stories.Count:F2} |");
}

// For scale: every query evaluated on every story (the story tokenized once), topics × stories.
var naiveTopics = allTopics.Take(1_000).ToList();
var reader = runs[0].Matcher;
var naive = new double[Math.Min(naiveStories, stories.Count)];
var naiveMatches = 0L;
for (var i = 0; i < naive.Length; i++)
{
    var before = Stopwatch.GetTimestamp();
    var text = reader.Read(stories[i]);
    var count = 0;
    foreach (var topic in naiveTopics)
    {
        if (topic.Feeds.Allows(stories[i].FeedId) && topic.Query.Matches(text))
        {
            count++;
        }
    }

    naive[i] = Stopwatch.GetElapsedTime(before).TotalMicroseconds;
    naiveMatches += count;
}

var naiveSorted = naive.Order().ToArray();
Console.WriteLine($"\nEvery one of {naiveTopics.Count:N0} queries evaluated on each of {naive.Length:N0} stories: median {Percentile(naiveSorted, 0.5):F1} µs, p90 {Percentile(naiveSorted, 0.9):F1} µs per story, {(double)naiveMatches / naive.Length:F2} topics matched per story");
Console.WriteLine($"load average at the end {LoadAverage()}");
return 0;

static double Percentile(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)(fraction * sorted.Length))];

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
