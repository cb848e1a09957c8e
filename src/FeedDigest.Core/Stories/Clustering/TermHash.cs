using System.Runtime.CompilerServices;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Stable 64-bit hashes: terms are stored and compared as these numbers, so they must not change
/// between processes or machines (string.GetHashCode does).
/// </summary>
internal static class TermHash
{
    /// <summary>
    /// The FNV-1a state of no characters. A term's hash can be found as it is read:
    /// <see cref="Finish"/> of the state after <see cref="Append"/> of each character is <see cref="Of(ReadOnlySpan{char})"/>.
    /// </summary>
    public const ulong Empty = 14695981039346656037UL;

    /// <summary>FNV-1a over the UTF-16 code units, then <see cref="Mix"/> so every bit depends on every input bit.</summary>
    public static long Of(string term) => Of(term.AsSpan());

    /// <inheritdoc cref="Of(string)"/>
    public static long Of(ReadOnlySpan<char> term)
    {
        var state = Empty;
        foreach (var c in term)
        {
            state = Append(state, c);
        }

        return Finish(state);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Append(ulong state, char c) => (state ^ c) * 1099511628211UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Finish(ulong state) => (long)Mix(state);

    /// <summary>The SplitMix64 finalizer: a bijection of 64-bit values with good avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
