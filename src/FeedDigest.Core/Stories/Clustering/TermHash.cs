namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Stable 64-bit hashes: terms are stored and compared as these numbers, so they must not change
/// between processes or machines (string.GetHashCode does).
/// </summary>
internal static class TermHash
{
    /// <summary>FNV-1a over the UTF-16 code units, then <see cref="Mix"/> so every bit depends on every input bit.</summary>
    public static long Of(string term) => Of(term.AsSpan());

    /// <inheritdoc cref="Of(string)"/>
    public static long Of(ReadOnlySpan<char> term)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in term)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)Mix(hash);
    }

    /// <summary>The SplitMix64 finalizer: a bijection of 64-bit values with good avalanche.</summary>
    public static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
