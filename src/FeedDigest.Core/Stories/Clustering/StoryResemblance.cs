using System.Text.RegularExpressions;
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
/// Compared on the terms clustering reads, the headline without a wire's label ("UPDATE 2-"), figures
/// in one form (1,500 and 1500). Copies
/// share half their terms (title and summary; three quarters when one has no summary, where a word
/// or two tell one outlet's pieces apart), or the shorter summary's runs of three terms lie within as
/// much of the start of the longer at 60% (a summary cut short, or the whole text, begins with the
/// other's very words; a follow-up that recaps what it follows tells it later or in words of its
/// own), or they have one headline, one of them no summary (in one feed, two pages with little but a
/// headline are two pieces). On the dedup DEV
/// set, articles by different outlets about one event pass the first test in 2% of pairs and the
/// second in 2% of those with summaries to compare. A headline or summary that is the other's with
/// a figure replaced ("police detain 400" after "40", Xinhua's toll "has risen to 65" after "21") is
/// an update, whatever else the two share (a summary's dateline or timestamp aside). Known misses
/// (audits): a carrier's reworded lead in a feed cut at 200 characters, a copy behind a note or
/// leftover markup at the top, and, the other way, a next-day report that adds a sentence before
/// the template, and a toll written in words.
/// </remarks>
public sealed partial class StoryResemblance
{
    private const double CopyJaccard = 0.5;

    // Of the shorter summary's runs of three terms, the share within the start of the longer.
    private const double CopyRuns = 0.6;

    // Of two headlines' words besides their figures, the share in common that makes one the other's.
    private const double SameHeadline = 0.5;

    // Headlines alone differ by a word or two between an outlet's pieces ("Strong earthquake hits
    // Sichuan", "Strong aftershock hits Sichuan"): on the DEV set's headline-only pairs, half the
    // terms in common called 4% of one outlet's other pieces copies, three quarters 0.3%.
    private const double CopyJaccardOfHeadlines = 0.75;

    // A template report with new figures keeps nearly all its other words.
    private const double SameWordsAroundFigures = 0.8;

    // The terms of a dateline or a timestamp at the top of a summary: their figures are not compared.
    private const int DatelineTerms = 6;

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
        // A story of one word (a photo post's "(untitled)") is no copy of another but by its link.
        if (terms.All.Count < StoryFeatures.MinTermsToCompare || otherTerms.All.Count < StoryFeatures.MinTermsToCompare || FiguresChanged(terms, otherTerms) || SummaryFiguresChanged(terms, otherTerms))
        {
            return false;
        }

        var headlineOnly = terms.Summary.Count == 0 || otherTerms.Summary.Count == 0;
        if (headlineOnly && story.FeedId == other.FeedId && SameHost(story, other))
        {
            // Two pages of one feed with a headline and little else: its pieces under one recurring
            // headline ("Sichuan earthquake latest"), and nothing to tell them from a republish. (An
            // outlet's headlines feed and its full feed, or two section feeds, carry one article.)
            return false;
        }

