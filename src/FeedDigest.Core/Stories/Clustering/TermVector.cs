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

    // A bit for each term, chosen by the hash's top bits (the slot takes its low ones): most of a
    // centroid's terms are not in the story, and a clear bit says so without a probe of the table.
    private readonly ulong[] filter = new ulong[FilterBits / 64];
    private const int FilterBits = 512;

    private TermVector(long[] terms, double[] values)
    {
        this.terms = terms;
        this.values = values;
        slots = new int[Math.Max(8, (int)BitOperations.RoundUpToPowerOf2((uint)terms.Length * 2))];
        var mask = slots.Length - 1;
        for (var index = 0; index < terms.Length; index++)
        {
            var bit = FilterBit(terms[index]);
            filter[bit >> 6] |= 1UL << bit;
            var slot = (int)terms[index] & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = index + 1;
        }
    }

    /// <summary>The distinct terms, in the order they were weighed.</summary>
    public ReadOnlySpan<long> Terms => terms;

    /// <summary>Each term's weight, in the order of <see cref="Terms"/>; the squares sum to 1 (or the vector is empty).</summary>
    public ReadOnlySpan<double> Values => values;

    /// <summary>The position of <paramref name="term"/> in <see cref="Terms"/>, or -1.</summary>
    public int IndexOf(long term)
    {
        var bit = FilterBit(term);
        if ((filter[bit >> 6] & (1UL << bit)) == 0)
        {
            return -1;
        }

        var mask = slots.Length - 1;
        for (var slot = (int)term & mask; slots[slot] != 0; slot = (slot + 1) & mask)
        {
            var index = slots[slot] - 1;
            if (terms[index] == term)
            {
                return index;
            }
        }

        return -1;
    }

    private static int FilterBit(long term) => (int)((ulong)term >> (64 - 9));

    /// <summary>The weight of <paramref name="term"/>, 0 when the vector does not have it.</summary>
    public bool TryGetWeight(long term, out double weight)
    {
        var index = IndexOf(term);
        weight = index < 0 ? 0 : values[index];
        return index >= 0;
    }

    public static TermVector Weigh(IReadOnlyDictionary<long, int> termFrequencies, long documentCount, Func<long, long> documentFrequency)
    {
        ArgumentNullException.ThrowIfNull(termFrequencies);
        ArgumentNullException.ThrowIfNull(documentFrequency);
        var terms = termFrequencies.Keys.ToArray();
        var frequencies = new int[terms.Length];
        var documentFrequencies = new long[terms.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            frequencies[i] = termFrequencies[terms[i]];
            documentFrequencies[i] = documentFrequency(terms[i]);
        }

        return Weigh(terms, frequencies, documentCount, (ReadOnlySpan<long>)documentFrequencies, 0);
    }

    /// <summary>
    /// Weighs distinct <paramref name="terms"/> with their counts in the story
    /// (<paramref name="frequencies"/>) and their document frequencies, all three in the same order,
    /// with <paramref name="addedToEach"/> added to every document frequency. The vector keeps
    /// <paramref name="terms"/> itself: the caller's array, which nothing changes (a story's terms).
    /// Every story is weighed once: a copy of its terms, and of its frequencies plus one, were a
    /// tenth of what an assignment allocated.
    /// </summary>
    internal static TermVector Weigh(long[] terms, ReadOnlySpan<int> frequencies, long documentCount, IReadOnlyList<long> documentFrequencies, long addedToEach) =>
        Weigh(terms, frequencies, documentCount, documentFrequencies as long[] ?? [.. documentFrequencies], addedToEach);

    private static TermVector Weigh(long[] terms, ReadOnlySpan<int> frequencies, long documentCount, ReadOnlySpan<long> documentFrequencies, long addedToEach)
    {
        var weights = new double[terms.Length];
        var sumOfSquares = 0.0;
        for (var i = 0; i < terms.Length; i++)
        {
            var df = Math.Clamp(documentFrequencies[i] + addedToEach, 1, documentCount);
            var weight = (1 + Math.Log(frequencies[i])) * (Math.Log((documentCount + 1.0) / (df + 1.0)) + 1);
            weights[i] = weight;
            sumOfSquares += weight * weight;
        }

        if (sumOfSquares > 0)
        {
            var norm = Math.Sqrt(sumOfSquares);
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] /= norm;
            }
        }

        return new TermVector(terms, weights);
    }
}
