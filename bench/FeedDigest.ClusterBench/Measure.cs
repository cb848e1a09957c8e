using System.Diagnostics;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Times <see cref="StoryClusterer.AssignAsync"/> on new stories dated just after the stored ones:
/// half follow up an event of the last three days (they should join its cluster), half are new
/// events. The first 10% are warm-up and not counted. Each run adds its stories to the index.
/// </summary>
internal static class Measure
{
    public static async Task RunAsync(SqliteConnectionFactory connections, SyntheticNews news, List<SyntheticEvent> events, TimeSpan span, int count, int seed, ClusteringOptions options)
    {
        await using var sqliteIndex = new SqliteStoryClusterIndex(connections);
        var nextStoryId = await sqliteIndex.GetLastClusteredStoryIdAsync(CancellationToken.None).ConfigureAwait(false) + 1;

        var now = SyntheticNews.End(span);
        var recent = events.Where(e => e.Start >= now - TimeSpan.FromDays(3)).ToList();
        // Seeded by the next story id as well, so a second run adds different stories.
        var runSeed = HashCode.Combine(seed, nextStoryId);
        var warmUp = count / 10;
        var fresh = SyntheticNews.Events(runSeed, (count + warmUp) * 20L, TimeSpan.FromHours(1), firstId: events[^1].Id + 1 + nextStoryId);
        var random = new Random(runSeed + 1);
        var index = new TimedIndex(sqliteIndex);
        var clusterer = new StoryClusterer(index, options);
        var timings = new List<double>(count);
        int followUps = 0, followUpsJoined = 0, newEvents = 0, newEventsJoined = 0;
        var process = Process.GetCurrentProcess();
        var cpuAtStart = TimeSpan.Zero;
        var userAtStart = TimeSpan.Zero;
        var clockAtStart = Stopwatch.StartNew();
        for (var i = 0; i < warmUp + count; i++)
        {
            if (i == warmUp)
            {
                process.Refresh();
                cpuAtStart = process.TotalProcessorTime;
                userAtStart = process.UserProcessorTime;
                clockAtStart.Restart();
            }

            var followUp = i % 2 == 0 && recent.Count > 0;
            var e = followUp ? recent[random.Next(recent.Count)] : fresh[i] with { Start = now };
            var story = followUp ? news.FollowUp(e, random, now) : news.Stories(e).First();
            var input = new StoryForClustering(nextStoryId++, story.Title, story.Summary, now + TimeSpan.FromSeconds(i));
            var clock = Stopwatch.StartNew();
            var assignment = await clusterer.AssignAsync(input, CancellationToken.None).ConfigureAwait(false);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (i < warmUp)
            {
                continue;
            }

            timings.Add(elapsed);
            if (followUp)
            {
                followUps++;
                followUpsJoined += assignment.IsNewCluster ? 0 : 1;
            }
            else
            {
                newEvents++;
                newEventsJoined += assignment.IsNewCluster ? 0 : 1;
            }
        }

        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuAtStart;
        var user = process.UserProcessorTime - userAtStart;
        var wall = clockAtStart.Elapsed;
        timings.Sort();
        Console.WriteLine($"assignment latency over {timings.Count} stories: median {Percentile(timings, 0.5):F3} ms, p90 {Percentile(timings, 0.9):F3} ms, p99 {Percentile(timings, 0.99):F3} ms, max {timings[^1]:F1} ms");
        Console.WriteLine($"process CPU time {cpu.TotalMilliseconds / count:F3} ms a story ({user.TotalMilliseconds / count:F3} user, {(cpu - user).TotalMilliseconds / count:F3} system; wall {wall.TotalMilliseconds / count:F3} ms): on a shared machine CPU time shows the work, wall time the wait for a core");
        Console.WriteLine($"of which (means over all {warmUp + count} stories, warm-up included): reading {index.Reading.TotalMilliseconds / (warmUp + count):F3} ms, writing {index.Writing.TotalMilliseconds / (warmUp + count):F3} ms; {(double)index.CandidateClusters / (warmUp + count):F1} candidate clusters");
        Console.WriteLine($"follow-ups of recent events that joined a cluster: {followUpsJoined}/{followUps}; first stories of new events that joined one: {newEventsJoined}/{newEvents}");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
