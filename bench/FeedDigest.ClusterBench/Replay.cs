using System.Diagnostics;
using System.Text.Json;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Clusters the stories of a JSON-lines file (<c>feeddigest cluster</c>'s input: id, title, summary,
/// published) into a new database, in pages as the service's catch-up does, and says where the
/// CPU went: the text features alone (one core, measured first on their own), the index's reads,
/// writes and commits, the rest of the assignment, and the garbage collector. It answers "what does
/// clustering a first poll cost a story", without the poll around it.
/// </summary>
internal static class Replay
{
    public static async Task RunAsync(string file, ClusteringOptions options)
    {
        var stories = Read(file);
        Console.WriteLine($"{stories.Count:N0} stories from {file}");

        // Features alone, one core, twice (the first warms the code up).
        double featuresMs = 0;
        for (var round = 0; round < 2; round++)
        {
            var clock = Stopwatch.StartNew();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var terms = 0L;
            var checksum = 0UL;
            foreach (var story in stories)
            {
                var features = StoryFeatures.Of(story.Title, story.Summary, options.Bands, options.RowsPerBand);
                terms += features.Terms.Count;
                checksum = Checksum(checksum, features);
            }

            featuresMs = clock.Elapsed.TotalMilliseconds;
            if (round == 1)
            {
                Console.WriteLine($"text features allocate {(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / stories.Count:N0} bytes a story");
                Console.WriteLine($"text features alone (one core): {1000 * featuresMs / stories.Count:F1} µs a story ({(double)terms / stories.Count:F1} distinct terms a story, checksum {checksum:x16})");
            }
        }

        var directory = Directory.CreateTempSubdirectory("feeddigest-clusterbench-replay-");
        try
        {
            using var connections = new SqliteConnectionFactory("Data Source=" + Path.Combine(directory.FullName, "replay.db"), directory.FullName);
            await new SqliteMigrator(connections, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
            await using var sqliteIndex = new SqliteStoryClusterIndex(connections);
            var index = new TimedIndex(sqliteIndex);
            var clusterer = new StoryClusterer(index, options);

            var heapAtStart = GC.GetTotalMemory(forceFullCollection: true);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuAtStart = process.TotalProcessorTime;
            var pauseAtStart = GC.GetTotalPauseDuration();
            var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);
            var gen0AtStart = GC.CollectionCount(0);
            var gen2AtStart = GC.CollectionCount(2);
            var wall = Stopwatch.StartNew();
            var clusters = new HashSet<long>();
            for (var start = 0; start < stories.Count; start += ClusteringCatchUp.PageSize)
            {
                var page = stories.GetRange(start, Math.Min(ClusteringCatchUp.PageSize, stories.Count - start));
                foreach (var assignment in await clusterer.AssignAllAsync(page, CancellationToken.None).ConfigureAwait(false))
                {
                    clusters.Add(assignment.ClusterId);
                }
            }

            var elapsed = wall.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuAtStart;
            double PerStory(TimeSpan span) => 1000 * span.TotalMilliseconds / stories.Count;
            var inIndex = index.Reading + index.Writing + index.Committing;
            Console.WriteLine($"assignment: wall {PerStory(elapsed):F1} µs a story, process CPU {PerStory(cpu):F1} µs a story ({elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU)");
            Console.WriteLine($"  index reads {PerStory(index.Reading):F1} µs, index writes {PerStory(index.Writing):F1} µs, begin and commit {PerStory(index.Committing):F1} µs, the rest of the loop {PerStory(elapsed - inIndex):F1} µs (wall, a story)");
            Console.WriteLine($"  the index allocated, a story: reads {index.AllocatedReading / stories.Count:N0} bytes, writes {index.AllocatedWriting / stories.Count:N0}, begin and commit {index.AllocatedCommitting / stories.Count:N0}");
            Console.WriteLine($"  GC: {GC.CollectionCount(0) - gen0AtStart} collections ({GC.CollectionCount(2) - gen2AtStart} full), paused {PerStory(GC.GetTotalPauseDuration() - pauseAtStart):F1} µs a story, allocated {(GC.GetTotalAllocatedBytes(precise: false) - allocatedAtStart) / stories.Count:N0} bytes a story");
            Console.WriteLine($"  {clusters.Count:N0} clusters assigned to (before merges)");
            process.Refresh();
            Console.WriteLine($"  memory: the index holds {(GC.GetTotalMemory(forceFullCollection: true) - heapAtStart) / (1 << 20):N0} MB of managed heap after a full collection (the stories read are not counted); process peak working set {process.PeakWorkingSet64 / (1 << 20):N0} MB");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Folds a story's features into a running checksum: a change of the features' values or order changes it.</summary>
    private static ulong Checksum(ulong checksum, StoryFeatures features)
    {
        foreach (var term in features.Terms)
        {
            checksum = TermHash.Mix(checksum ^ (ulong)term ^ ((ulong)features.TermFrequencies[term] << 56));
        }

        foreach (var key in features.BandKeys)
        {
            checksum = TermHash.Mix(checksum ^ (ulong)key);
        }

        return checksum;
    }

    private static List<StoryForClustering> Read(string file)
    {
        var stories = new List<StoryForClustering>();
        foreach (var line in File.ReadLines(file))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            stories.Add(new StoryForClustering(stories.Count + 1, Text("title"), Text("summary"), FeedDateParser.Parse(Text("published"))) { Source = Text("source") });
        }

        return stories;
    }
}
