using System.Numerics;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// A story's terms weighted by TF-IDF and scaled to unit length: weight = (1 + ln tf) × idf with
/// idf = ln((N + 1) / (df + 1)) + 1, N and df counted over the stored stories and this one. Terms
/// in most stories weigh little, names and rare words much, so two headlines sharing a rare name
/// score high and two sharing "says" and "report" do not.
/// </summary>
internal sealed class TermVector
{
    // An open-addressing table over the terms (their hashes are well mixed already, so their low
    // bits are the slot): each story's vector is looked up once per term of a dozen centroids, and
    // that is most of what verifying candidates costs. Slots hold an index + 1 into the arrays, 0 when free.
    private readonly int[] slots;
    private readonly long[] terms;
    private readonly double[] values;

    private TermVector(Dictionary<long, double> weights)
    {
        Weights = weights;
        slots = new int[Math.Max(8, (int)BitOperations.RoundUpToPowerOf2((uint)weights.Count * 2))];
        terms = new long[weights.Count];
        values = new double[weights.Count];
        var mask = slots.Length - 1;
        var index = 0;
        foreach (var (term, weight) in weights)
        {
            terms[index] = term;
            values[index] = weight;
            var slot = (int)term & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = ++index;
        }
    }

    /// <summary>Term → weight; the weights' squares sum to 1 (or the vector is empty). Not to be changed.</summary>
    public Dictionary<long, double> Weights { get; }

    /// <summary>The weight of <paramref name="term"/>, as <see cref="Weights"/> has it.</summary>
    public bool TryGetWeight(long term, out double weight)
    {
        var mask = slots.Length - 1;
        for (var slot = (int)term & mask; slots[slot] != 0; slot = (slot + 1) & mask)
        {
            var index = slots[slot] - 1;
            if (terms[index] == term)
            {
                weight = values[index];
                return true;
            }
        }

        weight = 0;
        return false;
    }

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
