using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Stores the synthetic stories as already clustered, one cluster per event, with the features,
/// vectors and centroids the clusterer computes (IDF from the whole set): two passes over the
/// stories, made again from their seeds instead of kept in memory.
/// </summary>
internal static class BulkLoad
{
    public static async Task RunAsync(SqliteConnectionFactory connections, SyntheticNews news, List<SyntheticEvent> events, ClusteringOptions options)
    {
        var frequencies = new Dictionary<long, long>();
        long documents = 0;
        foreach (var e in events)
        {
            foreach (var story in news.Stories(e))
            {
                foreach (var term in StoryFeatures.Of(story.Title, story.Summary, options.Bands, options.RowsPerBand).Terms)
                {
                    frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
                }

                documents++;
            }
        }

        await new SqliteClusterBulkLoader(connections).LoadAsync(Clusters(news, events, options, frequencies, documents), frequencies, CancellationToken.None).ConfigureAwait(false);
    }

    private static IEnumerable<BulkCluster> Clusters(SyntheticNews news, List<SyntheticEvent> events, ClusteringOptions options, Dictionary<long, long> frequencies, long documents)
    {
        long storyId = 0;
        foreach (var e in events)
        {
            var centroid = ClusterCentroid.Empty;
            var members = new List<BulkMember>(e.Size);
            foreach (var story in news.Stories(e))
            {
                var features = StoryFeatures.Of(story.Title, story.Summary, options.Bands, options.RowsPerBand);
                var vector = TermVector.Weigh(features.TermFrequencies, documents, term => frequencies[term]);
                centroid = centroid.Add(vector, options.CentroidTerms);
                members.Add(new BulkMember(++storyId, story.Time, features.BandKeys));
            }

            yield return new BulkCluster(e.Id, centroid, members);
        }
    }
}
