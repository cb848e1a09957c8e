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
}
