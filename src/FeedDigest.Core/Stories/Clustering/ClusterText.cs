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

    /// <summary>The terms of <paramref name="text"/> in order, repeats kept.</summary>
    public static List<string> Terms(string? text)
    {
        var terms = new List<string>();
        AddTerms(text, terms);
        return terms;
    }

    /// <summary>Appends the terms of <paramref name="text"/> to <paramref name="terms"/>.</summary>
    public static void AddTerms(string? text, List<string> terms)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var word = new StringBuilder();
        var cjkRun = new List<Rune>();
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (Scripts.IsCjk(rune))
            {
                FlushWord(word, terms);
                cjkRun.Add(rune);
            }
            else if (Rune.IsLetterOrDigit(rune) || IsMark(rune))
            {
                FlushCjk(cjkRun, terms);
                if (rune.IsBmp)
                {
                    word.Append((char)rune.Value);
                }
                else
                {
                    word.Append(rune.ToString());
                }
            }
            else
            {
                FlushWord(word, terms);
                FlushCjk(cjkRun, terms);
            }
        }

        FlushWord(word, terms);
        FlushCjk(cjkRun, terms);
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static void FlushCjk(List<Rune> run, List<string> terms)
    {
        if (run.Count == 1)
        {
            terms.Add(run[0].ToString());
        }

        for (var i = 0; i + 1 < run.Count; i++)
        {
            terms.Add(run[i].ToString() + run[i + 1].ToString());
        }

        run.Clear();
    }

    private static void FlushWord(StringBuilder word, List<string> terms)
    {
        if (word.Length == 0)
        {
            return;
        }

        var folded = FoldAccents(word.ToString());
        word.Clear();
        if (folded.Length == 0 || StopWords.Contains(folded) || (folded.Length == 1 && !char.IsDigit(folded[0])))
        {
            return;
        }

        terms.Add(FoldPlural(folded));
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

    /// <summary>English plurals only, and only the unambiguous endings: stories → story, banks → bank; not bus, crisis, class.</summary>
    private static string FoldPlural(string word)
    {
        if (!IsAsciiLetters(word))
        {
            return word;
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 3 && word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i'))
        {
            return word[..^1];
        }

        return word;
    }

    private static bool IsAsciiLetters(string word)
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
}
