using System.Collections;
using System.Numerics;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>What a story is compared on, before weighting: its terms' hashes and counts, and its band keys.</summary>
internal sealed class StoryFeatures
{
    /// <summary>
    /// The fewest distinct terms that make two stories alike. One word in common with a story of one
    /// word does not tell a story: a photo post's placeholder title ("(untitled)",
    /// <see cref="StoryText.Untitled"/>) or a feed's own ("Untitled", "Photo") made every such post,
    /// from any feed, one story, and a digest listed one. A one-word headline still joins a cluster
    /// that says more ("COSMOS Then and Now" the stories on the series).
    /// </summary>
    internal const int MinTermsToCompare = 2;

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
        var counter = TermCounter.Start();
        var simplifyChinese = ChineseCharacters.Folds(title, summary);
        ClusterText.AddTerms(title, ref counter, simplifyChinese);
        ClusterText.AddTerms(summary, ref counter, simplifyChinese);
        var counts = counter.Finish();
        var writingSystem = string.IsNullOrWhiteSpace(title) ? Scripts.WritingSystemOf(summary) : Scripts.WritingSystemOf(title);
        return new StoryFeatures(counts, MinHash.BandKeys(counts.Terms, bands, rowsPerBand), writingSystem);
    }

    /// <summary>
    /// Counts each term by its hash, in the order terms first appear: the terms and their counts in
    /// arrays, found by an open-addressing table of their positions. A story has some forty terms:
    /// these arrays cost less to fill than a Dictionary.
    /// </summary>
    /// <remarks>
    /// The arrays are the thread's, used again by its next story: only the terms and counts found are
    /// copied out (<see cref="Finish"/>). Allocated for every story, the three arrays and the copy
    /// were a sixth of what an assignment allocated. A counter takes the arrays from its thread at
    /// <see cref="Start"/> and gives them back at <see cref="Finish"/>; counting runs start to finish
    /// on one thread (it never awaits).
    /// </remarks>
    private struct TermCounter : ClusterText.ITermSink
    {
        // Room for most stories' terms; a longer story's arrays grow.
        private const int InitialCapacity = 64;

        // A thread keeps its arrays for the next story up to this many terms; a rare longer story's
        // grown arrays are left to the collector, so that every later story does not clear a large table.
        private const int MaxKeptCapacity = 1024;

        [ThreadStatic]
        private static long[]? threadTerms;

        [ThreadStatic]
        private static int[]? threadCounts;

        [ThreadStatic]
        private static int[]? threadSlots;

        private long[] terms;
        private int[] counts;

        // Each slot holds a term's position + 1, or 0 when empty; at most half the slots are used.
        private int[] slots;
        private int count;

        /// <summary>A counter with no terms, on the thread's arrays (taken from it until <see cref="Finish"/>).</summary>
        public static TermCounter Start()
        {
            var counter = new TermCounter
            {
                terms = threadTerms ?? new long[InitialCapacity],
                counts = threadCounts ?? new int[InitialCapacity],
                slots = threadSlots ?? new int[InitialCapacity * 2],
            };

            // Taken while in use: a count started meanwhile on this thread would get arrays of its own.
            threadTerms = null;
            threadCounts = null;
            threadSlots = null;
            return counter;
        }

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

        /// <summary>The terms and counts found, copied out; the arrays go back to the thread, cleared, for its next story.</summary>
        public TermCounts Finish()
        {
            var result = new TermCounts(terms.AsSpan(0, count).ToArray(), counts.AsSpan(0, count).ToArray());
            if (terms.Length <= MaxKeptCapacity)
            {
                // The counts and terms are overwritten as the next story's terms come; the slots must be empty.
                Array.Clear(slots);
                threadTerms = terms;
                threadCounts = counts;
                threadSlots = slots;
            }

            return result;
        }

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

    /// <summary>
    /// A <see cref="TermCounter"/>'s terms and counts. Looked up by term through a table of their
    /// positions, built on the first such lookup: clustering reads the counts in order and never
    /// looks one up, so it does not pay for the table.
    /// </summary>
    private sealed class TermCounts(long[] terms, int[] counts) : IReadOnlyDictionary<long, int>
    {
        // Each slot holds a term's position + 1, or 0 when empty; at most half the slots are used.
        private int[]? slots;

        /// <summary>The distinct terms, in the order they first appear (the counts are at the same positions).</summary>
        public long[] Terms => terms;

        /// <summary>Each term's count, at its position in <see cref="Terms"/>.</summary>
        public ReadOnlySpan<int> CountsInOrder => counts;

        public int Count => terms.Length;

        public IEnumerable<long> Keys => terms;

        public IEnumerable<int> Values => counts;

        public int this[long key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The term {key} is not in the story.");

        public bool ContainsKey(long key) => TryGetValue(key, out _);

        public bool TryGetValue(long key, out int value)
        {
            var slots = this.slots ??= Slots(terms);
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

        private static int[] Slots(long[] terms)
        {
            var slots = new int[Math.Max(8, (int)BitOperations.RoundUpToPowerOf2((uint)terms.Length * 2))];
            var mask = slots.Length - 1;
            for (var position = 0; position < terms.Length; position++)
            {
                var slot = (int)terms[position] & mask;
                while (slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                slots[slot] = position + 1;
            }

            return slots;
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
