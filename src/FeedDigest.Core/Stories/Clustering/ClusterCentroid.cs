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
        Terms = terms;
        double sumOfSquares = 0;
        foreach (var term in terms)
        {
            sumOfSquares += (double)term.Weight * term.Weight;
        }

        Norm = Math.Sqrt(sumOfSquares);
    }

    private const double RoundingResidue = 1e-4;

    public static ClusterCentroid Empty { get; } = new([]);

    /// <summary>The centroid's terms, heaviest first.</summary>
    public IReadOnlyList<CentroidTerm> Terms { get; }

    public double Norm { get; }

    /// <summary>Cosine similarity between a unit vector and this centroid, in [0, 1] for non-negative weights.</summary>
    internal double Cosine(TermVector vector)
    {
        if (Norm == 0)
        {
            return 0;
        }

        double dot = 0;
        foreach (var term in Terms)
        {
            if (vector.Weights.TryGetValue(term.Term, out var weight))
            {
                dot += weight * term.Weight;
            }
        }

        return dot / Norm;
    }

    /// <summary>Cosine similarity between two centroids.</summary>
    internal double Cosine(ClusterCentroid other)
    {
        if (Norm == 0 || other.Norm == 0)
        {
            return 0;
        }

        var weights = new Dictionary<long, float>(other.Terms.Count);
        foreach (var term in other.Terms)
        {
            weights[term.Term] = term.Weight;
        }

        double dot = 0;
        foreach (var term in Terms)
        {
            if (weights.TryGetValue(term.Term, out var weight))
            {
                dot += (double)weight * term.Weight;
            }
        }

        return dot / (Norm * other.Norm);
    }

    /// <summary>The centroid of this cluster and <paramref name="other"/> together, keeping the <paramref name="maxTerms"/> heaviest terms.</summary>
    internal ClusterCentroid Merge(ClusterCentroid other, int maxTerms) =>
        Sum(other.Terms.Select(t => new KeyValuePair<long, double>(t.Term, t.Weight)), other.Terms.Count, maxTerms);

    /// <summary>This centroid with <paramref name="vector"/> added, keeping the <paramref name="maxTerms"/> heaviest terms.</summary>
    internal ClusterCentroid Add(TermVector vector, int maxTerms) =>
        Sum(vector.Weights, vector.Weights.Count, maxTerms);

    /// <summary>
    /// This centroid without the members whose vectors (as they were added) are given: their
    /// weights subtracted from the terms the centroid kept. Terms left with no weight go.
    /// </summary>
    public ClusterCentroid Without(IEnumerable<CentroidTerm> contributions)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        var sums = new Dictionary<long, double>(Terms.Count);
        foreach (var term in Terms)
        {
            sums[term.Term] = term.Weight;
        }

        foreach (var contribution in contributions)
        {
            if (sums.TryGetValue(contribution.Term, out var weight))
            {
                sums[contribution.Term] = weight - contribution.Weight;
            }
        }

        // float32 sums do not return to exactly zero: what is left of a term after all its
        // contributions went is rounding, well below any one story's weight.
        return new ClusterCentroid(sums
            .Where(pair => pair.Value > RoundingResidue)
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key)
            .Select(pair => new CentroidTerm(pair.Key, (float)pair.Value))
            .ToArray());
    }

    private ClusterCentroid Sum(IEnumerable<KeyValuePair<long, double>> weights, int count, int maxTerms)
    {
        var sums = new Dictionary<long, double>(Terms.Count + count);
        foreach (var term in Terms)
        {
            sums[term.Term] = term.Weight;
        }

        foreach (var (term, weight) in weights)
        {
            sums[term] = sums.GetValueOrDefault(term) + weight;
        }

        var kept = sums
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key)
            .Take(maxTerms)
            .Select(pair => new CentroidTerm(pair.Key, (float)pair.Value))
            .ToArray();
        return new ClusterCentroid(kept);
    }
}
