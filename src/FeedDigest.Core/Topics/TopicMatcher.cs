using System.Globalization;
using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Topics;

/// <summary>
/// Keyword matching, case- and accent-insensitive. A keyword in a script written with spaces must
/// stand as a whole word ("art" does not match "article"); Chinese, Japanese and Korean keywords
/// match anywhere inside the text (审查 inside 网络审查制度), since those scripts have no spaces.
/// </summary>
public static class TopicMatcher
{
    private const CompareOptions Options = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace | CompareOptions.IgnoreWidth | CompareOptions.IgnoreKanaType;
    private static readonly CompareInfo Compare = CultureInfo.InvariantCulture.CompareInfo;

    public static bool Matches(Topic topic, StoredStory story) =>
        topic.Keywords.Any(keyword => Contains(story.Title, keyword) || Contains(story.Summary, keyword));

    public static bool Contains(string text, string keyword)
    {
        if (string.IsNullOrWhiteSpace(keyword) || string.IsNullOrEmpty(text))
        {
            return false;
        }

        var start = 0;
        while (start < text.Length)
        {
            var relative = Compare.IndexOf(text.AsSpan(start), keyword, Options, out var length);
            if (relative < 0)
            {
                return false;
            }

            var index = start + relative;
            if (IsWholeWord(text, index, length, keyword))
            {
                return true;
            }

            start = index + 1;
        }

        return false;
    }

    private static bool IsWholeWord(string text, int index, int length, string keyword)
    {
        var leftOk = !IsSpacedWordChar(keyword[0]) || index == 0 || !IsSpacedWordChar(text[index - 1]);
        var end = index + length;
        var rightOk = !IsSpacedWordChar(keyword[^1]) || end >= text.Length || !IsSpacedWordChar(text[end]);
        return leftOk && rightOk;
    }

    /// <summary>A letter or digit of a script that separates words with spaces.</summary>
    private static bool IsSpacedWordChar(char c) => char.IsLetterOrDigit(c) && !IsCjk(c);

    private static bool IsCjk(char c) =>
        c is >= '\u2E80' and <= '\u9FFF' // CJK radicals, kana, unified ideographs
            or >= '\uAC00' and <= '\uD7AF' // Hangul syllables
            or >= '\uF900' and <= '\uFAFF' // CJK compatibility ideographs
            or >= '\uFF00' and <= '\uFFEF'; // half- and full-width forms
}
