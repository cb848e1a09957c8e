using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Turns a story's text into the terms it is compared on. Text is NFKC-normalized (full-width forms
/// become ASCII) and lower-cased. Runs of Chinese, Japanese and Korean characters, written without
/// spaces between words, become overlapping character bigrams (网络审查制度: 网络 络审 审查 查制 制度),
/// so 审查 matches inside any text that contains it; Traditional characters are read in their
/// Simplified form (審查 as 审查: <see cref="ChineseCharacters"/>), so one report in both scripts is
/// one text, unless the story is Japanese (<see cref="ChineseCharacters.Folds"/>). Words of other scripts have their accents folded
/// (café = cafe), English stop words and single letters dropped, and a light plural folding applied
/// (stories = story, banks = bank). Punctuation and apostrophes separate words.
/// </summary>
internal static class ClusterText
{
    // English function words: the corpora FeedDigest was measured on are English. IDF weighting
    // makes this list matter little for similarity; it keeps those words out of the band keys.
    private static readonly string[] StopWords =
        """
        a about above after again against all am an and any are as at be because been before being below
        between both but by can could did do does doing down during each few for from further had has have
        having he her here hers herself him himself his how if in into is it its itself just me more most my
        myself no nor not now of off on once only or other our ours ourselves out over own same she should so
        some such than that the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would you your
        yours yourself yourselves
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static readonly int LongestStopWord = StopWords.Max(word => word.Length);

    // The stop words' letter keys (see LettersKey) in an open-addressing table at most a quarter full:
    // a word is looked up with no string hashed or compared.
    private static readonly ulong[] StopWordKeys = KeyTable(StopWords);

    // The ASCII characters that are neither letters nor digits: where a word or a CJK run ends.
    private static readonly SearchValues<char> AsciiSeparators = SearchValues.Create(
        [.. Enumerable.Range(0, 0x80).Select(c => (char)c).Where(c => !char.IsAsciiLetterOrDigit(c))]);

    // Texts up to this long are lower-cased into a buffer on the stack; longer ones into a rented array.
    private const int StackTextLength = 512;

    /// <summary>
    /// Receives a text's terms one at a time, each with its <see cref="TermHash"/> (found as the term
    /// was read, where it could be); the span is valid during the call only.
    /// </summary>
    internal interface ITermSink
    {
        void Add(ReadOnlySpan<char> term, long hash);
    }

    /// <summary>The terms of <paramref name="text"/> in order, repeats kept, read as a story's are (<see cref="ChineseCharacters.Folds"/>).</summary>
    public static List<string> Terms(string? text)
    {
        var terms = new TermList();
        AddTerms(text, ref terms, ChineseCharacters.Folds(text));
        return terms.Terms;
    }

    /// <summary>
    /// Hands the terms of <paramref name="text"/> to <paramref name="sink"/> in order, as spans of
    /// the text lower-cased: a story's clustering hashes each term and keeps no string of it. The
    /// sink is a type parameter so that a struct's Add is called directly, not through the
    /// interface: it runs for every term of every story.
    /// </summary>
    public static void AddTerms<TSink>(string? text, ref TSink sink, bool simplifyChinese)
        where TSink : ITermSink
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var firstNonAscii = text.AsSpan().IndexOfAnyExceptInRange('\0', '\x7F');
        if (firstNonAscii >= 0 && !IsNormalizedAndLowerCaseButAscii(text.AsSpan(firstNonAscii)))
        {
            var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
            AddMixedTerms((simplifyChinese ? ChineseCharacters.ToSimplified(normalized) : null) ?? normalized, ref sink);
            return;
        }

        if (firstNonAscii >= 0 && simplifyChinese && ChineseCharacters.ToSimplified(text.AsSpan(firstNonAscii)) is { } simplified)
        {
            // Its ASCII start stays as it is; the rest is read with Traditional characters in their Simplified form.
            text = string.Concat(text.AsSpan(0, firstNonAscii), simplified);
        }

        // Most text is its own NFKC form and in lower case but for its ASCII letters: ASCII (most feeds'
        // English), CJK, English with a dash, quotes or an emoji. Its ASCII letters are lower-cased
        // into a buffer, not into a new string, and it is read from there.
        char[]? rented = null;
        var lowered = text.Length <= StackTextLength ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length)).AsSpan(0, text.Length);
        if (firstNonAscii < 0)
        {
            Ascii.ToLower(text, lowered, out _);
            AddAsciiTerms(lowered, ref sink);
        }
        else
        {
            for (var i = 0; i < text.Length; i++)
            {
                lowered[i] = char.IsAsciiLetterUpper(text[i]) ? (char)(text[i] | 0x20) : text[i];
            }

            AddMixedTerms(lowered, ref sink);
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Whether NFKC and lower-casing leave <paramref name="text"/> as it is, but for its ASCII letters'
    /// case. It accepts only the characters it knows: each is its own lower case and a starter that
    /// NFKC keeps (quick check Yes) and that composes with nothing before it, so that a text of them
    /// is normalized in any order.
    /// </summary>
    private static bool IsNormalizedAndLowerCaseButAscii(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] < 0x80)
            {
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var units) != OperationStatus.Done || !IsNormalizedLowerCase(rune))
            {
                return false;
            }

            i += units;
        }

        return true;
    }

    private static bool IsNormalizedLowerCase(Rune rune) => rune.Value is
        0xA0 // the no-break space, which NFKC makes a space: both separate words
        or (>= 0xDF and <= 0xFF and not 0xF7) // ß and lower-case accented Latin letters
        or 0x2013 or 0x2014 or 0x2018 or 0x2019 or 0x201C or 0x201D // – — ‘ ’ “ ”
        or (>= 0x2600 and <= 0x27BF) // symbols and dingbats (⚠ ✅)
        or 0x3001 or 0x3002 // 、 。
        or (>= 0x3041 and <= 0x3096) // Hiragana
        or (>= 0x30A1 and <= 0x30FC) // Katakana, ・ and ー
        or (>= 0x4E00 and <= 0x9FFF) // CJK unified ideographs
        or (>= 0xAC00 and <= 0xD7A3) // Hangul syllables
        or 0xFE0F // the variation selector that asks for an emoji's colour form
        or (>= 0x1F300 and <= 0x1F64F) // pictographs and emoticons
        or (>= 0x1F680 and <= 0x1F6FF) // transport and map symbols
        or (>= 0x1F900 and <= 0x1F9FF); // supplemental pictographs

    /// <summary>
    /// The terms of an ASCII text in lower case: its words are the runs of letters and digits. Each
    /// character is read once, for the word's hash and whether it is all letters a to z; what only
    /// some words need (a stop word's key, a plural's singular) is found from the word afterwards.
    /// </summary>
    private static void AddAsciiTerms<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : ITermSink
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var hash = TermHash.Empty;
            var letters = true;
            do
            {
                var c = text[i++];
                hash = TermHash.Append(hash, c);
                letters &= char.IsAsciiLetterLower(c);
            }
            while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]));

            AddFolded(text[start..i], hash, letters, ref sink);
        }
    }

    /// <summary>
    /// The terms of a text in NFKC and lower case, with non-ASCII characters: the words and CJK runs
    /// around those are read by <see cref="AddLowerCaseTerms"/>, and the ASCII between them (most of an
    /// English text with a dash or an emoji) by the faster <see cref="AddAsciiTerms"/>. The text is
    /// cut at ASCII separators, which no word or CJK run goes on across.
    /// </summary>
    private static void AddMixedTerms<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : ITermSink
    {
        while (!text.IsEmpty)
        {
            var nonAscii = text.IndexOfAnyExceptInRange('\0', '\x7F');
            if (nonAscii < 0)
            {
                AddAsciiTerms(text, ref sink);
                return;
            }

            var start = nonAscii;
            while (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
            {
                start--;
            }

            var separator = text[nonAscii..].IndexOfAny(AsciiSeparators);
            var end = separator < 0 ? text.Length : nonAscii + separator;
            AddAsciiTerms(text[..start], ref sink);
            AddLowerCaseTerms(text[start..end], ref sink);
            text = text[end..];
        }
    }

    /// <summary>
    /// The terms of a text in NFKC and lower case. Its words (runs of letters, digits and marks) and its
    /// CJK runs are read in place: each term handed on is a slice of the text, or the word with its
    /// accents folded. A CJK run's bigrams go as it is read: a run never overlaps a word, so the
    /// terms keep the order of the text.
    /// </summary>
    private static void AddLowerCaseTerms<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : ITermSink
    {
        var wordStart = -1;

        // The current CJK run: its length in characters, and where its last character starts and ends.
        var cjkLength = 0;
        var cjkLastStart = 0;
        var cjkLastEnd = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            if (text[i] < 0x80)
            {
                // ASCII: a letter or digit, or else a separator; never CJK.
                EndCjkRun(text, ref cjkLength, cjkLastStart, cjkLastEnd, ref sink);
                if (char.IsAsciiLetterOrDigit(text[i++]))
                {
                    if (wordStart < 0)
                    {
                        wordStart = start;
                    }
                }
                else
                {
                    AddWord(text, ref wordStart, start, ref sink);
                }

                continue;
            }

            Rune.DecodeFromUtf16(text[i..], out var rune, out var units);
            i += units;
            if (Scripts.IsCjk(rune))
            {
                AddWord(text, ref wordStart, start, ref sink);
                if (cjkLength > 0)
                {
                    AddTerm(text[cjkLastStart..i], ref sink);
                }

                cjkLength++;
                cjkLastStart = start;
                cjkLastEnd = i;
            }
            else if (Rune.IsLetterOrDigit(rune) || IsMark(rune))
            {
                EndCjkRun(text, ref cjkLength, cjkLastStart, cjkLastEnd, ref sink);
                if (wordStart < 0)
                {
                    wordStart = start;
                }
            }
            else
            {
                EndCjkRun(text, ref cjkLength, cjkLastStart, cjkLastEnd, ref sink);
                AddWord(text, ref wordStart, start, ref sink);
            }
        }

        AddWord(text, ref wordStart, text.Length, ref sink);
        EndCjkRun(text, ref cjkLength, cjkLastStart, cjkLastEnd, ref sink);
    }

    /// <summary>Ends the current CJK run, if any: a character alone, with no neighbour to make a bigram with, is a term by itself.</summary>
    private static void EndCjkRun<TSink>(ReadOnlySpan<char> text, ref int cjkLength, int cjkLastStart, int cjkLastEnd, ref TSink sink)
        where TSink : ITermSink
    {
        if (cjkLength == 1)
        {
            AddTerm(text[cjkLastStart..cjkLastEnd], ref sink);
        }

        cjkLength = 0;
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static void AddTerm<TSink>(ReadOnlySpan<char> term, ref TSink sink)
        where TSink : ITermSink => sink.Add(term, TermHash.Of(term));

    /// <summary>Hands on the word that started at <paramref name="wordStart"/>, if any, and ends at <paramref name="end"/>.</summary>
    private static void AddWord<TSink>(ReadOnlySpan<char> text, ref int wordStart, int end, ref TSink sink)
        where TSink : ITermSink
    {
        if (wordStart < 0)
        {
            return;
        }

        var word = text[wordStart..end];
        wordStart = -1;
        if (Ascii.IsValid(word))
        {
            AddFolded(word, ref sink);
        }
        else
        {
            AddFolded(FoldAccents(new string(word)), ref sink);
        }
    }

    private static void AddFolded<TSink>(ReadOnlySpan<char> word, ref TSink sink)
        where TSink : ITermSink
    {
        if (word.IsEmpty)
        {
            return;
        }

        var hash = TermHash.Empty;
        var letters = true;
        foreach (var c in word)
        {
            hash = TermHash.Append(hash, c);
            letters &= char.IsAsciiLetterLower(c);
        }

        AddFolded(word, hash, letters, ref sink);
    }

    /// <summary>
    /// Drops stop words and single letters, and hands the word on with an English plural folded:
    /// only the unambiguous endings, stories → story, banks → bank; not bus, crisis, class.
    /// </summary>
    /// <param name="hash">The word's <see cref="TermHash"/> state (before <see cref="TermHash.Finish"/>).</param>
    /// <param name="letters">Whether the word is all letters a to z.</param>
    private static void AddFolded<TSink>(ReadOnlySpan<char> word, ulong hash, bool letters, ref TSink sink)
        where TSink : ITermSink
    {
        if (word.Length == 1 && !char.IsDigit(word[0]))
        {
            return;
        }

        if (!letters)
        {
            // Not a stop word either: those are letters a to z.
            sink.Add(word, TermHash.Finish(hash));
        }
        else if (word.Length <= LongestStopWord && IsStopWord(LettersKey(word)))
        {
            return;
        }
        else if (word.Length > 4 && word.EndsWith("ies"))
        {
            var stem = word[..^3];
            var singular = stem.Length < 128 ? stackalloc char[stem.Length + 1] : new char[stem.Length + 1];
            stem.CopyTo(singular);
            singular[^1] = 'y';
            sink.Add(singular, TermHash.Of(singular));
        }
        else if (word.Length > 3 && word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i'))
        {
            sink.Add(word[..^1], TermHash.Of(word[..^1]));
        }
        else
        {
            sink.Add(word, TermHash.Finish(hash));
        }
    }

    /// <summary>Whether the word of the <see cref="LettersKey(ReadOnlySpan{char})"/> is a stop word.</summary>
    private static bool IsStopWord(ulong lettersKey)
    {
        var mask = StopWordKeys.Length - 1;
        for (var slot = SlotOf(lettersKey, mask); StopWordKeys[slot] != 0; slot = (slot + 1) & mask)
        {
            if (StopWordKeys[slot] == lettersKey)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A number that tells apart words of at most twelve letters a to z: five bits a letter, from 1 for a
    /// (so that no word's key is another's, nor 0, which marks an empty slot).
    /// </summary>
    private static ulong LettersKey(ulong key, char letter) => (key << 5) | (uint)(letter - 'a' + 1);

    /// <inheritdoc cref="LettersKey(ulong, char)"/>
    private static ulong LettersKey(ReadOnlySpan<char> word)
    {
        var key = 0UL;
        foreach (var letter in word)
        {
            key = LettersKey(key, letter);
        }

        return key;
    }

    private static int SlotOf(ulong key, int mask) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;

    private static ulong[] KeyTable(string[] words)
    {
        var table = new ulong[BitOperations.RoundUpToPowerOf2((uint)words.Length * 4)];
        var mask = table.Length - 1;
        foreach (var word in words)
        {
            var key = LettersKey(word);
            var slot = SlotOf(key, mask);
            while (table[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            table[slot] = key;
        }

        return table;
    }

    private static string FoldAccents(string word)
    {
        if (Ascii.IsValid(word))
        {
            return word;
        }

        var decomposed = word.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Collects the terms as strings.</summary>
    private sealed class TermList : ITermSink
    {
        public List<string> Terms { get; } = [];

        public void Add(ReadOnlySpan<char> term, long hash) => Terms.Add(new string(term));
    }
}
