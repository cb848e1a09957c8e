using System.Diagnostics;
using System.Globalization;
using FeedDigest.ClusterBench;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

// Story clustering benchmark. Two modes (see bench/README.md, "Story clustering"):
//   --stories N --measure M [--batch B] [--db FILE]: bulk-load N synthetic stories (once; an existing
//       FILE is reused), then time M assignments through StoryClusterer.AssignAllAsync and the SQLite
//       index, B stories a batch (one transaction), as the service's catch-up assigns them.
//   --organic N: cluster N synthetic stories one by one through StoryClusterer into a new database,
//       then report bytes per story as real use leaves them, and how well the events were found.
//   --replay FILE: cluster the JSON lines of FILE (feeddigest cluster's input) into a new database,
//       and split the CPU a story costs between features, index reads, writes, commits and the GC.
// Each mode takes clustering's knobs: --bands B, --candidates-per-band C, --max-candidate-clusters M and --background-margin G
// as feeddigest cluster does, and --centroid-terms T (the service's defaults when not given).
var arguments = Arguments.Parse(args);
var options = arguments.Options;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"{TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");

if (arguments.Replay is not null)
{
    await Replay.RunAsync(arguments.Replay, options).ConfigureAwait(false);
    return 0;
}

if (arguments.Organic > 0)
{
    await Organic.RunAsync(arguments.Organic, arguments.Seed, options).ConfigureAwait(false);
    return 0;
}

var databasePath = Path.GetFullPath(arguments.Database);
var span = TimeSpan.FromDays(365);
var news = new SyntheticNews(arguments.Seed);
var events = SyntheticNews.Events(arguments.Seed, arguments.Stories, span);
using var connections = new SqliteConnectionFactory("Data Source=" + databasePath, Directory.GetCurrentDirectory());
var fresh = !File.Exists(databasePath);
await new SqliteMigrator(connections, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
if (fresh)
{
    var emptyBytes = await Database.SizeAsync(connections).ConfigureAwait(false);
    var clock = Stopwatch.StartNew();
    await BulkLoad.RunAsync(connections, news, events, options).ConfigureAwait(false);
    Console.WriteLine($"bulk load: {arguments.Stories:N0} stories in {events.Count:N0} events, {clock.Elapsed.TotalSeconds:F0} s");
    await File.WriteAllTextAsync(databasePath + ".empty-bytes", emptyBytes.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
}

if (arguments.Probe)
{
    await Probe.RunAsync(connections, news, events, span, arguments.Measure, arguments.Seed, options).ConfigureAwait(false);
    SqliteConnection.ClearAllPools();
    return 0;
}

if (arguments.Measure > 0)
{
    await Measure.RunAsync(connections, news, events, span, arguments.Measure, arguments.Batch, arguments.Seed, options).ConfigureAwait(false);
}

await Database.ReportAsync(connections, databasePath).ConfigureAwait(false);
SqliteConnection.ClearAllPools();
return 0;

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
