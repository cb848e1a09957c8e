using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Whether two stories are copies of one article (the same page, or nearly the same words: a wire
/// story carried by two outlets, an outlet's second feed, a republish with a reworded headline, a
/// feed that cuts the summary short or gives the whole text), not two articles about one event. A
/// cluster holds both kinds; a digest tells them apart when a story joins a cluster its subscriber
/// already got. A story's terms are read once and kept (one instance serves a whole digest run).
/// </summary>
/// <remarks>
/// Compared on the terms clustering reads. Copies share half their terms (title and summary), or the
/// shorter summary's runs of three terms lie within the longer at 60% (a summary cut short, or the
/// whole text, begins with the other's very words; a follow-up that recaps what it follows tells it
/// in words of its own), or they have one headline and one of them no summary. On the dedup DEV set,
/// articles by different outlets about one event pass the first test in 2% of pairs and the second
/// in 2% of those with summaries to compare. A headline that is the other's with other figures
/// ("police detain 400", the toll "65人遇难") is an update, whatever else the two share.
/// </remarks>
public sealed class StoryResemblance
{
    private const double CopyJaccard = 0.5;
    private const double CopyRuns = 0.6;
    private const double SameHeadline = 0.5;

    private readonly Dictionary<long, StoryTerms> termsByStory = [];

    /// <summary>Whether the two stories are copies of one article (the relation is symmetric).</summary>
    public bool IsCopy(StoredStory story, StoredStory other)
    {
        ArgumentNullException.ThrowIfNull(story);
        ArgumentNullException.ThrowIfNull(other);
        if (story.Id == other.Id || LinkOf(story) is { } link && link == LinkOf(other))
        {
            return true;
        }

        var terms = TermsOf(story);
        var otherTerms = TermsOf(other);
        if (terms.All.Count == 0 || otherTerms.All.Count == 0 || FiguresChanged(terms, otherTerms))
        {
            return false;
        }

        if ((string.IsNullOrWhiteSpace(story.Summary) || string.IsNullOrWhiteSpace(other.Summary))
            && string.Equals(story.Title.Trim(), other.Title.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var shared = Shared(terms.All, otherTerms.All);
        if (shared >= CopyJaccard * (terms.All.Count + otherTerms.All.Count - shared))
        {
            return true;
        }

        // The shorter summary against as much of the start of the longer: a copy cut short, or the
        // whole text, begins with the other's words; a follow-up may retell what it follows, later on.
        var (shorter, longer) = terms.Runs.Count <= otherTerms.Runs.Count ? (terms.Runs, otherTerms.Runs) : (otherTerms.Runs, terms.Runs);
        if (shorter.Count == 0)
        {
            return false;
        }

        var opening = longer.Take((shorter.Count * 3 / 2) + 2).ToHashSet();
        return shorter.Count(opening.Contains) >= CopyRuns * shorter.Distinct().Count();
    }

    /// <summary>
    /// Whether one headline is the other's with other figures: each has a figure the other has not,
    /// and the words around them are half the same ("… detain 40 VPN sellers", "… detain 400 VPN sellers").
    /// </summary>
    private static bool FiguresChanged(StoryTerms terms, StoryTerms other)
    {
        // A figure replaced, not one added ("UPDATE 1-" before the same headline).
        if (!terms.Figures.Except(other.Figures).Any() || !other.Figures.Except(terms.Figures).Any())
        {
            return false;
        }

        var words = terms.Title.Count - terms.Figures.Count;
        var otherWords = other.Title.Count - other.Figures.Count;
        var sharedWords = Shared(terms.Title, other.Title) - Shared(terms.Figures, other.Figures);
        return sharedWords >= SameHeadline * (words + otherWords - sharedWords);
    }

    private static int Shared(HashSet<long> terms, HashSet<long> others) => terms.Count <= others.Count ? terms.Count(others.Contains) : others.Count(terms.Contains);

    private StoryTerms TermsOf(StoredStory story)
    {
        if (!termsByStory.TryGetValue(story.Id, out var terms))
        {
            var title = new TermSink();
            ClusterText.AddTerms(story.Title, ref title);
            var summary = new TermSink();
            ClusterText.AddTerms(story.Summary, ref summary);
            var runs = new List<long>();
            for (var i = 2; i < summary.Sequence.Count; i++)
            {
                runs.Add((long)TermHash.Mix((ulong)summary.Sequence[i - 2] ^ TermHash.Mix((ulong)summary.Sequence[i - 1] ^ TermHash.Mix((ulong)summary.Sequence[i]))));
            }

            termsByStory[story.Id] = terms = new StoryTerms([.. title.Sequence, .. summary.Sequence], [.. title.Sequence], title.Figures, runs);
        }

        return terms;
    }

    private static string? LinkOf(StoredStory story) => string.IsNullOrWhiteSpace(story.Link) ? null : UrlCanonicalizer.Canonicalize(story.Link);

    /// <param name="All">The title's and summary's terms.</param>
    /// <param name="Title">The title's terms.</param>
    /// <param name="Figures">The title's terms with a digit in them.</param>
    /// <param name="Runs">Each run of three terms in the summary, as one hash, in order.</param>
    private sealed record StoryTerms(HashSet<long> All, HashSet<long> Title, HashSet<long> Figures, List<long> Runs);

    private readonly struct TermSink() : ClusterText.ITermSink
    {
        public List<long> Sequence { get; } = [];

        public HashSet<long> Figures { get; } = [];

        public void Add(ReadOnlySpan<char> term, long hash)
        {
            Sequence.Add(hash);
            if (term.IndexOfAnyInRange('0', '9') >= 0)
            {
                Figures.Add(hash);
            }
        }
    }
}
