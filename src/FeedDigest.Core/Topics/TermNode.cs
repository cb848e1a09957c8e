namespace FeedDigest.Core.Topics;

/// <summary>
/// A word, a quoted phrase or a prefix*, scoped to a field. It matches when its tokens occur one
/// after the other in the field's tokens (<see cref="TopicText"/>); for a prefix the last token
/// only has to start a word. For <see cref="QueryField.Lang"/> it is a language tag instead,
/// matched as RFC 4647 basic filtering does: zh matches zh and zh-CN.
/// </summary>
public sealed class TermNode : QueryNode
{
    private readonly string[] tokens;

    // Which stories the term is looked for in: those read in Simplified characters (true), those read
    // as written (false), or all (null). See Create.
    private readonly bool? inSimplifiedStories;

    internal TermNode(QueryField field, string text, string[] tokens, bool isPrefix, bool isPhrase, bool? inSimplifiedStories = null)
    {
        Field = field;
        Text = text;
        this.tokens = tokens;
        IsPrefix = isPrefix;
        IsPhrase = isPhrase;
        this.inSimplifiedStories = inSimplifiedStories;
    }

    /// <summary>
    /// A term. One with Traditional Chinese characters is looked for in their Simplified form in
    /// Chinese stories, which are read in Simplified characters, and as written in Japanese ones,
    /// which are read as written (<see cref="StoryText.IsSimplified"/>): 審查 finds 审查 in Chinese,
    /// and a Japanese 機上 (on board) does not find 机上 (desk-bound) in Japanese. In Chinese stories
    /// it is also looked for with the other region's words (<see cref="RegionalWords"/>): 网络审查
    /// finds Taiwan's 網路審查.
    /// </summary>
    internal static QueryNode Create(QueryField field, string text, string[] tokens, bool isPrefix, bool isPhrase)
    {
        var simplified = TopicText.Simplified(tokens);
        List<QueryNode> terms = ReferenceEquals(simplified, tokens)
            ? [new TermNode(field, text, tokens, isPrefix, isPhrase)]
            : [new TermNode(field, text, tokens, isPrefix, isPhrase, inSimplifiedStories: false), new TermNode(field, text, simplified, isPrefix, isPhrase, inSimplifiedStories: true)];
        // Not a language tag, nor a feed's title: that is a name, written one way.
        if (field is not (QueryField.Lang or QueryField.Source))
        {
            terms.AddRange(RegionalWords.Variants(simplified).Select(variant => new TermNode(field, text, variant, isPrefix, isPhrase, inSimplifiedStories: true)));
        }

        return terms.Count == 1 ? terms[0] : new OrNode(terms);
    }

    public QueryField Field { get; }

    /// <summary>The term as written in the query, with its scope: title:"great firewall", cens*.</summary>
    public string Text { get; }

    /// <summary>The folded tokens it matches (one language tag for <see cref="QueryField.Lang"/>).</summary>
    public IReadOnlyList<string> Tokens => tokens;

    public bool IsPrefix { get; }

    public bool IsPhrase { get; }

    /// <summary>The language tag as compared: lower-case, with hyphens (zh_CN and zh-CN alike).</summary>
    public static string NormalizeLanguage(string tag) => tag.Trim().Replace('_', '-').ToLowerInvariant();

    /// <summary>The anchor key of a language tag; the prefix cannot occur in a text token.</summary>
    internal static string LanguageKey(string tag) => "\u0001" + tag;

    public override string ToString()
    {
        var scope = Field == QueryField.TitleOrSummary ? string.Empty : Field.ToString().ToLowerInvariant() + ":";
        var body = new System.Text.StringBuilder(tokens[0]);
        for (var i = 1; i < tokens.Length; i++)
        {
            // CJK characters are written together, as in the text they match.
            if (!TopicText.IsCharacterToken(tokens[i - 1]) || !TopicText.IsCharacterToken(tokens[i]))
            {
                body.Append(' ');
            }

            body.Append(tokens[i]);
        }

        var quoted = IsPhrase || body.ToString().Contains(' ', StringComparison.Ordinal) ? $"\"{body}\"" : body.ToString();
        return scope + quoted + (IsPrefix ? "*" : string.Empty);
    }

