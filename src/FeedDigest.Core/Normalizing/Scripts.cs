using System.Text;

namespace FeedDigest.Core.Normalizing;

/// <summary>Facts about writing systems that text matching and clustering both depend on.</summary>
internal static class Scripts
{
    /// <summary>Chinese (Han), Japanese (kana) and Korean (Hangul) characters: scripts without spaces between words.</summary>
    public static bool IsCjk(Rune rune) => IsKana(rune) || IsHangul(rune) || IsHan(rune);

    /// <summary>Whether <paramref name="text"/> has a hiragana or katakana character (<see cref="ChineseCharacters.Folds"/>).</summary>
    public static bool HasKana(ReadOnlySpan<char> text) =>
        text.IndexOfAnyInRange('\u3040', '\u30FF') >= 0 || text.IndexOfAnyInRange('\u31F0', '\u31FF') >= 0;

    private static bool IsKana(Rune rune) => rune.Value is
        >= 0x3040 and <= 0x30FF // Hiragana, Katakana
        or >= 0x31F0 and <= 0x31FF; // Katakana phonetic extensions

    private static bool IsHangul(Rune rune) => rune.Value is
        >= 0x1100 and <= 0x11FF // Hangul Jamo
        or >= 0x3130 and <= 0x318F // Hangul compatibility Jamo
        or >= 0xAC00 and <= 0xD7AF; // Hangul syllables

    private static bool IsHan(Rune rune) => rune.Value is
        >= 0x3005 and <= 0x3007 // 々 〆 〇
        or >= 0x3400 and <= 0x4DBF // CJK unified ideographs extension A
        or >= 0x4E00 and <= 0x9FFF // CJK unified ideographs
        or >= 0xF900 and <= 0xFAFF // CJK compatibility ideographs
        or >= 0x20000 and <= 0x3FFFF; // CJK unified ideographs extensions B and later

    /// <summary>
    /// The writing system <paramref name="text"/> is mostly in: Japanese when it has kana among mostly
    /// CJK characters, Korean or Chinese when Hangul or Han lead, else <see cref="WritingSystem.Other"/>.
    /// A CJK character counts as a word of about four Latin letters. Only the first
    /// <paramref name="maxChars"/> characters are read: a headline's start says it.
    /// </summary>
    public static WritingSystem WritingSystemOf(ReadOnlySpan<char> text, int maxChars = 256)
    {
        int han = 0, kana = 0, hangul = 0, otherLetters = 0;
        foreach (var rune in text[..Math.Min(text.Length, maxChars)].EnumerateRunes())
        {
            if (IsKana(rune))
            {
                kana++;
            }
            else if (IsHangul(rune))
            {
                hangul++;
            }
            else if (IsHan(rune))
            {
                han++;
            }
            else if (Rune.IsLetter(rune))
            {
                otherLetters++;
            }
        }

        var cjk = han + kana + hangul;
        if (cjk == 0 || cjk * 4 < otherLetters)
        {
            return WritingSystem.Other;
        }

        return kana > 0 ? WritingSystem.Japanese : hangul >= han ? WritingSystem.Korean : WritingSystem.Chinese;
    }
}

/// <summary>The writing systems clustering tells apart: their stories share no terms, and each has its own common words.</summary>
public enum WritingSystem
{
    Other,
    Chinese,
    Japanese,
    Korean,
}
