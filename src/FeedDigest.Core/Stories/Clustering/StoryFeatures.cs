using System.Collections;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>What a story is compared on, before weighting: its terms' hashes and counts, and its band keys.</summary>
internal sealed class StoryFeatures
{
    private readonly TermCounts counts;

    private StoryFeatures(TermCounts counts, long[] bandKeys, WritingSystem writingSystem)
    {
        this.counts = counts;
        BandKeys = bandKeys;
        WritingSystem = writingSystem;
    }

    /// <summary>Each distinct term's count, enumerated in the order the terms first appear.</summary>
    public IReadOnlyDictionary<long, int> TermFrequencies => counts;

    /// <summary>The distinct terms, in the order they first appear.</summary>
    public IReadOnlyList<long> Terms => counts.Terms;

    public IReadOnlyList<long> BandKeys { get; }

    /// <summary>The writing system of the headline (of the summary when there is none): whose background the story is weighed against.</summary>
    public WritingSystem WritingSystem { get; }

    /// <summary>
    /// The story's vector: its terms, in the order of <see cref="Terms"/>, weighed with their counts
    /// here and <paramref name="documentFrequencies"/> (in that order too), each plus
    /// <paramref name="addedToEach"/>.
    /// </summary>
    public TermVector Weigh(long documentCount, IReadOnlyList<long> documentFrequencies, long addedToEach) =>
        TermVector.Weigh(counts.Terms, counts.CountsInOrder, documentCount, documentFrequencies, addedToEach);

    /// <summary>Title and summary together: a summary, where a feed has one, says much more than a headline.</summary>
    public static StoryFeatures Of(string? title, string? summary, int bands, int rowsPerBand)
    {
        var counter = new TermCounter();
        ClusterText.AddTerms(title, ref counter);
        ClusterText.AddTerms(summary, ref counter);
        var counts = counter.ToCounts();
        var writingSystem = string.IsNullOrWhiteSpace(title) ? Scripts.WritingSystemOf(summary) : Scripts.WritingSystemOf(title);
        return new StoryFeatures(counts, MinHash.BandKeys(counts.Terms, bands, rowsPerBand), writingSystem);
    }

    /// <summary>
    /// Counts each term by its hash, in the order terms first appear: the terms and their counts in
    /// arrays, found by an open-addressing table of their positions. A story has some forty terms:
    /// these arrays cost less to fill, and to keep as its <see cref="TermFrequencies"/>, than a Dictionary.
    /// </summary>
    private struct TermCounter() : ClusterText.ITermSink
    {
        // Room for most stories' terms; a longer story's arrays grow.
        private const int InitialCapacity = 64;

        private long[] terms = new long[InitialCapacity];
        private int[] counts = new int[InitialCapacity];

        // Each slot holds a term's position + 1, or 0 when empty; at most half the slots are used.
        private int[] slots = new int[InitialCapacity * 2];
        private int count;

        // A term is its hash: its characters are not kept.
        public void Add(ReadOnlySpan<char> term, long hash)
        {
            var mask = slots.Length - 1;
            var slot = (int)hash & mask;
            while (slots[slot] != 0)
            {
                var position = slots[slot] - 1;
                if (terms[position] == hash)
                {
                    counts[position]++;
                    return;
                }

                slot = (slot + 1) & mask;
            }

            if (count == terms.Length)
            {
                Grow();
                Add(term, hash);
                return;
            }

            terms[count] = hash;
            counts[count] = 1;
            slots[slot] = ++count;
        }

        public readonly TermCounts ToCounts() => new(terms.AsSpan(0, count).ToArray(), counts, slots);

        private void Grow()
        {
            Array.Resize(ref terms, terms.Length * 2);
            Array.Resize(ref counts, counts.Length * 2);
            slots = new int[slots.Length * 2];
            var mask = slots.Length - 1;
            for (var position = 0; position < count; position++)
            {
                var slot = (int)terms[position] & mask;
                while (slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                slots[slot] = position + 1;
            }
        }
    }

    /// <summary>A <see cref="TermCounter"/>'s terms and counts, read through its table of positions.</summary>
    private sealed class TermCounts(long[] terms, int[] counts, int[] slots) : IReadOnlyDictionary<long, int>
    {
        /// <summary>The distinct terms, in the order they first appear (the counts are at the same positions).</summary>
        public long[] Terms => terms;

        /// <summary>Each term's count, at its position in <see cref="Terms"/>.</summary>
        public ReadOnlySpan<int> CountsInOrder => counts.AsSpan(0, terms.Length);

        public int Count => terms.Length;

        public IEnumerable<long> Keys => terms;

        public IEnumerable<int> Values => new ArraySegment<int>(counts, 0, terms.Length);

        public int this[long key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The term {key} is not in the story.");

        public bool ContainsKey(long key) => TryGetValue(key, out _);

        public bool TryGetValue(long key, out int value)
        {
            var mask = slots.Length - 1;
            for (var slot = (int)key & mask; slots[slot] != 0; slot = (slot + 1) & mask)
            {
                var position = slots[slot] - 1;
                if (terms[position] == key)
                {
                    value = counts[position];
                    return true;
                }
            }

            value = 0;
            return false;
        }

        public IEnumerator<KeyValuePair<long, int>> GetEnumerator()
        {
            for (var position = 0; position < terms.Length; position++)
            {
                yield return new KeyValuePair<long, int>(terms[position], counts[position]);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
