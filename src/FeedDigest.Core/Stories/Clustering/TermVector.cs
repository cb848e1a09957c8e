namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// A story's terms weighted by TF-IDF and scaled to unit length: weight = (1 + ln tf) × idf with
/// idf = ln((N + 1) / (df + 1)) + 1, N and df counted over the stored stories and this one. Terms
/// in most stories weigh little, names and rare words much, so two headlines sharing a rare name
/// score high and two sharing "says" and "report" do not.
/// </summary>
internal sealed class TermVector
{
    private TermVector(Dictionary<long, double> weights) => Weights = weights;

    /// <summary>Term → weight; the weights' squares sum to 1 (or the vector is empty). Not to be changed.</summary>
    public Dictionary<long, double> Weights { get; }

    public static TermVector Weigh(IReadOnlyDictionary<long, int> termFrequencies, long documentCount, Func<long, long> documentFrequency)
    {
        var weights = new Dictionary<long, double>(termFrequencies.Count);
        var sumOfSquares = 0.0;
        foreach (var (term, frequency) in termFrequencies)
        {
            var df = Math.Clamp(documentFrequency(term), 1, documentCount);
            var weight = (1 + Math.Log(frequency)) * (Math.Log((documentCount + 1.0) / (df + 1.0)) + 1);
            weights[term] = weight;
            sumOfSquares += weight * weight;
        }

        if (sumOfSquares > 0)
        {
            var norm = Math.Sqrt(sumOfSquares);
            foreach (var term in termFrequencies.Keys)
            {
                weights[term] /= norm;
            }
        }

        return new TermVector(weights);
    }
}
