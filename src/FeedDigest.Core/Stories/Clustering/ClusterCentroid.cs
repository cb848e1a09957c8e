using System.Buffers;
using System.Numerics;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// What a cluster is compared on: the sum of its members' unit term vectors, each weighted with the
/// IDF of when it joined, cut to the heaviest terms. Comparing with the centroid rather than with
/// single members lets a story join on the words its cluster has in common (the names, the event)
/// and not on a word it happens to share with one member.
/// </summary>
public sealed class ClusterCentroid
{
    public ClusterCentroid(IReadOnlyList<CentroidTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        this.terms = terms as CentroidTerm[] ?? [.. terms];
        double sumOfSquares = 0;
        foreach (var term in this.terms)
        {
            sumOfSquares += (double)term.Weight * term.Weight;
        }

        Norm = Math.Sqrt(sumOfSquares);
    }

    // An array rather than the list interface: every story's verification walks a dozen centroids,
    // and enumerating through the interface cost more than the lookups.
    private readonly CentroidTerm[] terms;

    // Slots of a comparison's table kept on the stack: room for the default 64 terms and more.
    private const int StackSlots = 256;

    public static ClusterCentroid Empty { get; } = new([]);

    /// <summary>The centroid's terms, heaviest first.</summary>
    public IReadOnlyList<CentroidTerm> Terms => terms;

    public double Norm { get; }

    /// <summary>Cosine similarity between a unit vector and this centroid, in [0, 1] for non-negative weights.</summary>
    internal double Cosine(TermVector vector)
    {
        if (Norm == 0)
        {
            return 0;
        }

        double dot = 0;
        foreach (var term in terms)
        {
            if (vector.TryGetWeight(term.Term, out var weight))
            {
                dot += weight * term.Weight;
            }
        }

        return dot / Norm;
    }

