using System.Diagnostics.CodeAnalysis;

namespace FeedDigest.Core.Topics;

/// <summary>
/// A parsed topic query: words, "quoted phrases", AND / OR / NOT (also -word), parentheses,
/// prefix*, and the scopes title:, summary:, source:, category:, lang:. See README.md, "Topic queries".
/// </summary>
public sealed class TopicQuery
{
    private TopicQuery(string text, QueryNode root)
    {
        Text = text;
        Root = root;
    }

    /// <summary>The query as written (for a keyword list, the equivalent query).</summary>
    public string Text { get; }

    public QueryNode Root { get; }

    /// <summary>Reads a query; a mistake is returned as a value naming the position and what was expected there.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out TopicQuery? query, [NotNullWhen(false)] out QuerySyntaxError? error)
    {
        query = null;
        if (!QueryParser.TryParse(text, out var root, out error) || root is null)
        {
            error ??= new QuerySyntaxError(1, "a query", null);
            return false;
        }

        query = new TopicQuery(text, root);
        return true;
    }

    /// <summary>
    /// The shorthand of a keyword list: a story matches when any keyword occurs in its title or summary,
    /// each keyword read as a phrase (no operators). Returns the index of the first keyword that has
    /// no letter or digit to match, or -1.
    /// </summary>
    public static int TryFromKeywords(IReadOnlyList<string> keywords, out TopicQuery? query)
    {
        query = null;
        var terms = new List<QueryNode>();
        var written = new List<string>();
        for (var i = 0; i < keywords.Count; i++)
        {
            var tokens = TopicText.Tokenize(keywords[i]);
            if (tokens.Length == 0)
            {
                return i;
            }

            written.Add(Quote(keywords[i]));
            terms.Add(TermNode.Create(QueryField.TitleOrSummary, written[^1], tokens, isPrefix: false, isPhrase: keywords[i].Any(char.IsWhiteSpace)));
        }

        if (terms.Count == 0)
        {
            return 0;
        }

        query = new TopicQuery(string.Join(" OR ", written), terms.Count == 1 ? terms[0] : new OrNode(terms));
        return -1;
    }

    public override string ToString() => Root.ToString();

    internal bool Matches(StoryText story) => Root.Matches(story);

    /// <summary>The terms that hit the story and count towards a match (not those under a NOT), with their fields.</summary>
    internal IReadOnlyList<TermHit> Explain(StoryText story)
    {
        var hits = new List<TermHit>();
        Root.AddHits(story, negated: false, hits);
        return hits.Distinct().ToList();
    }

    private static string Quote(string keyword) =>
        keyword.Any(char.IsWhiteSpace) ? "\"" + keyword.Replace("\"", string.Empty, StringComparison.Ordinal) + "\"" : keyword;
}
