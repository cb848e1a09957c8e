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
        tailNorms = new double[Math.Max(0, (this.terms.Length - 1) / TailStep)];
        double tail = 0;
        for (var i = this.terms.Length - 1; i >= TailStep; i--)
        {
            tail += (double)this.terms[i].Weight * this.terms[i].Weight;
            if (i % TailStep == 0)
            {
                tailNorms[(i / TailStep) - 1] = Math.Sqrt(tail);
            }
        }
    }

    // An array rather than the list interface: every story's verification walks a dozen centroids,
    // and enumerating through the interface cost more than the lookups.
    private readonly CentroidTerm[] terms;

    // Slots of a comparison's table kept on the stack: room for the default 64 terms and more.
    private const int StackSlots = 256;

    // The norm of the terms from each TailStep-th one on (tailNorms[k] from term (k + 1) × TailStep),
    // which bounds what they can still add to a dot product.
    private const int TailStep = 8;
    private readonly double[] tailNorms;

    // Below the threshold by more than rounding can account for: a bound under threshold × norm less
    // this cannot hide a similarity at the threshold.
    private const double BoundMargin = 1e-9;

    public static ClusterCentroid Empty { get; } = new([]);

    /// <summary>The centroid's terms, heaviest first.</summary>
    public IReadOnlyList<CentroidTerm> Terms => terms;

    public double Norm { get; }

    /// <summary>
    /// Cosine similarity between a unit vector and this centroid, in [0, 1] for non-negative
    /// weights, when it is at least <paramref name="threshold"/>; below it, some value below it.
    /// </summary>
    /// <remarks>
    /// Most candidates a story is verified against fall short. Every <see cref="TailStep"/> terms,
    /// the terms not walked yet can add at most their norm times what is left of the vector's
    /// (Cauchy–Schwarz; the vector is a unit one, and the parts of it matched so far are used up):
    /// when even that cannot reach the threshold, the walk stops. A similarity that reaches it is
    /// summed over every term, in the same order, to the same value.
    /// </remarks>
    internal double Cosine(TermVector vector, double threshold)
    {
        if (Norm == 0)
        {
            return 0;
        }

        var reach = (threshold * Norm) - BoundMargin;
        double dot = 0;
        double matched = 0;
        for (var i = 0; i < terms.Length; i++)
        {
            if (i >= TailStep && i % TailStep == 0)
            {
                var most = dot + (tailNorms[(i / TailStep) - 1] * Math.Sqrt(Math.Max(0, 1 - matched)));
                if (most < reach)
                {
                    return most / Norm;
                }
            }

            var term = terms[i];
            if (vector.TryGetWeight(term.Term, out var weight))
            {
                dot += weight * term.Weight;
                matched += weight * weight;
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
    /// Every story that joins a cluster pays for this. The centroid's terms are kept heaviest first,
    /// and most of them are not in the story: their weights stay, and so does their order. Only the
    /// terms the story changes or brings are sorted, and then merged with the others, in the order
    /// <see cref="SortHeaviestFirst"/> gives (heaviest first, ties by
    /// term), so the centroid is the one sorting them all gave. A centroid not in that order (made
    /// by hand) has all its terms sorted.
    /// </remarks>
    internal ClusterCentroid Add(TermVector vector, int maxTerms)
    {
        var vectorTerms = vector.Terms;
        var vectorValues = vector.Values;
        var size = terms.Length + vectorTerms.Length;
        var changedTermArray = ArrayPool<long>.Shared.Rent(size);
        var changedNegatedArray = ArrayPool<double>.Shared.Rent(size);
        var keptArray = ArrayPool<int>.Shared.Rent(terms.Length);
        var inCentroidArray = ArrayPool<bool>.Shared.Rent(vectorTerms.Length);
        try
        {
            var inCentroid = inCentroidArray.AsSpan(0, vectorTerms.Length);
            inCentroid.Clear();
            var changedTerms = changedTermArray.AsSpan();
            var changedNegated = changedNegatedArray.AsSpan();
            var kept = keptArray.AsSpan();
            int changed = 0, unchanged = 0;
            var ordered = true;
            for (var position = 0; position < terms.Length; position++)
            {
                var term = terms[position];
                var index = vector.IndexOf(term.Term);
                if (index >= 0)
                {
                    changedTerms[changed] = term.Term;
                    changedNegated[changed++] = -((double)term.Weight + vectorValues[index]);
                    inCentroid[index] = true;
                }
                else
                {
                    ordered &= unchanged == 0 || HeavierFirst(-(double)terms[kept[unchanged - 1]].Weight, terms[kept[unchanged - 1]].Term, -(double)term.Weight, term.Term);
                    kept[unchanged++] = position;
                }
            }

            for (var i = 0; i < vectorTerms.Length; i++)
            {
                if (!inCentroid[i])
                {
                    changedTerms[changed] = vectorTerms[i];
                    changedNegated[changed++] = -vectorValues[i];
                }
            }

            if (!ordered)
            {
                for (var i = 0; i < unchanged; i++)
                {
                    changedTerms[changed] = terms[kept[i]].Term;
                    changedNegated[changed++] = -(double)terms[kept[i]].Weight;
                }

                unchanged = 0;
            }

            SortHeaviestFirst(changedNegated[..changed], changedTerms[..changed]);
            var result = new CentroidTerm[Math.Min(maxTerms, changed + unchanged)];
            int fromKept = 0, fromChanged = 0;
            for (var i = 0; i < result.Length; i++)
            {
                if (fromChanged == changed
                    || (fromKept < unchanged && HeavierFirst(-(double)terms[kept[fromKept]].Weight, terms[kept[fromKept]].Term, changedNegated[fromChanged], changedTerms[fromChanged])))
                {
                    result[i] = terms[kept[fromKept++]];
                }
                else
                {
                    result[i] = new CentroidTerm(changedTerms[fromChanged], (float)-changedNegated[fromChanged]);
                    fromChanged++;
                }
            }

            return new ClusterCentroid(result);
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(inCentroidArray);
            ArrayPool<int>.Shared.Return(keptArray);
            ArrayPool<double>.Shared.Return(changedNegatedArray);
            ArrayPool<long>.Shared.Return(changedTermArray);
        }
    }

    /// <summary>Whether the term of negated weight <paramref name="negatedX"/> comes before the other: heavier, or as heavy with a lower term.</summary>
    private static bool HeavierFirst(double negatedX, long termX, double negatedY, long termY) =>
        negatedX < negatedY || (negatedX == negatedY && termX < termY);

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
        var count = sums.Count;
        var negatedArray = ArrayPool<double>.Shared.Rent(count);
        var termArray = ArrayPool<long>.Shared.Rent(count);
        try
        {
            var negated = negatedArray.AsSpan(0, count);
            var termsByWeight = termArray.AsSpan(0, count);
            var i = 0;
            foreach (var (term, sum) in sums)
            {
                negated[i] = -sum;
                termsByWeight[i++] = term;
            }

            SortHeaviestFirst(negated, termsByWeight);
            var kept = new CentroidTerm[Math.Min(maxTerms, count)];
            for (i = 0; i < kept.Length; i++)
            {
                kept[i] = new CentroidTerm(termsByWeight[i], (float)-negated[i]);
            }

            return new ClusterCentroid(kept);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(termArray);
            ArrayPool<double>.Shared.Return(negatedArray);
        }
    }

    /// <summary>
    /// Sorts the negated weights and their terms together, heaviest first, then each run of equal
    /// weights by term. The runtime sorts primitive keys without a comparer call a comparison, which
    /// is what sorting the pairs cost. Negating a double is exact.
    /// </summary>
    private static void SortHeaviestFirst(Span<double> negated, Span<long> terms)
    {
        negated.Sort(terms);
        for (var start = 0; start < negated.Length;)
        {
            var end = start + 1;
            while (end < negated.Length && negated[end] == negated[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                terms[start..end].Sort();
            }

            start = end;
        }
    }
}
