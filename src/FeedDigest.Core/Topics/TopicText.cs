using System.Globalization;
using System.Text;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Topics;

/// <summary>
/// Turns text into the tokens topic queries are matched on, the same way for stories and for query
/// terms, so matching is a comparison of tokens. Case, accents, width (full-width ASCII, half-width
/// kana) and kana type (hiragana, katakana) are folded away, as the invariant culture's
/// IgnoreCase | IgnoreNonSpace | IgnoreWidth | IgnoreKanaType comparison ignores them. Chinese
/// text's Traditional characters are read in their Simplified form (<see cref="Simplified"/>). Words of
/// scripts written with spaces become one token each (so "art" never matches inside "article");
/// every Chinese, Japanese and Korean character is a token of its own, so a term of such characters
/// matches inside text without spaces (审查 inside 网络审查制度). Everything else (spaces,
/// punctuation, symbols) only separates tokens.
/// </summary>
internal static class TopicText
{
    // Folding a character (normalizing, dropping marks, lower-casing) is the costly part of
    // tokenizing; each BMP character is folded once and the result kept.
    private static readonly string?[] FoldedBmp = new string?[char.MaxValue + 1];

    // The token of each Simplified character a Traditional one folds to, made once.
    private static readonly string?[] SimplifiedBmp = new string?[char.MaxValue + 1];

    [ThreadStatic]
    private static StringBuilder? wordBuffer;

    public static string[] Tokenize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var tokens = new List<string>();
        AddTokens(text, tokens);
        return [.. tokens];
    }

    /// <summary>The tokens of <paramref name="text"/>, with <paramref name="simplifyChinese"/> those of Chinese characters in Simplified form (<see cref="Simplified"/>).</summary>
    public static string[] Tokenize(string? text, bool simplifyChinese) => simplifyChinese ? Simplified(Tokenize(text)) : Tokenize(text);

    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>, in order.</summary>
    public static void AddTokens(string text, List<string> tokens)
    {
        var word = wordBuffer ??= new StringBuilder();
        word.Clear();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    word.Append(char.ToLowerInvariant(c));
                }
                else
                {
                    Flush(word, tokens);
                }

                continue;
            }

            string folded;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                folded = FoldRune(new Rune(c, text[i + 1]));
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                Flush(word, tokens);
                continue;
            }
            else
            {
                folded = FoldedBmp[c] ??= FoldRune(new Rune(c));
            }

            AddFolded(folded, word, tokens);
        }

        Flush(word, tokens);
    }

    /// <summary>
    /// <paramref name="tokens"/> with each Traditional Chinese character in its Simplified form
    /// (<see cref="ChineseCharacters"/>), so that 審查 and 审查 are one word; the same array when
    /// there is none. Chinese stories are read this way, and a query term is looked for both ways
    /// (<see cref="TermNode.Create"/>): Japanese stories are not (<see cref="ChineseCharacters.Folds"/>).
    /// </summary>
    public static string[] Simplified(string[] tokens)
    {
        string[]? simplified = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!IsCharacterToken(tokens[i]))
            {
                continue;
            }

            var rune = Rune.GetRuneAt(tokens[i], 0);
            var folded = ChineseCharacters.ToSimplified(rune);
            if (folded != rune)
            {
                simplified ??= (string[])tokens.Clone();
                simplified[i] = folded.IsBmp ? SimplifiedBmp[folded.Value] ??= folded.ToString() : folded.ToString();
            }
        }

        return simplified ?? tokens;
    }

    /// <summary>Whether a token is a Chinese, Japanese or Korean character (matched inside text), not a word.</summary>
    public static bool IsCharacterToken(string token) =>
        token.Length > 0 && Rune.TryGetRuneAt(token, 0, out var rune) && Scripts.IsCjk(rune);

    private static void AddFolded(string folded, StringBuilder word, List<string> tokens)
    {
        if (folded.Length == 0)
        {
            // A combining accent: it belongs to the letter before it, which is already in the word.
            return;
        }

        for (var i = 0; i < folded.Length; i += char.IsSurrogatePair(folded, i) ? 2 : 1)
        {
            var rune = Rune.GetRuneAt(folded, i);
            if (Scripts.IsCjk(rune) && Rune.IsLetterOrDigit(rune))
            {
                Flush(word, tokens);
                // Folding a CJK character yields that character alone: the cached string is the token.
                tokens.Add(folded.Length == rune.Utf16SequenceLength ? folded : rune.ToString());
            }
            else if (IsWordRune(rune))
            {
                word.Append(folded, i, rune.Utf16SequenceLength);
            }
            else
            {
                Flush(word, tokens);
            }
        }
    }

    private static bool IsWordRune(Rune rune) =>
        Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpacingCombiningMark;

    private static void Flush(StringBuilder word, List<string> tokens)
    {
        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
            word.Clear();
        }
    }

    /// <summary>
    /// One character as it is compared: compatibility-decomposed (full-width and other width forms to
    /// their plain form), accents and other non-spacing marks dropped, lower-cased, katakana as
    /// hiragana, and letters that carry their accent inside them (ø, ł, đ, ß …) written plainly.
    /// Hangul syllables stay whole: decomposing them would split one character into its letters.
    /// </summary>
    private static string FoldRune(Rune rune)
    {
        if (rune.Value is >= 0xAC00 and <= 0xD7AF)
        {
            return rune.ToString();
        }

        var decomposed = rune.ToString().Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var part in decomposed.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(part);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            var lower = Rune.ToLowerInvariant(part);
            switch (lower.Value)
            {
                case 'ß': builder.Append("ss"); break;
                case 'æ': builder.Append("ae"); break;
                case 'œ': builder.Append("oe"); break;
                case 'ø': builder.Append('o'); break;
                case 'đ': builder.Append('d'); break;
                case 'ł': builder.Append('l'); break;
                case 'ı': builder.Append('i'); break;
                case 'ħ': builder.Append('h'); break;
                case >= 0x30A1 and <= 0x30F6: builder.Append((char)(lower.Value - 0x60)); break; // katakana to hiragana
                default: builder.Append(lower.ToString()); break;
            }
        }

        return builder.ToString();
    }
}