        if (headlineOnly && terms.Headline.Equals(otherTerms.Headline, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var shared = Shared(terms.All, otherTerms.All);
        if (shared >= (headlineOnly ? CopyJaccardOfHeadlines : CopyJaccard) * (terms.All.Count + otherTerms.All.Count - shared))
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

    /// <summary>
    /// Whether one summary is the other's report with new figures: each has a figure the other has
    /// not (the shorter against as much of the start of the longer), and the words around them are
    /// nearly all the same (Xinhua's "… has risen to 21" and next day's "… has risen to 65").
    /// </summary>
    private static bool SummaryFiguresChanged(StoryTerms terms, StoryTerms other)
    {
        var (shorter, longer) = terms.Summary.Count <= other.Summary.Count ? (terms.Summary, other.Summary) : (other.Summary, terms.Summary);
        if (shorter.Count == 0)
        {
            return false;
        }

        // A dateline's or timestamp's figures ("BEIJING, Nov. 29 (Xinhua) --", "Updated 11:05 GMT")
        // and a figure the feed cut short at the end ("fined them 1,5…") are no news.
        var opening = longer.Take(shorter.Count + 5).ToList();
        var figures = shorter.Take(shorter.Count - 1).Skip(DatelineTerms).Where(term => term.IsFigure).Select(term => term.Hash).ToHashSet();
        var openingFigures = opening.Skip(DatelineTerms).Where(term => term.IsFigure).Select(term => term.Hash).ToHashSet();
        if (!figures.Except(openingFigures).Any() || !openingFigures.Except(figures).Any())
        {
            return false;
        }

        var words = shorter.Where(term => !term.IsFigure).Select(term => term.Hash).ToHashSet();
        var openingWords = opening.Where(term => !term.IsFigure).Select(term => term.Hash).ToHashSet();
        var shared = Shared(words, openingWords);
        return shared >= SameWordsAroundFigures * (words.Count + openingWords.Count - shared);
    }

    private static bool SameHost(StoredStory story, StoredStory other) =>
        Uri.TryCreate(story.Link, UriKind.Absolute, out var link) && Uri.TryCreate(other.Link, UriKind.Absolute, out var otherLink)
        && string.Equals(link.IdnHost, otherLink.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static int Shared(HashSet<long> terms, HashSet<long> others) => terms.Count <= others.Count ? terms.Count(others.Contains) : others.Count(terms.Contains);

    private StoryTerms TermsOf(StoredStory story)
    {
        if (!termsByStory.TryGetValue(story.Id, out var terms))
        {
            var headline = WireSlug().Replace(story.Title, string.Empty).Trim();
            var simplifyChinese = ChineseCharacters.Folds(story.Title, story.Summary);
            var title = new TermSink();
            ClusterText.AddTerms(NumbersInOneForm(headline), ref title, simplifyChinese);
            var summary = new TermSink();
            ClusterText.AddTerms(NumbersInOneForm(story.Summary), ref summary, simplifyChinese);
            var runs = new List<long>();
            for (var i = 2; i < summary.Sequence.Count; i++)
            {
                runs.Add((long)TermHash.Mix((ulong)summary.Sequence[i - 2].Hash ^ TermHash.Mix((ulong)summary.Sequence[i - 1].Hash ^ TermHash.Mix((ulong)summary.Sequence[i].Hash))));
            }

            var titleTerms = title.Sequence.Select(term => term.Hash).ToHashSet();
            terms = new StoryTerms(
                headline,
                [.. titleTerms, .. summary.Sequence.Select(term => term.Hash)],
                titleTerms,
                title.Sequence.Where(term => term.IsFigure).Select(term => term.Hash).ToHashSet(),
                summary.Sequence,
                runs);
            termsByStory[story.Id] = terms;
        }

        return terms;
    }

    /// <summary>
    /// A wire's label around a headline: Reuters' "UPDATE 2-", "REFILE-", "EXCLUSIVE-" before it, the
    /// WSJ's "-- 4th Update" after it. Its count is no figure of the story.
    /// </summary>
    [GeneratedRegex(@"^\s*(?:UPDATE|WRAPUP|REFILE|RPT|CORRECTED|CORRECTION|EXCLUSIVE|INSIGHT)(?:\s*\d+)?\s*[-–—:]|\s*\((?:UPDATE|CORRECTED|REFILE)(?:\s*\d+)?\)\s*$|\s*--\s*(?:\d+(?:st|nd|rd|th)\s+)?Update\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex WireSlug();

    /// <summary>
    /// Figures as one form, so that carriers' ways of writing them do not read as other figures:
    /// 1,500 and 1500, 7.50% and 7.5%, 3 p.m. and 3pm.
    /// </summary>
    private static string? NumbersInOneForm(string? text) =>
        text is null ? null : MeridiemOfAClock().Replace(GroupingInANumber().Replace(TrailingZeros().Replace(text, "$1"), string.Empty), "$1$2m");

    [GeneratedRegex(@"(\d\.\d*?)0+(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingZeros();

    [GeneratedRegex(@"(?<=\d)[,.](?=\d)", RegexOptions.CultureInvariant)]
    private static partial Regex GroupingInANumber();

    [GeneratedRegex(@"(\d)\s*([ap])\.?m\.?(?![a-z])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MeridiemOfAClock();

    // With its fragment: a live blog's posts are one page's #post-101 and #post-117.
    private static string? LinkOf(StoredStory story) => string.IsNullOrWhiteSpace(story.Link) ? null : UrlCanonicalizer.Canonicalize(story.Link, keepFragment: true);

    /// <param name="Headline">The title without a wire's label.</param>
    /// <param name="All">The headline's and summary's terms.</param>
    /// <param name="Title">The headline's terms.</param>
    /// <param name="Figures">The headline's terms with a digit in them.</param>
    /// <param name="Summary">The summary's terms, in order.</param>
    /// <param name="Runs">Each run of three terms in the summary, as one hash, in order.</param>
    private sealed record StoryTerms(string Headline, HashSet<long> All, HashSet<long> Title, HashSet<long> Figures, List<(long Hash, bool IsFigure)> Summary, List<long> Runs);

    private readonly struct TermSink() : ClusterText.ITermSink
    {
        public List<(long Hash, bool IsFigure)> Sequence { get; } = [];

        public void Add(ReadOnlySpan<char> term, long hash) => Sequence.Add((hash, term.IndexOfAnyInRange('0', '9') >= 0));
    }
}
