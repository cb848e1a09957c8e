using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Whether one story is a copy of another: the same article (the same page or headline, or nearly
/// the same words: a wire story carried by two outlets, an outlet's second feed, a republish with a
/// reworded headline, a feed that cuts the summary short), not another article about the same event.
/// A cluster holds both kinds; a digest tells them apart when a story joins a cluster its subscriber
/// already got.
/// </summary>
/// <remarks>
/// Compared on the terms clustering reads (title and summary). On the dedup DEV set, articles by
/// different outlets about one event share at least half their terms (Jaccard) in 2% of pairs, and
/// the shorter one's terms lie at least 80% within the longer in 2% too. Only the shorter inside
/// the longer makes a copy: a follow-up that recaps a short story it follows holds all of that
/// story's words and is news.
/// </remarks>
internal sealed class StoryResemblance
{
    private const double CopyJaccard = 0.5;
    private const double CopyContainment = 0.8;

    private readonly Dictionary<long, HashSet<long>> termsByStory = [];

    /// <summary>
    /// Whether <paramref name="story"/> is a copy of <paramref name="original"/>: the same page or
    /// headline, half their terms in common, or the story's terms within the original's at 80%.
    /// </summary>
    public bool IsCopy(StoredStory story, StoredStory original)
    {
        if (story.Id == original.Id
            || LinkOf(story) is { } link && link == LinkOf(original)
            || string.Equals(story.Title.Trim(), original.Title.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var terms = TermsOf(story);
        var originalTerms = TermsOf(original);
        if (terms.Count == 0 || originalTerms.Count == 0)
        {
            return false;
        }

        var shared = terms.Count(originalTerms.Contains);
        var union = terms.Count + originalTerms.Count - shared;
        return shared >= CopyJaccard * union || shared >= CopyContainment * terms.Count;
    }

    /// <summary>Whether either story is a copy of the other: two new stories, either of which may be the one cut short.</summary>
    public bool AreCopies(StoredStory story, StoredStory other) => IsCopy(story, other) || IsCopy(other, story);

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
