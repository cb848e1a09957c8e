using System.Diagnostics;
using Dapper;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Where an assignment's time goes: the read (candidates and document frequencies) alone for N new
/// stories, then the writes alone for the same stories, each as CPU time and wall time a story.
/// </summary>
internal static class Probe
{
    public static async Task RunAsync(SqliteConnectionFactory connections, SyntheticNews news, List<SyntheticEvent> events, TimeSpan span, int count, int seed, ClusteringOptions options)
    {
        await using var index = new SqliteStoryClusterIndex(connections);
        var nextStoryId = await index.GetLastClusteredStoryIdAsync(CancellationToken.None).ConfigureAwait(false) + 1;

        var now = SyntheticNews.End(span);
        var recent = events.Where(e => e.Start >= now - TimeSpan.FromDays(3)).ToList();
        var random = new Random(HashCode.Combine(seed, nextStoryId));
        var queries = new List<(ClusterQuery Query, ClusterIndexEntry Entry)>();
        for (var i = 0; i < count; i++)
        {
            var story = news.FollowUp(recent[random.Next(recent.Count)], random, now);
            var features = StoryFeatures.Of(story.Title, story.Summary, options.Bands, options.RowsPerBand);
            var query = new ClusterQuery(features.Terms, features.BandKeys, now - options.Window, now + options.Window, options.CandidatesPerBand, options.MaxCandidateClusters);
            var entry = new ClusterIndexEntry(nextStoryId++, null, 0, ClusterCentroid.Empty.Add(TermVector.Weigh(features.TermFrequencies, 1_000_000, _ => 100), options.CentroidTerms), features.BandKeys, features.Terms, now);
            queries.Add((query, entry));
        }

        await TimeAsync("read ", count, async () =>
        {
            foreach (var (query, _) in queries)
            {
                await index.FindCandidatesAsync(query, CancellationToken.None).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        await TimeAsync("read again (warm)", count, async () =>
        {
            foreach (var (query, _) in queries)
            {
                await index.FindCandidatesAsync(query, CancellationToken.None).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        await TimeAsync("read, document frequencies alone", count, async () =>
        {
            await using var connection = await connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var (query, _) in queries)
            {
                await connection.QueryAsync("SELECT term, df FROM cluster_terms WHERE term IN (SELECT value FROM json_each(@terms))", new { terms = SqliteJson.Array(query.Terms) }).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        var block = new byte[64 * 1024];
        await TimeAsync("CPU calibration: SHA-256 of 64 KiB (about 0.04 ms on an idle core)", count, () =>
        {
            for (var i = 0; i < count; i++)
            {
                System.Security.Cryptography.SHA256.HashData(block);
            }

            return Task.CompletedTask;
        }).ConfigureAwait(false);
        await TimeAsync("write", count, async () =>
        {
            foreach (var (_, entry) in queries)
            {
                await index.AddAsync(entry, CancellationToken.None).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static async Task TimeAsync(string name, int count, Func<Task> action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var user = process.UserProcessorTime;
        var clock = Stopwatch.StartNew();
        await action().ConfigureAwait(false);
        var wall = clock.Elapsed;
        process.Refresh();
        Console.WriteLine($"probe {name}: CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds / count:F3} ms a story ({(process.UserProcessorTime - user).TotalMilliseconds / count:F3} user), wall {wall.TotalMilliseconds / count:F3} ms");
    }
}
