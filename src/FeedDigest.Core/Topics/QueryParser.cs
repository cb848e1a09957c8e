namespace FeedDigest.Core.Topics;

/// <summary>
/// Recursive descent over the lexer's tokens. Grammar, loosest binding first (so NOT binds tighter
/// than AND, and AND tighter than OR):
/// <code>
/// query   := or END
/// or      := and ( "OR" and )*
/// and     := unary ( ["AND"] unary )*        two terms side by side are ANDed
/// unary   := ( "NOT" | "-" ) unary | primary
/// primary := field ":" primary | "(" or ")" | word["*"] | "phrase"
/// </code>
/// A scope applies to the word, phrase or group right after it; an inner scope overrides an outer one.
/// </summary>
internal sealed class QueryParser
{
    private const string TermExpected = "a word, a \"phrase\", \"(\" or NOT";

    private readonly List<QueryToken> tokens;
    private int next;
    private QuerySyntaxError? error;

    private QueryParser(List<QueryToken> tokens) => this.tokens = tokens;

    private QueryToken Peek => tokens[next];

    public static bool TryParse(string query, out QueryNode? root, out QuerySyntaxError? error)
    {
        root = null;
        if (!QueryLexer.TryLex(query, out var tokens, out error))
        {
            return false;
        }

        var parser = new QueryParser(tokens);
        root = parser.ParseOr(QueryField.TitleOrSummary);
        if (root is not null && parser.Peek.Kind != QueryTokenKind.End)
        {
            // Every other token starts or joins a term, so what is left is a ")" without its "(".
            root = parser.Fail(parser.Peek.Position, "a term or the end of the query", "\")\" with no \"(\" before it");
        }

        error = parser.error;
        return root is not null;
    }

    private QueryNode? ParseOr(QueryField scope)
    {
        var children = new List<QueryNode>();
        do
        {
            if (ParseAnd(scope) is not { } child)
            {
                return null;
            }

            AddOr(children, child);
        }
        while (TryTake(QueryTokenKind.Or));

        return children.Count == 1 ? children[0] : new OrNode(children);
    }

    private QueryNode? ParseAnd(QueryField scope)
    {
        var children = new List<QueryNode>();
        do
        {
            if (ParseUnary(scope) is not { } child)
            {
                return null;
            }

            AddAnd(children, child);
        }
        while (TryTake(QueryTokenKind.And) || Peek.Kind is QueryTokenKind.Word or QueryTokenKind.Phrase or QueryTokenKind.Field or QueryTokenKind.OpenParen or QueryTokenKind.Not);

        return children.Count == 1 ? children[0] : new AndNode(children);
    }

    private QueryNode? ParseUnary(QueryField scope)
    {
        if (TryTake(QueryTokenKind.Not))
        {
            return ParseUnary(scope) is { } operand ? new NotNode(operand) : null;
        }

        return ParsePrimary(scope);
    }

    private QueryNode? ParsePrimary(QueryField scope)
    {
        var token = Peek;
        switch (token.Kind)
        {
            case QueryTokenKind.Field:
                next++;
                var target = Peek;
                if (target.FollowsSpace || target.Kind is not (QueryTokenKind.Word or QueryTokenKind.Phrase or QueryTokenKind.OpenParen))
                {
                    return Fail(token.Position + token.Written.Length, $"a word, a \"phrase\" or \"(\" right after {token.Written}", Describe(target));
                }

                return ParsePrimary(Enum.Parse<QueryField>(token.Text, ignoreCase: true));
            case QueryTokenKind.OpenParen:
                next++;
                if (ParseOr(scope) is not { } inner)
                {
                    return null;
                }

                return TryTake(QueryTokenKind.CloseParen) ? inner : Fail(Peek, "\")\"");
            case QueryTokenKind.Word or QueryTokenKind.Phrase:
                next++;
                return Term(token, scope);
            default:
                return Fail(token, TermExpected);
        }
    }

    private QueryNode? Term(QueryToken token, QueryField scope)
    {
        var isPhrase = token.Kind == QueryTokenKind.Phrase;
        if (scope == QueryField.Lang)
        {
            var tag = TermNode.NormalizeLanguage(token.Text);
            return tag.Length > 0 && tag.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                ? new TermNode(scope, token.Written, [tag], token.IsPrefix, isPhrase)
                : Fail(token, "a language tag such as zh or zh-CN after lang:");
        }

        var words = TopicText.Tokenize(token.Text);
        if (words.Length == 0)
        {
            return Fail(token, isPhrase ? "a letter or digit inside the quotes" : "a word with letters or digits");
        }

        // A prefix of a CJK character means nothing more than the character: it already matches inside words.
        var isPrefix = token.IsPrefix && !TopicText.IsCharacterToken(words[^1]);
        return TermNode.Create(scope, token.Written, words, isPrefix, isPhrase);
    }

    /// <summary>Nested groups of the same operator are one: a OR (b OR c) is OR of three.</summary>
    private static void AddOr(List<QueryNode> children, QueryNode child)
    {
        if (child is OrNode or)
        {
            children.AddRange(or.Children);
        }
        else
        {
            children.Add(child);
        }
    }

    private static void AddAnd(List<QueryNode> children, QueryNode child)
    {
        if (child is AndNode and)
        {
            children.AddRange(and.Children);
        }
        else
        {
            children.Add(child);
        }
    }

    private bool TryTake(QueryTokenKind kind)
    {
        if (Peek.Kind != kind)
        {
            return false;
        }

        next++;
        return true;
    }

    private TermNode? Fail(QueryToken found, string expected) => Fail(found.Position, expected, Describe(found));

    /// <summary>Records the first error (the one every caller unwinds from) and returns no node.</summary>
    private TermNode? Fail(int position, string expected, string? found)
    {
        error ??= new QuerySyntaxError(position, expected, found);
        return null;
    }

    private static string? Describe(QueryToken token) => token.Kind == QueryTokenKind.End ? null : $"\"{token.Written}\"";
}
