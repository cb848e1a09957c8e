using System.Buffers;
using System.Globalization;
using System.Text;
using FeedDigest.Core.Normalizing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Turns a story's text into the terms it is compared on. Text is NFKC-normalized (full-width forms
/// become ASCII) and lower-cased. Runs of Chinese, Japanese and Korean characters, written without
/// spaces between words, become overlapping character bigrams (网络审查制度: 网络 络审 审查 查制 制度),
/// so 审查 matches inside any text that contains it. Words of other scripts have their accents folded
/// (café = cafe), English stop words and single letters dropped, and a light plural folding applied
/// (stories = story, banks = bank). Punctuation and apostrophes separate words.
/// </summary>
internal static class ClusterText
{
    // English function words: the corpora FeedDigest was measured on are English. IDF weighting
    // makes this list matter little for similarity; it keeps those words out of the band keys.
    private static readonly HashSet<string> StopWords = new(
        """
        a about above after again against all am an and any are as at be because been before being below
        between both but by can could did do does doing down during each few for from further had has have
        having he her here hers herself him himself his how if in into is it its itself just me more most my
        myself no nor not now of off on once only or other our ours ourselves out over own same she should so
        some such than that the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would you your
        yours yourself yourselves
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordSpans = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Receives a text's terms one at a time; the span is valid during the call only.</summary>
    internal interface ITermSink
    {
        void Add(ReadOnlySpan<char> term);
    }

    /// <summary>The terms of <paramref name="text"/> in order, repeats kept.</summary>
    public static List<string> Terms(string? text)
    {
        var terms = new TermList();
        AddTerms(text, terms);
        return terms.Terms;
    }

    /// <summary>
    /// Hands the terms of <paramref name="text"/> to <paramref name="sink"/> in order. Words are
    /// built in a buffer and handed over as spans: a story's clustering hashes each term and keeps
    /// no string of it, and a string per word (and per plural folded) was most of its garbage.
    /// </summary>
    public static void AddTerms(string? text, ITermSink sink)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        // ASCII text (most feeds' English) is its own NFKC form and has neither marks nor CJK: its
        // words are the runs of letters and digits, read in place.
        if (Ascii.IsValid(text))
        {
            AddAsciiTerms(text.ToLowerInvariant(), sink);
            return;
        }

        var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var word = new WordBuffer(stackalloc char[128]);
        Span<Rune> cjkRun = stackalloc Rune[64];
        var cjkCount = 0;
        Span<char> units = stackalloc char[2];
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (rune.Value < 0x80)
            {
                if (char.IsAsciiLetterOrDigit((char)rune.Value))
                {
                    if (cjkCount > 0)
                    {
                        FlushCjk(cjkRun[..cjkCount], sink);
                        cjkCount = 0;
                    }

                    word.Append((char)rune.Value);
                }
                else
                {
                    FlushWord(ref word, sink);
                    FlushCjk(cjkRun[..cjkCount], sink);
                    cjkCount = 0;
                }
            }
            else if (Scripts.IsCjk(rune))
            {
                FlushWord(ref word, sink);
                if (cjkCount == cjkRun.Length)
                {
                    // A long run: its bigrams so far go now, and the last character starts the rest.
                    FlushCjk(cjkRun, sink);
                    cjkRun[0] = cjkRun[^1];
                    cjkCount = 1;
                }

                cjkRun[cjkCount++] = rune;
            }
            else if (Rune.IsLetterOrDigit(rune) || IsMark(rune))
            {
                FlushCjk(cjkRun[..cjkCount], sink);
                cjkCount = 0;
                word.Append(units[..rune.EncodeToUtf16(units)]);
            }
            else
            {
                FlushWord(ref word, sink);
                FlushCjk(cjkRun[..cjkCount], sink);
                cjkCount = 0;
            }
        }

        FlushWord(ref word, sink);
        FlushCjk(cjkRun[..cjkCount], sink);
        word.Dispose();
    }

    private static void AddAsciiTerms(string lowered, ITermSink sink)
    {
        var chars = lowered.AsSpan();
        var i = 0;
        while (i < chars.Length)
        {
            while (i < chars.Length && !char.IsAsciiLetterOrDigit(chars[i]))
            {
                i++;
            }

            var start = i;
            while (i < chars.Length && char.IsAsciiLetterOrDigit(chars[i]))
            {
                i++;
            }

            if (i > start)
            {
                AddFolded(chars[start..i], sink);
            }
        }
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>A run of CJK characters: one term when alone, else its overlapping bigrams.</summary>
    private static void FlushCjk(ReadOnlySpan<Rune> run, ITermSink sink)
    {
        if (run.IsEmpty)
        {
            return;
        }

        Span<char> pair = stackalloc char[4];
        if (run.Length == 1)
        {
            sink.Add(pair[..run[0].EncodeToUtf16(pair)]);
        }

        for (var i = 0; i + 1 < run.Length; i++)
        {
            var first = run[i].EncodeToUtf16(pair);
            var second = run[i + 1].EncodeToUtf16(pair[first..]);
            sink.Add(pair[..(first + second)]);
        }
    }

    private static void FlushWord(ref WordBuffer word, ITermSink sink)
    {
        if (word.Length == 0)
        {
            return;
        }

        var chars = word.Chars;
        if (!Ascii.IsValid(chars))
        {
            AddFolded(FoldAccents(new string(chars)), sink);
        }
        else
        {
            AddFolded(chars, sink);
        }

        word.Clear();
    }

    /// <summary>
    /// Drops stop words and single letters, and hands the word on with an English plural folded:
    /// only the unambiguous endings, stories → story, banks → bank; not bus, crisis, class.
    /// </summary>
    private static void AddFolded(ReadOnlySpan<char> folded, ITermSink sink)
    {
        if (folded.Length == 0 || StopWordSpans.Contains(folded) || (folded.Length == 1 && !char.IsDigit(folded[0])))
        {
            return;
        }

        if (!IsAsciiLetters(folded))
        {
            sink.Add(folded);
        }
        else if (folded.Length > 4 && folded.EndsWith("ies"))
        {
            var stem = folded[..^3];
            var singular = stem.Length < 128 ? stackalloc char[stem.Length + 1] : new char[stem.Length + 1];
            stem.CopyTo(singular);
            singular[^1] = 'y';
            sink.Add(singular);
        }
        else if (folded.Length > 3 && folded[^1] == 's' && folded[^2] is not ('s' or 'u' or 'i'))
        {
            sink.Add(folded[..^1]);
        }
        else
        {
            sink.Add(folded);
        }
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

    private static bool IsAsciiLetters(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The characters of the word being read: on the stack, or rented when a word is longer.</summary>
    private ref struct WordBuffer(Span<char> initial)
    {
        private Span<char> chars = initial;
        private char[]? rented;

        public int Length { get; private set; }

        public readonly Span<char> Chars => chars[..Length];

        public void Append(char c)
        {
            if (Length == chars.Length)
            {
                Grow();
            }

            chars[Length++] = c;
        }

        public void Append(ReadOnlySpan<char> units)
        {
            foreach (var c in units)
            {
                Append(c);
            }
        }

        public void Clear() => Length = 0;

        public void Dispose()
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        private void Grow()
        {
            var larger = ArrayPool<char>.Shared.Rent(chars.Length * 2);
            chars.CopyTo(larger);
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }

            rented = larger;
            chars = larger;
        }
    }

    /// <summary>Collects the terms as strings.</summary>
    private sealed class TermList : ITermSink
    {
        public List<string> Terms { get; } = [];

        public void Add(ReadOnlySpan<char> term) => Terms.Add(new string(term));
    }
}
