using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>Centroids compared with each other: what decides whether two clusters of one event merge.</summary>
public sealed class ClusterCentroidTests
{
    [Theory]
    [InlineData(64)]
    // More terms than the table kept on the stack holds: the table is rented.
    [InlineData(300)]
    public void Cosine_OfTwoCentroids_IsTheirNormalisedDotProduct(int size)
    {
        var first = new ClusterCentroid([.. Enumerable.Range(0, size).Select(i => new CentroidTerm(TermHash.Of($"w{i}"), 1 + (i % 5)))]);
        // Every other term of the first, with other weights, and as many terms it does not share.
        var second = new ClusterCentroid([.. Enumerable.Range(0, size).Select(i => new CentroidTerm(TermHash.Of(i % 2 == 0 ? $"w{i}" : $"x{i}"), 2 + (i % 3)))]);

        double dot = 0;
        for (var i = 0; i < size; i += 2)
        {
            dot += (1 + (i % 5)) * (2 + (i % 3));
        }

        Assert.Equal(dot / (first.Norm * second.Norm), first.Cosine(second), 12);
        Assert.Equal(first.Cosine(second), second.Cosine(first), 12);
        Assert.Equal(1, first.Cosine(first), 12);
    }

    [Fact]
    public void Cosine_WithEmpty_IsZero()
    {
        var centroid = new ClusterCentroid([new CentroidTerm(TermHash.Of("harbor"), 1)]);

        Assert.Equal(0, centroid.Cosine(ClusterCentroid.Empty));
        Assert.Equal(0, ClusterCentroid.Empty.Cosine(centroid));
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(64, true)]
    [InlineData(8, false)]
    [InlineData(8, true)]
    public void Add_KeepsTheHeaviestSums_HeaviestFirst_TiesByTerm(int maxTerms, bool shuffled)
    {
        // Weights with ties, and a story that shares some terms, brings others, and ties with some.
        var centroidTerms = Enumerable.Range(0, 40).Select(i => new CentroidTerm(TermHash.Of($"c{i}"), 1 + (i % 4))).ToList();
        var ordered = centroidTerms.OrderByDescending(t => t.Weight).ThenBy(t => t.Term).ToList();
        var centroid = new ClusterCentroid(shuffled ? [.. centroidTerms] : [.. ordered]);
        var storyTerms = new Dictionary<long, int>();
        for (var i = 0; i < 30; i += 3)
        {
            storyTerms[TermHash.Of($"c{i}")] = 1;
            storyTerms[TermHash.Of($"s{i}")] = 1 + (i % 2);
        }

        var vector = TermVector.Weigh(storyTerms, 100, term => 1 + (term & 7));

        var added = centroid.Add(vector, maxTerms);

        var sums = centroidTerms.ToDictionary(t => t.Term, t => (double)t.Weight);
        for (var i = 0; i < vector.Terms.Length; i++)
        {
            sums[vector.Terms[i]] = sums.GetValueOrDefault(vector.Terms[i]) + vector.Values[i];
        }

        var expected = sums.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(maxTerms).Select(p => new CentroidTerm(p.Key, (float)p.Value));
        Assert.Equal(expected, added.Terms);
    }

    [Fact]
    public void Cosine_WithAThreshold_IsExactAtOrAboveIt_AndBelowItOtherwise()
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 120).Select(i => TermHash.Of($"t{i}")).ToArray();
        var reached = 0;
        for (var round = 0; round < 300; round++)
        {
            var centroid = new ClusterCentroid([.. vocabulary.OrderBy(_ => random.Next()).Take(64)
                .Select(term => new CentroidTerm(term, (float)(random.NextDouble() * 3)))
                .OrderByDescending(t => t.Weight).ThenBy(t => t.Term)]);
            var story = vocabulary.OrderBy(_ => random.Next()).Take(20 + random.Next(30)).ToDictionary(term => term, _ => 1 + random.Next(3));
            var vector = TermVector.Weigh(story, 1000, term => 1 + (term & 255));
            var threshold = random.NextDouble() * 0.6;

            // A threshold of 0 walks every term: the similarity itself.
            var similarity = centroid.Cosine(vector, 0);
            var answer = centroid.Cosine(vector, threshold);

            if (similarity >= threshold)
            {
                reached++;
                Assert.Equal(similarity, answer);
            }
            else
            {
                Assert.True(answer < threshold, $"round {round}: {answer} for a similarity of {similarity} below {threshold}");
            }
        }

        Assert.InRange(reached, 30, 270);
    }
}
