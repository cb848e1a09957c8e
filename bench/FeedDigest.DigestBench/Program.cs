using System.Diagnostics;
using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Subscriptions;
using FeedDigest.DigestBench;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Digest selection benchmark (bench/README.md, "Digest selection at scale"): builds a database of
// --stories stored, clustered stories (once; an existing --db is reused), then times one digest run
// through the real DigestDispatcher and SQLite stores in which all --subscribers are due, with
// cut-offs spread over the last --per-day stories. One subscriber count per process, so that the
// peak working set is the run's own.
var arguments = Arguments.Parse(args);
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
Console.WriteLine($"{TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");

var databasePath = Path.GetFullPath(arguments.Database);
Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
using var connections = new SqliteConnectionFactory("Data Source=" + databasePath, Directory.GetCurrentDirectory());
var fresh = !File.Exists(databasePath);
await new SqliteMigrator(connections, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
if (fresh)
{
    var clock = Stopwatch.StartNew();
    await BenchDatabase.FillAsync(connections, arguments, now).ConfigureAwait(false);
    Console.WriteLine($"database: {arguments.Stories:N0} stories from {arguments.Feeds:N0} feeds, {arguments.StoriesPerDay:N0} a day, filled in {clock.Elapsed.TotalSeconds:F0} s");
}

var lastStory = await BenchDatabase.ScalarAsync(connections, "SELECT MAX(seq) FROM stories").ConfigureAwait(false);
var catalog = BuildCatalog(arguments);
var keys = catalog.Subscribers.Select(s => s.Key).ToList();
var lastSlot = new DateTimeOffset(now.Date.AddDays(-1), TimeSpan.Zero);
await BenchDatabase.ResetSubscribersAsync(connections, keys, lastStory, arguments.StoriesPerDay, lastSlot, arguments.Seed).ConfigureAwait(false);

var feedStore = new SqliteFeedStore(connections);
var digestStore = new SqliteDigestStore(connections);
await using var clusterIndex = new SqliteStoryClusterIndex(connections);
var matching = await MatchingShareAsync(feedStore, catalog, lastStory - arguments.StoriesPerDay).ConfigureAwait(false);
Console.WriteLine($"catalog: {catalog.Feeds.Count:N0} feeds, {catalog.Topics.Count:N0} topics, {catalog.Subscribers.Count:N0} subscribers (1-5 topics each, {catalog.Subscribers.Average(s => s.TopicIds.Count):F1} on average); {matching:P1} of the last day's stories match a topic");

var sender = new DiscardingSender();
var catalogSync = new FeedCatalogSync(new FixedCatalog(catalog), feedStore, new FixedClock(now), NullLogger<FeedCatalogSync>.Instance);
// The feeds are synced to the catalog before the timer starts: the run measured is the digest run alone.
(await catalogSync.AcquireAsync(CancellationToken.None).ConfigureAwait(false)).Dispose();
var dispatcher = new DigestDispatcher(
    catalogSync,
    new SubscriberDirectory(new SqliteSubscriptionStore(connections)),
    feedStore,
    digestStore,
    sender,
    new DigestRenderer(),
    new SuspensionNotifier(sender, new FixedOptions<AdminOptions>(new AdminOptions()), new FixedClock(now), NullLogger<SuspensionNotifier>.Instance),
    new ClusteringCatchUp(feedStore, clusterIndex, new StoryClusterer(clusterIndex, new ClusteringOptions()), Options.Create(new ClusteringOptions()), NullLogger<ClusteringCatchUp>.Instance),
    clusterIndex,
    Options.Create(new ClusteringOptions()),
    new FixedOptions<DigestOptions>(new DigestOptions()),
    new FixedClock(now),
    NullLogger<DigestDispatcher>.Instance);

GC.Collect();
GC.WaitForPendingFinalizers();
var rssBefore = ProcStatus("VmRSS");
// Linux: "5" resets the peak resident set (VmHWM) to the current one, so the peak is the run's.
var peakReset = TryResetPeak();
var timer = Stopwatch.StartNew();
var report = await dispatcher.RunAsync(CancellationToken.None).ConfigureAwait(false);
timer.Stop();
var peak = ProcStatus("VmHWM");

var listed = await BenchDatabase.ScalarAsync(connections, "SELECT COUNT(*) FROM digest_stories").ConfigureAwait(false);
var moved = await BenchDatabase.ScalarAsync(connections, $"SELECT COUNT(*) FROM subscriber_state WHERE story_cutoff = {lastStory}").ConfigureAwait(false);
Console.WriteLine(
    $"run: {catalog.Subscribers.Count:N0} subscribers due, {report.DigestsClaimed:N0} digests claimed ({listed:N0} story entries), {moved:N0} cut-offs moved, " +
    $"{report.DigestsSent:N0} of them rendered and sent to a discarding sender (the outbox batch of one run)");
Console.WriteLine(
    $"result: subscribers={catalog.Subscribers.Count} wall={timer.Elapsed.TotalSeconds:F1} s peak_working_set={peak / 1024.0:F0} MiB " +
    $"(working set before the run {rssBefore / 1024.0:F0} MiB{(peakReset ? string.Empty : "; peak not reset, includes setup")}) load average {LoadAverage()}");
SqliteConnection.ClearAllPools();
return 0;

static Catalog BuildCatalog(Arguments arguments)
{
    var random = new Random(arguments.Seed + 2);
    var subjects = new SyntheticNews(arguments.Seed).Subjects;
    string Subject() => subjects[random.Next(subjects.Length)];
    string[] extra = ["ban OR strike OR protest", "court OR ruling", "election OR vote", "prices OR rates"];
    var options = new CatalogOptions
    {
        Feeds = [.. Enumerable.Range(0, arguments.Feeds).Select(f => new FeedOptions
        {
            Id = BenchDatabase.FeedId(f),
            Url = $"https://{BenchDatabase.FeedId(f)}.example/rss",
            Title = $"Outlet {f}",
            Tags = [f % 2 == 0 ? "even" : "odd"],
        })],
        // The query shapes admins write: alternatives, a subject with context words, scoped terms,
        // a prefix with an exclusion, and some limited to a tag of feeds.
        Topics = [.. Enumerable.Range(0, arguments.Topics).Select(t => new TopicOptions
        {
            Id = "topic" + t.ToString("D3", CultureInfo.InvariantCulture),
            Name = "Topic " + t.ToString(CultureInfo.InvariantCulture),
            Query = (t % 5) switch
            {
                0 => $"{Subject()} OR {Subject()}",
                1 => $"{Subject()} ({extra[t % extra.Length]})",
                2 => $"title:{Subject()} OR summary:{Subject()}",
                3 => $"{Subject()}* -sports",
                _ => $"\"{Subject()}\" OR {Subject()} OR {Subject()}",
            },
            Tags = t % 7 == 0 ? ["even"] : [],
        })],
        Subscribers = [.. Enumerable.Range(0, arguments.Subscribers).Select(s => new SubscriberOptions
        {
            Email = $"reader{s}@bench.example",
            Topics = [.. Enumerable.Range(0, arguments.Topics).OrderBy(_ => random.Next()).Take(1 + random.Next(5)).Select(t => "topic" + t.ToString("D3", CultureInfo.InvariantCulture))],
            SendAt = "00:00",
            TimeZone = "UTC",
        })],
    };
    if (!Catalog.TryCreate(options, "/", out var catalog, out var errors))
    {
        throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }

    return catalog;
}

static async Task<double> MatchingShareAsync(IFeedStore feedStore, Catalog catalog, long after)
{
    var (read, matched) = (0, 0);
    while (true)
    {
        var page = await feedStore.GetStoriesAfterAsync(after, 1000, CancellationToken.None).ConfigureAwait(false);
        read += page.Count;
        matched += page.Count(story => catalog.TopicMatcher.Match(story).Count > 0);
        if (page.Count < 1000)
        {
            return read == 0 ? 0 : (double)matched / read;
        }

        after = page[^1].Sequence;
    }
}

static long ProcStatus(string field)
{
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

static bool TryResetPeak()
{
    try
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return true;
    }
    catch (IOException)
    {
        return false;
    }
    catch (UnauthorizedAccessException)
    {
        return false;
    }
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
