using System.Runtime.InteropServices;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>What a story is compared on, before weighting: its terms' hashes and counts, and its band keys.</summary>
internal sealed class StoryFeatures
{
    private StoryFeatures(Dictionary<long, int> termFrequencies, long[] bandKeys)
    {
        TermFrequencies = termFrequencies;
        Terms = [.. termFrequencies.Keys];
        BandKeys = bandKeys;
    }

    public IReadOnlyDictionary<long, int> TermFrequencies { get; }

    /// <summary>The distinct terms.</summary>
    public IReadOnlyList<long> Terms { get; }

    public IReadOnlyList<long> BandKeys { get; }

    /// <summary>Title and summary together: a summary, where a feed has one, says much more than a headline.</summary>
    public static StoryFeatures Of(string? title, string? summary, int bands, int rowsPerBand)
    {
        var counter = new TermCounter();
        ClusterText.AddTerms(title, counter);
        ClusterText.AddTerms(summary, counter);
        return new StoryFeatures(counter.Frequencies, MinHash.BandKeys(counter.Frequencies.Keys, bands, rowsPerBand));
    }

    /// <summary>Counts each term by its hash, in the order terms first appear.</summary>
    private sealed class TermCounter : ClusterText.ITermSink
    {
        public Dictionary<long, int> Frequencies { get; } = new(64);

        public void Add(ReadOnlySpan<char> term)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(Frequencies, TermHash.Of(term), out _);
            count++;
        }
    }
}
