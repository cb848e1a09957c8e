using System.Diagnostics;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Times <see cref="StoryClusterer.AssignAllAsync"/>, the service's catch-up call, on new stories
/// dated just after the stored ones, in batches of <c>batchSize</c> (1 is a story in a transaction
/// of its own): half follow up an event of the last three days (they should join its cluster), half
/// are new events. The first 10% are warm-up and not counted. Each run adds its stories to the index.
/// Per-story figures are a batch's wall time divided by its stories.
/// </summary>
internal static class Measure
{
    public static async Task RunAsync(SqliteConnectionFactory connections, SyntheticNews news, List<SyntheticEvent> events, TimeSpan span, int count, int batchSize, int seed, ClusteringOptions options)
    {
        await using var sqliteIndex = new SqliteStoryClusterIndex(connections);
        var nextStoryId = await sqliteIndex.GetLastClusteredStoryIdAsync(CancellationToken.None).ConfigureAwait(false) + 1;

        var now = SyntheticNews.End(span);
        var recent = events.Where(e => e.Start >= now - TimeSpan.FromDays(3)).ToList();
        // Seeded by the next story id as well, so a second run adds different stories.
        var runSeed = HashCode.Combine(seed, nextStoryId);
        var warmUp = count / 10 / batchSize * batchSize;
        var fresh = SyntheticNews.Events(runSeed, (count + warmUp) * 20L, TimeSpan.FromHours(1), firstId: events[^1].Id + 1 + nextStoryId);
        var random = new Random(runSeed + 1);
        var index = new TimedIndex(sqliteIndex);
        var clusterer = new StoryClusterer(index, options);
        var perStory = new List<double>(count);
        var batchTimes = new List<double>(count / batchSize);
        int followUps = 0, followUpsJoined = 0, newEvents = 0, newEventsJoined = 0;
        var process = Process.GetCurrentProcess();
        var cpuAtStart = TimeSpan.Zero;
        var userAtStart = TimeSpan.Zero;
        var clockAtStart = Stopwatch.StartNew();
        var measured = 0;
        for (var i = 0; i < warmUp + count; i += batchSize)
        {
            if (i == warmUp)
            {
                process.Refresh();
                cpuAtStart = process.TotalProcessorTime;
                userAtStart = process.UserProcessorTime;
                clockAtStart.Restart();
            }

            var batch = new List<StoryForClustering>(batchSize);
            var isFollowUp = new List<bool>(batchSize);
            for (var j = i; j < Math.Min(i + batchSize, warmUp + count); j++)
            {
                var followUp = j % 2 == 0 && recent.Count > 0;
                var e = followUp ? recent[random.Next(recent.Count)] : fresh[j] with { Start = now };
                var story = followUp ? news.FollowUp(e, random, now) : news.Stories(e).First();
                batch.Add(new StoryForClustering(nextStoryId++, story.Title, story.Summary, now + TimeSpan.FromSeconds(j)));
                isFollowUp.Add(followUp);
            }

            var clock = Stopwatch.StartNew();
            var assignments = await clusterer.AssignAllAsync(batch, CancellationToken.None).ConfigureAwait(false);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (i < warmUp)
            {
                continue;
            }

            measured += batch.Count;
            batchTimes.Add(elapsed);
            for (var k = 0; k < batch.Count; k++)
            {
                perStory.Add(elapsed / batch.Count);
                var joined = assignments[k].IsNewCluster ? 0 : 1;
                if (isFollowUp[k])
                {
                    followUps++;
                    followUpsJoined += joined;
                }
                else
                {
                    newEvents++;
                    newEventsJoined += joined;
                }
            }
        }

        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuAtStart;
        var user = process.UserProcessorTime - userAtStart;
        var wall = clockAtStart.Elapsed;
        perStory.Sort();
        batchTimes.Sort();
        var all = warmUp + count;
        Console.WriteLine($"batches of {batchSize}: {batchTimes.Count} batches, {measured} stories; wall {wall.TotalMilliseconds / measured:F3} ms a story (all batches' wall / stories)");
        Console.WriteLine($"per story (a batch's wall / its stories, over stories): median {Percentile(perStory, 0.5):F3} ms, p90 {Percentile(perStory, 0.9):F3} ms, p99 {Percentile(perStory, 0.99):F3} ms, max {perStory[^1]:F3} ms");
        Console.WriteLine($"per batch (wall): median {Percentile(batchTimes, 0.5):F3} ms, p90 {Percentile(batchTimes, 0.9):F3} ms, p99 {Percentile(batchTimes, 0.99):F3} ms, max {batchTimes[^1]:F1} ms");
        Console.WriteLine($"process CPU time {cpu.TotalMilliseconds / measured:F3} ms a story ({user.TotalMilliseconds / measured:F3} user, {(cpu - user).TotalMilliseconds / measured:F3} system): on a shared machine CPU time shows the work, wall time the wait for a core");
        Console.WriteLine($"of which (means over all {all} stories, warm-up included): reading {index.Reading.TotalMilliseconds / all:F3} ms, writing {index.Writing.TotalMilliseconds / all:F3} ms, beginning and committing batches {index.Committing.TotalMilliseconds / all:F3} ms; {(double)index.CandidateClusters / all:F1} candidate clusters");
        Console.WriteLine($"follow-ups of recent events that joined a cluster: {followUpsJoined}/{followUps}; first stories of new events that joined one: {newEventsJoined}/{newEvents}");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
