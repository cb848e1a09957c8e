using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    // Signatures up to this long are found on the stack.
    private const int StackLength = 256;

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

        // On the stack: only the keys are kept.
        var selected = length <= StackLength ? stackalloc long[length] : new long[length];
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
                    minimums = Select(smaller, values, minimums);
                    selectedTerms = Select(smaller, candidate, selectedTerms);
                }

                selectedTerms.AsInt64().CopyTo(selected[position..]);
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

    /// <summary>
    /// Each element of <paramref name="chosen"/> where <paramref name="mask"/> is set (all its bits, or
    /// none), else of <paramref name="other"/>: one instruction with AVX2 where the portable select takes three.
    /// </summary>
    private static Vector256<ulong> Select(Vector256<ulong> mask, Vector256<ulong> chosen, Vector256<ulong> other) =>
        Avx2.IsSupported ? Avx2.BlendVariable(other, chosen, mask) : Vector256.ConditionalSelect(mask, chosen, other);

    /// <summary><see cref="TermHash.Mix"/> of four values at once.</summary>
    private static Vector256<ulong> Mix(Vector256<ulong> x)
    {
        x = (x ^ Vector256.ShiftRightLogical(x, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        x = (x ^ Vector256.ShiftRightLogical(x, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return x ^ Vector256.ShiftRightLogical(x, 31);
    }

    /// <summary>One key per distinct selected term, in the order first selected.</summary>
    private static long[] DistinctKeys(Span<long> selected)
    {
        // Each term is compared with the few kept before it, and kept unless it is among them: a
        // plain loop and a count, without the search call and the branch that cost more.
        var distinct = 0;
        foreach (var term in selected)
        {
            var seen = false;
            for (var i = 0; i < distinct; i++)
            {
                seen |= selected[i] == term;
            }

            selected[distinct] = term;
            distinct += seen ? 0 : 1;
        }

        var keys = new long[distinct];
        for (var i = 0; i < distinct; i++)
        {
            keys[i] = (long)TermHash.Mix((ulong)selected[i] ^ Golden);
        }

        return keys;
    }
}
