namespace FeedDigest.Core.Topics;

/// <summary>Splits a topic query into words, phrases, scopes, operators and parentheses.</summary>
internal static class QueryLexer
{
    private static readonly string[] FieldNames = ["title", "summary", "source", "category", "lang"];

    public static bool TryLex(string query, out List<QueryToken> tokens, out QuerySyntaxError? error)
    {
        tokens = [];
        error = null;
        var i = 0;
        while (true)
        {
            var start = i;
            while (i < query.Length && char.IsWhiteSpace(query[i]))
            {
                i++;
            }

            var followsSpace = i > start || i == 0;
            if (i >= query.Length)
            {
                tokens.Add(new QueryToken(QueryTokenKind.End, query.Length + 1, string.Empty, string.Empty, false, followsSpace));
                return true;
            }

            var c = query[i];
            if (c is '(' or ')')
            {
                tokens.Add(new QueryToken(c == '(' ? QueryTokenKind.OpenParen : QueryTokenKind.CloseParen, i + 1, c.ToString(), c.ToString(), false, followsSpace));
                i++;
            }
            else if (c == '"')
            {
                var close = query.IndexOf('"', i + 1);
                if (close < 0)
                {
                    error = new QuerySyntaxError(query.Length + 1, $"'\"' to close the phrase opened at position {i + 1}", null);
                    return false;
                }

                tokens.Add(new QueryToken(QueryTokenKind.Phrase, i + 1, query[(i + 1)..close], query[i..(close + 1)], false, followsSpace));
                i = close + 1;
            }
            else if (c == '-' && i + 1 < query.Length && !char.IsWhiteSpace(query[i + 1]) && query[i + 1] != ')')
            {
                // -word is NOT word; a hyphen inside a word (e-mail) is part of the word.
                tokens.Add(new QueryToken(QueryTokenKind.Not, i + 1, "-", "-", false, followsSpace));
                i++;
            }
            else
            {
                var end = i;
                while (end < query.Length && !char.IsWhiteSpace(query[end]) && query[end] is not ('(' or ')' or '"'))
                {
                    end++;
                }

                if (!TryAddWord(query, i, end, followsSpace, tokens, out error))
                {
                    return false;
                }

                i = end;
            }
        }
    }

    /// <summary>A word, an operator (AND, OR, NOT: upper-case only), or a field scope and what follows it.</summary>
    private static bool TryAddWord(string query, int start, int end, bool followsSpace, List<QueryToken> tokens, out QuerySyntaxError? error)
    {
        error = null;
        var word = query[start..end];
        var kind = word switch
        {
            "AND" => QueryTokenKind.And,
            "OR" => QueryTokenKind.Or,
            "NOT" => QueryTokenKind.Not,
            _ => QueryTokenKind.Word,
        };
        if (kind != QueryTokenKind.Word)
        {
            tokens.Add(new QueryToken(kind, start + 1, word, word, false, followsSpace));
            return true;
        }

        var colon = word.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && word[..colon].All(char.IsAsciiLetter))
        {
            var name = word[..colon].ToLowerInvariant();
            if (!FieldNames.Contains(name))
            {
                error = new QuerySyntaxError(start + 1, "title:, summary:, source:, category: or lang: (put other words with \":\" in quotes)", $"\"{word[..(colon + 1)]}\"");
                return false;
            }

            tokens.Add(new QueryToken(QueryTokenKind.Field, start + 1, name, word[..(colon + 1)], false, followsSpace));
            if (colon + 1 < word.Length && word[colon + 1] == '-')
            {
                // title:-x is not title:x: pass the "-" on, and the parser says a scope takes no NOT.
                tokens.Add(new QueryToken(QueryTokenKind.Not, start + colon + 2, "-", "-", false, false));
                return true;
            }

            return colon + 1 == end - start || TryAddWord(query, start + colon + 1, end, false, tokens, out error);
        }

        var isPrefix = word.EndsWith('*');
        var text = isPrefix ? word[..^1] : word;
        var star = text.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 || text.Length == 0)
        {
            error = text.Length == 0
                ? new QuerySyntaxError(start + 1, "a word before \"*\"", "\"*\"")
                : new QuerySyntaxError(start + star + 1, "a letter or digit (\"*\" may only end a word)", "\"*\"");
            return false;
        }

        tokens.Add(new QueryToken(QueryTokenKind.Word, start + 1, text, word, isPrefix, followsSpace));
        return true;
    }
}
