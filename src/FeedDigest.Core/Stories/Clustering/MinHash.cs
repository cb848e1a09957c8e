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
    public static long[] BandKeys(IReadOnlyCollection<long> terms, int bands, int rowsPerBand)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(bands * rowsPerBand, Seeds.Length);
        var length = bands * rowsPerBand;
        var minimums = new ulong[length];
        var selected = new long[length];
        Array.Fill(minimums, ulong.MaxValue);
        foreach (var term in terms)
        {
            for (var i = 0; i < length; i++)
            {
                // One hash function per position: the term mixed with that position's seed.
                var value = TermHash.Mix((ulong)term ^ Seeds[i]);
                if (value < minimums[i])
                {
                    minimums[i] = value;
                    selected[i] = term;
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

    /// <summary>One key per distinct selected term, in the order first selected.</summary>
    private static long[] DistinctKeys(long[] selected)
    {
        var distinct = 0;
        for (var i = 0; i < selected.Length; i++)
        {
            if (Array.IndexOf(selected, selected[i], 0, i) < 0)
            {
                selected[distinct++] = selected[i];
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
