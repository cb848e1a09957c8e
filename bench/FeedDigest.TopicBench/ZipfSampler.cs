namespace FeedDigest.TopicBench;

/// <summary>Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s, by binary search in the cumulative weights.</summary>
internal sealed class ZipfSampler
{
    private readonly double[] cumulative;
    private readonly Random random;

    public ZipfSampler(int n, double exponent, Random random)
    {
        this.random = random;
        cumulative = new double[n];
        var sum = 0.0;
        for (var rank = 0; rank < n; rank++)
        {
            sum += 1 / Math.Pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
    }

    public int Next()
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return index >= 0 ? index : ~index;
    }
}