    /// <summary>Cosine similarity between two centroids.</summary>
    /// <remarks>
    /// The other centroid's terms are found through an open-addressing table of their positions on
    /// the stack (a story that reaches several clusters compares them all): a Dictionary built for
    /// each comparison was a tenth of what an assignment allocated. The products are summed in this
    /// centroid's order, as before.
    /// </remarks>
    internal double Cosine(ClusterCentroid other)
    {
        if (Norm == 0 || other.Norm == 0)
        {
            return 0;
        }

        var size = (int)BitOperations.RoundUpToPowerOf2((uint)other.terms.Length * 2);
        var rented = size > StackSlots ? ArrayPool<int>.Shared.Rent(size) : null;
        var slots = rented is null ? stackalloc int[size] : rented.AsSpan(0, size);
        try
        {
            slots.Clear();
            var mask = size - 1;
            for (var position = 0; position < other.terms.Length; position++)
            {
                var slot = (int)other.terms[position].Term & mask;
                while (slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                slots[slot] = position + 1;
            }

            double dot = 0;
            foreach (var term in terms)
            {
                for (var slot = (int)term.Term & mask; slots[slot] != 0; slot = (slot + 1) & mask)
                {
                    var match = other.terms[slots[slot] - 1];
                    if (match.Term == term.Term)
                    {
                        dot += (double)match.Weight * term.Weight;
                        break;
                    }
                }
            }

            return dot / (Norm * other.Norm);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The centroid of this cluster and <paramref name="other"/> together, keeping the <paramref name="maxTerms"/> heaviest terms.</summary>
    internal ClusterCentroid Merge(ClusterCentroid other, int maxTerms)
    {
        var sums = Sums(other.terms.Length);
        foreach (var term in other.terms)
        {
            sums[term.Term] = sums.GetValueOrDefault(term.Term) + term.Weight;
        }

        return Heaviest(sums, maxTerms);
    }

    /// <summary>This centroid with <paramref name="vector"/> added, keeping the <paramref name="maxTerms"/> heaviest terms.</summary>
    /// <remarks>
    /// Every story that joins a cluster pays for this: the sums are built in a rented array through
    /// the vector's own lookup table, not in a dictionary of their own.
    /// </remarks>
    internal ClusterCentroid Add(TermVector vector, int maxTerms)
    {
        var vectorTerms = vector.Terms;
        var vectorValues = vector.Values;
        var sums = ArrayPool<KeyValuePair<long, double>>.Shared.Rent(terms.Length + vectorTerms.Length);
        var inCentroid = ArrayPool<bool>.Shared.Rent(vectorTerms.Length);
        try
        {
            Array.Clear(inCentroid, 0, vectorTerms.Length);
            var count = 0;
            foreach (var term in terms)
            {
                double sum = term.Weight;
                var index = vector.IndexOf(term.Term);
                if (index >= 0)
                {
                    sum += vectorValues[index];
                    inCentroid[index] = true;
                }

                sums[count++] = new KeyValuePair<long, double>(term.Term, sum);
            }

            for (var i = 0; i < vectorTerms.Length; i++)
            {
                if (!inCentroid[i])
                {
                    sums[count++] = new KeyValuePair<long, double>(vectorTerms[i], vectorValues[i]);
                }
            }

            return Heaviest(sums.AsSpan(0, count), maxTerms);
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(inCentroid);
            ArrayPool<KeyValuePair<long, double>>.Shared.Return(sums);
        }
    }

    /// <summary>This centroid's weights by term, with room for <paramref name="more"/> terms.</summary>
    private Dictionary<long, double> Sums(int more)
    {
        var sums = new Dictionary<long, double>(terms.Length + more);
        foreach (var term in terms)
        {
            sums[term.Term] = term.Weight;
        }

        return sums;
    }

    /// <summary>
    /// The <paramref name="maxTerms"/> heaviest of the sums, heaviest first and ties by term: the
    /// order is total (terms are distinct), so any sort gives the same centroid.
    /// </summary>
    private static ClusterCentroid Heaviest(Dictionary<long, double> sums, int maxTerms)
    {
        var all = new KeyValuePair<long, double>[sums.Count];
        var count = 0;
        foreach (var pair in sums)
        {
            all[count++] = pair;
        }

        return Heaviest(all, maxTerms);
    }

    /// <inheritdoc cref="Heaviest(Dictionary{long, double}, int)"/>
    /// <remarks>
    /// Sorted as two arrays of primitives, the negated weights and their terms, then each run of
    /// equal weights by term: the runtime sorts primitive keys without a comparer call a
    /// comparison, which is what sorting the pairs cost (every story that joins a cluster pays for
    /// this). Negating a double is exact, so the weights kept are the sums as they were.
    /// </remarks>
    private static ClusterCentroid Heaviest(Span<KeyValuePair<long, double>> all, int maxTerms)
    {
        var count = all.Length;
        var negatedArray = ArrayPool<double>.Shared.Rent(count);
        var termArray = ArrayPool<long>.Shared.Rent(count);
        try
        {
            var negated = negatedArray.AsSpan(0, count);
            var termsByWeight = termArray.AsSpan(0, count);
            for (var i = 0; i < count; i++)
            {
                negated[i] = -all[i].Value;
                termsByWeight[i] = all[i].Key;
            }

            negated.Sort(termsByWeight);
            var kept = new CentroidTerm[Math.Min(maxTerms, count)];
            for (var start = 0; start < kept.Length;)
            {
                var end = start + 1;
                while (end < count && negated[end] == negated[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    termsByWeight[start..end].Sort();
                }

                for (var i = start; i < end && i < kept.Length; i++)
                {
                    kept[i] = new CentroidTerm(termsByWeight[i], (float)-negated[i]);
                }

                start = end;
            }

            return new ClusterCentroid(kept);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(termArray);
            ArrayPool<double>.Shared.Return(negatedArray);
        }
    }
}
