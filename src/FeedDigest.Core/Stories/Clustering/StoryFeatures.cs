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
        var words = ClusterText.Terms(title);
        ClusterText.AddTerms(summary, words);
        var frequencies = new Dictionary<long, int>(words.Count);
        foreach (var word in words)
        {
            var term = TermHash.Of(word);
            frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
        }

        return new StoryFeatures(frequencies, MinHash.BandKeys(frequencies.Keys, bands, rowsPerBand));
    }
}
