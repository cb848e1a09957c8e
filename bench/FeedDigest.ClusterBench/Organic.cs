using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Clusters N synthetic stories one at a time, in time order, through the real clusterer into a
/// new database (as the service would), then reports bytes per story (pages as random inserts
/// leave them, not as tightly packed as after the bulk load) and B-cubed scores against the events.
/// </summary>
internal static class Organic
{
    public static async Task RunAsync(int count, int seed, ClusteringOptions options)
    {
        var directory = Directory.CreateTempSubdirectory("feeddigest-clusterbench-");
        try
        {
            var path = Path.Combine(directory.FullName, "organic.db");
            using var connections = new SqliteConnectionFactory("Data Source=" + path, directory.FullName);
            await new SqliteMigrator(connections, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
            var empty = await Database.SizeAsync(connections).ConfigureAwait(false);
            await File.WriteAllTextAsync(path + ".empty-bytes", empty.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);

            // The same density as the million-story set: about 2,740 stories a day.
            var span = TimeSpan.FromDays(365.0 * count / 1_000_000);
            var news = new SyntheticNews(seed);
            var stories = SyntheticNews.Events(seed, count, span).SelectMany(news.Stories).OrderBy(s => s.Time).ToList();
            await using var sqliteIndex = new SqliteStoryClusterIndex(connections);
            var index = new TimedIndex(sqliteIndex);
            var clusterer = new StoryClusterer(index, options);
            var predicted = new long[stories.Count];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < stories.Count; i++)
            {
                var story = stories[i];
                predicted[i] = (await clusterer.AssignAsync(new StoryForClustering(i + 1, story.Title, story.Summary, story.Time), CancellationToken.None).ConfigureAwait(false)).ClusterId;
            }

            Console.WriteLine($"organic: {stories.Count:N0} stories clustered one by one in {clock.Elapsed.TotalSeconds:F0} s ({clock.Elapsed.TotalMilliseconds / stories.Count:F3} ms each, mean: reading {index.Reading.TotalMilliseconds / stories.Count:F3}, writing {index.Writing.TotalMilliseconds / stories.Count:F3}; {(double)index.CandidateClusters / stories.Count:F1} candidate clusters)");
            await Database.ReportAsync(connections, path).ConfigureAwait(false);
            var (precision, recall) = BCubed(stories.Select(s => s.EventId).ToArray(), predicted);
            Console.WriteLine($"synthetic events found: B3 P {precision:F3} R {recall:F3} F1 {2 * precision * recall / (precision + recall):F3}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static (double Precision, double Recall) BCubed(long[] gold, long[] predicted)
    {
        var cells = new Dictionary<(long, long), int>();
        var goldSizes = new Dictionary<long, int>();
        var predictedSizes = new Dictionary<long, int>();
        for (var i = 0; i < gold.Length; i++)
        {
            cells[(gold[i], predicted[i])] = cells.GetValueOrDefault((gold[i], predicted[i])) + 1;
            goldSizes[gold[i]] = goldSizes.GetValueOrDefault(gold[i]) + 1;
            predictedSizes[predicted[i]] = predictedSizes.GetValueOrDefault(predicted[i]) + 1;
        }

        double precision = 0, recall = 0;
        foreach (var ((g, p), n) in cells)
        {
            precision += (double)n * n / predictedSizes[p];
            recall += (double)n * n / goldSizes[g];
        }

        return (precision / gold.Length, recall / gold.Length);
    }
}
