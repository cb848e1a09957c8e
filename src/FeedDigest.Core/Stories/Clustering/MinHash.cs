using System.Runtime.Intrinsics;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// MinHash signatures over a story's set of terms, cut into LSH bands. Two stories whose term
/// sets have Jaccard similarity J share the key of a band of r rows with probability J^r, so they
/// share at least one of b band keys with probability 1 − (1 − J^r)^b. The index finds candidates
/// by these keys; a band key is a hash of the band's number and its r minimum values (that is,
/// the terms that hold them).
/// With one row per band the key is the selected term alone, not tied to its band: the same term
/// selected by several bands is one key (a headline of 8 terms has at most 8 keys, whatever the number of bands), and
/// two stories collide when a term selected in each is the same, in whichever band.
/// </summary>
internal static class MinHash
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    // ClusteringOptions allows at most 256 bands of 8 rows.
    private static readonly ulong[] Seeds = Enumerable.Range(0, 256 * 8)
        .Select(i => TermHash.Mix((Golden * (ulong)(i + 1)) ^ 0x5851F42D4C957F2DUL))
        .ToArray();

    /// <summary>The band keys of a term set; empty when there are no terms (such a story can match nothing).</summary>
    public static long[] BandKeys(ReadOnlySpan<long> terms, int bands, int rowsPerBand)
    {
        if (terms.IsEmpty)
        {
            return [];
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(bands * rowsPerBand, Seeds.Length);
        var length = bands * rowsPerBand;
        var selected = new long[length];
        var position = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four positions at a time: the same comparisons in the same order as one at a time below,
            // without a branch to mispredict. This loop is most of a story's MinHash cost.
            for (; position + Vector256<ulong>.Count <= length; position += Vector256<ulong>.Count)
            {
                var seeds = Vector256.Create<ulong>(Seeds.AsSpan(position));
                var minimums = Vector256<ulong>.AllBitsSet;
                var selectedTerms = Vector256<ulong>.Zero;
                foreach (var term in terms)
                {
                    var candidate = Vector256.Create((ulong)term);
                    var values = Mix(candidate ^ seeds);
                    var smaller = Vector256.LessThan(values, minimums);
                    minimums = Vector256.ConditionalSelect(smaller, values, minimums);
                    selectedTerms = Vector256.ConditionalSelect(smaller, candidate, selectedTerms);
                }

                selectedTerms.AsInt64().CopyTo(selected.AsSpan(position));
            }
        }

        for (; position < length; position++)
        {
            // One hash function per position: the term mixed with that position's seed.
            var seed = Seeds[position];
            var minimum = ulong.MaxValue;
            foreach (var term in terms)
            {
                var value = TermHash.Mix((ulong)term ^ seed);
                if (value < minimum)
                {
                    minimum = value;
                    selected[position] = term;
                }
            }
        }

        // Keys are built from the selected terms, which is the same as from the minimum values
        // (each hash function is a bijection) but lets one row per band key the term itself.
        if (rowsPerBand == 1)
        {
            return DistinctKeys(selected);
        }

        var keys = new long[bands];
        for (var band = 0; band < bands; band++)
        {
            var key = TermHash.Mix(Golden * (ulong)(band + 1));
            for (var row = 0; row < rowsPerBand; row++)
            {
                key = TermHash.Mix(key ^ (ulong)selected[(band * rowsPerBand) + row]);
            }

            keys[band] = (long)key;
        }

        return keys;
    }

    /// <summary><see cref="TermHash.Mix"/> of four values at once.</summary>
    private static Vector256<ulong> Mix(Vector256<ulong> x)
    {
        x = (x ^ Vector256.ShiftRightLogical(x, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        x = (x ^ Vector256.ShiftRightLogical(x, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return x ^ Vector256.ShiftRightLogical(x, 31);
    }

    /// <summary>One key per distinct selected term, in the order first selected.</summary>
    private static long[] DistinctKeys(long[] selected)
    {
        var distinct = 0;
        foreach (var term in selected)
        {
            // A term is looked for among the few kept so far with a plain loop: a search call costs more.
            var seen = false;
            for (var i = 0; i < distinct && !seen; i++)
            {
                seen = selected[i] == term;
            }

            if (!seen)
            {
                selected[distinct++] = term;
            }
        }

        var keys = new long[distinct];
        for (var i = 0; i < distinct; i++)
        {
            keys[i] = (long)TermHash.Mix((ulong)selected[i] ^ Golden);
        }

        return keys;
    }
}
