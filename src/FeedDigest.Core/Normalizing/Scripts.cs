using System.Text;

namespace FeedDigest.Core.Normalizing;

/// <summary>Facts about writing systems that text matching and clustering both depend on.</summary>
internal static class Scripts
{
    /// <summary>Chinese (Han), Japanese (kana) and Korean (Hangul) characters: scripts without spaces between words.</summary>
    public static bool IsCjk(Rune rune) => rune.Value is
        >= 0x1100 and <= 0x11FF // Hangul Jamo
        or >= 0x3005 and <= 0x3007 // 々 〆 〇
        or >= 0x3040 and <= 0x30FF // Hiragana, Katakana
        or >= 0x3130 and <= 0x318F // Hangul compatibility Jamo
        or >= 0x31F0 and <= 0x31FF // Katakana phonetic extensions
        or >= 0x3400 and <= 0x4DBF // CJK unified ideographs extension A
        or >= 0x4E00 and <= 0x9FFF // CJK unified ideographs
        or >= 0xAC00 and <= 0xD7AF // Hangul syllables
        or >= 0xF900 and <= 0xFAFF // CJK compatibility ideographs
        or >= 0x20000 and <= 0x3FFFF; // CJK unified ideographs extensions B and later
}
