using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Whether one story is a copy of another: the same article (the same page, or nearly the same
/// words: a wire story carried by two outlets, an outlet's second feed, a republish with a reworded
/// headline), not another article about the same event. A cluster holds both kinds; a digest tells
/// them apart when a story joins a cluster its subscriber already got.
/// </summary>
/// <remarks>
/// Compared on the terms clustering reads (title and summary). On the dedup DEV set, articles by
/// different outlets about one event share at least half their terms (Jaccard) in 2% of pairs, and
/// the shorter one's terms lie at least 80% within the longer in 2% too; the second test catches a
/// copy whose feed cuts its summary short.
/// </remarks>
internal sealed class StoryResemblance
{
    private const double CopyJaccard = 0.5;
    private const double CopyContainment = 0.8;

    private readonly Dictionary<long, HashSet<long>> termsByStory = [];

    /// <summary>Whether <paramref name="story"/> is a copy of <paramref name="other"/> (the relation is symmetric).</summary>
    public bool IsCopy(StoredStory story, StoredStory other)
    {
        if (story.Id == other.Id || LinkOf(story) is { } link && link == LinkOf(other))
        {
            return true;
        }

        var terms = TermsOf(story);
        var otherTerms = TermsOf(other);
        if (terms.Count == 0 || otherTerms.Count == 0)
        {
            // Nothing to compare (a story with no words): the same only when the titles are.
            return string.Equals(story.Title.Trim(), other.Title.Trim(), StringComparison.OrdinalIgnoreCase);
        }

        var shared = terms.Count <= otherTerms.Count ? terms.Count(otherTerms.Contains) : otherTerms.Count(terms.Contains);
        var union = terms.Count + otherTerms.Count - shared;
        return shared >= CopyJaccard * union || shared >= CopyContainment * Math.Min(terms.Count, otherTerms.Count);
    }

    private HashSet<long> TermsOf(StoredStory story)
    {
        if (!termsByStory.TryGetValue(story.Id, out var terms))
        {
            var sink = new TermSet();
            ClusterText.AddTerms(story.Title, ref sink);
            ClusterText.AddTerms(story.Summary, ref sink);
            termsByStory[story.Id] = terms = sink.Terms;
        }

        return terms;
    }

    private static string? LinkOf(StoredStory story) => string.IsNullOrWhiteSpace(story.Link) ? null : UrlCanonicalizer.Canonicalize(story.Link);

    private struct TermSet() : ClusterText.ITermSink
    {
        public HashSet<long> Terms { get; } = [];

        public readonly void Add(ReadOnlySpan<char> term, long hash) => Terms.Add(hash);
    }
}