    internal override bool Matches(StoryText story) => Field switch
    {
        _ when inSimplifiedStories is { } simplified && simplified != story.IsSimplified => false,
        not QueryField.Lang when !story.MayContain(tokens, IsPrefix) => false,
        QueryField.TitleOrSummary => OccursIn(story.Title) || OccursIn(story.Summary),
        QueryField.Title => OccursIn(story.Title),
        QueryField.Summary => OccursIn(story.Summary),
        QueryField.Category => OccursInAny(story.Categories),
        QueryField.Source => OccursInAny(story.Source),
        QueryField.Lang => LanguageMatches(story.Language),
        _ => false,
    };

    internal override void AddHits(StoryText story, bool negated, List<TermHit> hits)
    {
        if (negated || inSimplifiedStories is { } simplified && simplified != story.IsSimplified)
        {
            return;
        }

        if (Field == QueryField.TitleOrSummary)
        {
            if (OccursIn(story.Title))
            {
                hits.Add(new TermHit(Text, QueryField.Title));
            }

            if (OccursIn(story.Summary))
            {
                hits.Add(new TermHit(Text, QueryField.Summary));
            }
        }
        else if (Matches(story))
        {
            hits.Add(new TermHit(Text, Field));
        }
    }

    /// <summary>
    /// One anchor: the token of the term least likely to be common. A whole word is rarer the
    /// longer it is; a pair of CJK characters is rarer than one; a prefix wakes every word it starts.
    /// </summary>
    internal override AnchorSet? Anchors()
    {
        if (Field == QueryField.Lang)
        {
            // Most stories have a language: a poor anchor, chosen only when nothing else is there.
            return new AnchorSet([new Anchor(LanguageKey(tokens[0]), IsPrefix, 10)]);
        }

        Anchor? best = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            Anchor candidate;
            var isLast = i == tokens.Length - 1;
            if (TopicText.IsCharacterToken(tokens[i]))
            {
                candidate = i + 1 < tokens.Length && TopicText.IsCharacterToken(tokens[i + 1])
                    ? new Anchor(tokens[i] + tokens[i + 1], false, 1.5)
                    : new Anchor(tokens[i], false, 4);
            }
            else if (isLast && IsPrefix)
            {
                candidate = new Anchor(tokens[i], true, 16.0 / (tokens[i].Length + 1));
            }
            else
            {
                candidate = new Anchor(tokens[i], false, 8.0 / (tokens[i].Length + 1));
            }

            if (best is null || candidate.Cost < best.Value.Cost)
            {
                best = candidate;
            }
        }

        // Every story of a feed carries its source words, and feeds reuse a small set of categories:
        // poor anchors, taken only when the query has no word of the text to offer.
        var penalty = Field switch
        {
            QueryField.Source => 8,
            QueryField.Category => 4,
            _ => 0,
        };
        return new AnchorSet([best!.Value with { Cost = best.Value.Cost + penalty }]);
    }

    private bool OccursInAny(string[][] sequences)
    {
        foreach (var sequence in sequences)
        {
            if (OccursIn(sequence))
            {
                return true;
            }
        }

        return false;
    }

    private bool OccursIn(string[] sequence)
    {
        var last = tokens.Length - 1;
        for (var start = 0; start + last < sequence.Length; start++)
        {
            var j = 0;
            while (j < last && string.Equals(sequence[start + j], tokens[j], StringComparison.Ordinal))
            {
                j++;
            }

            if (j == last && (IsPrefix
                    ? sequence[start + last].StartsWith(tokens[last], StringComparison.Ordinal)
                    : string.Equals(sequence[start + last], tokens[last], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private bool LanguageMatches(string? language) =>
        language is not null
        && (IsPrefix
            ? language.StartsWith(tokens[0], StringComparison.Ordinal)
            : language.Length == tokens[0].Length
                ? string.Equals(language, tokens[0], StringComparison.Ordinal)
                : language.StartsWith(tokens[0], StringComparison.Ordinal) && language[tokens[0].Length] == '-');
}
