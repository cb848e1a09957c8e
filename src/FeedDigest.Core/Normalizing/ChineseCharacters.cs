using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// Chinese compared across its two scripts: each Traditional character folded to its Simplified
/// form, from OpenCC's character table (OpenCC/README.md). Outlets in Hong Kong and Taiwan, and the
/// Traditional editions of BBC, VOA or the New York Times, write 網絡審查 where a mainland outlet and
/// most readers' keywords write 网络审查: folded, both are one word to topic matching and to clustering.
/// Both sides of every comparison are folded alike, so a character with several Simplified forms
/// (乾 is 干 or 乾) needs only one of them; the table's first is taken. Hong Kong's and
/// Taiwan's own forms of a character (衞 for 衛, 枱 for 檯) fold as the standard form does, but
/// not one that is another character in some words (Taiwan's 著, which is 着 in 待著 but 著 in 名著
/// and in Simplified 著名), nor one the Traditional table folds itself.
/// </summary>
internal static class ChineseCharacters
{
    /// <summary>The characters a fold can change lie in this range, or are surrogates of a supplementary one (within it too).</summary>
    private const char First = '\u3400';
    private const char Last = '\uFAFF';

    /// <summary>In <see cref="Table.Bmp"/>: the character is not a Traditional one.</summary>
    private const char NotFolded = '\0';

    /// <summary>In <see cref="Table.Bmp"/>: the character folds to a supplementary one, kept in <see cref="Table.Others"/>.</summary>
    private const char Supplementary = '\uFFFF';

    /// <summary>
    /// Whether a story with this text is read folded: not when it has kana. Japanese kanji are mostly
    /// the Traditional forms, in words of their own (審査, screening, is not 审查, censorship).
    /// </summary>
    public static bool Folds(string? title, string? summary = null) => !Scripts.HasKana(title) && !Scripts.HasKana(summary);

    /// <summary>
    /// The Simplified form of <paramref name="rune"/>, or the rune itself when it is not a
    /// Traditional character.
    /// </summary>
    public static Rune ToSimplified(Rune rune)
    {
        if (rune.Value < First)
        {
            return rune;
        }

        if (rune.IsBmp)
        {
            if (rune.Value > Last)
            {
                return rune;
            }

            var folded = Table.Bmp[rune.Value - First];
            if (folded == NotFolded)
            {
                return rune;
            }

            if (folded != Supplementary)
            {
                return new Rune(folded);
            }
        }

        return Table.Others.TryGetValue(rune.Value, out var value) ? new Rune(value) : rune;
    }

    /// <summary>
    /// <paramref name="text"/> with its Traditional characters in their Simplified forms, or null
    /// when it has none (most text: it is only searched, not copied).
    /// </summary>
    public static string? ToSimplified(ReadOnlySpan<char> text)
    {
        var first = FirstFolded(text);
        if (first < 0)
        {
            return null;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text[..first]);
        var i = first;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var units) != OperationStatus.Done)
            {
                // A lone surrogate is kept as it is, wherever it is.
                builder.Append(text[i]);
                i++;
                continue;
            }

            var folded = ToSimplified(rune);
            if (folded.IsBmp)
            {
                builder.Append((char)folded.Value);
            }
            else
            {
                builder.Append(folded.ToString());
            }

            i += units;
        }

        return builder.ToString();
    }

    private static int FirstFolded(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var next = text[offset..].IndexOfAnyInRange(First, Last);
            if (next < 0)
            {
                return -1;
            }

            var i = offset + next;
            Rune.DecodeFromUtf16(text[i..], out var rune, out var units);
            if (ToSimplified(rune) != rune)
            {
                return i;
            }

            offset = i + units;
        }
    }

    /// <summary>The table, read once, the first time Chinese text is folded.</summary>
    private static class Table
    {
        private const string Characters = "FeedDigest.Core.Normalizing.OpenCC.TSCharacters.txt";

        /// <summary>
        /// Each region's forms of characters and the standard Traditional one (衞, Hong Kong's, is
        /// 衛), with the words in which a form is another character (Taiwan's 著 is 着 in 待著, but
        /// 著 in 名著, and 著 is Simplified too: 著名).
        /// </summary>
        private static readonly (string Forms, string Words)[] RegionalVariants =
        [
            ("FeedDigest.Core.Normalizing.OpenCC.HKVariantsRev.txt", "FeedDigest.Core.Normalizing.OpenCC.HKVariantsRevPhrases.txt"),
            ("FeedDigest.Core.Normalizing.OpenCC.TWVariantsRev.txt", "FeedDigest.Core.Normalizing.OpenCC.TWVariantsRevPhrases.txt"),
        ];

        /// <summary>The Simplified form of each BMP character from <see cref="First"/> to <see cref="Last"/>, by its offset; <see cref="NotFolded"/> where it has none.</summary>
        public static readonly char[] Bmp = new char[Last - First + 1];

        /// <summary>Folds of supplementary characters, and to them.</summary>
        public static readonly FrozenDictionary<int, int> Others;

        static Table()
        {
            var folds = Read(Characters);
            foreach (var (forms, words) in RegionalVariants)
            {
                var keptInSomeWords = KeptInSomeWords(words);
                foreach (var (variant, standard) in Read(forms))
                {
                    // A regional form folds as its standard form does, but not one that some words
                    // keep (the fold could not tell them apart), nor one the table above folds
                    // itself (么, Simplified for 麼, is Taiwan's form of 幺), nor one its standard
                    // form folds to (才, whose Taiwanese form 纔 folds to it).
                    if (!keptInSomeWords.Contains(variant) && !folds.ContainsKey(variant) && Resolve(folds, standard) != variant)
                    {
                        folds[variant] = standard;
                    }
                }
            }

            var others = new Dictionary<int, int>();
            foreach (var (traditional, simplified) in folds)
            {
                var target = Resolve(folds, simplified);
                if (target == traditional)
                {
                    continue;
                }

                if (traditional <= char.MaxValue && target <= char.MaxValue)
                {
                    Bmp[traditional - First] = (char)target;
                }
                else
                {
                    others[traditional] = target;
                    if (traditional <= char.MaxValue)
                    {
                        Bmp[traditional - First] = Supplementary;
                    }
                }
            }

            Others = others.ToFrozenDictionary();
        }

        /// <summary>
        /// Where <paramref name="character"/> ends up: the table maps a few characters to one it
        /// maps on again (薴 to 苧, 苧 to 苎).
        /// </summary>
        private static int Resolve(Dictionary<int, int> folds, int character)
        {
            for (var hops = 0; hops < 4 && folds.TryGetValue(character, out var further) && further != character; hops++)
            {
                character = further;
            }

            return character;
        }

        /// <summary>
        /// The characters that some word of <paramref name="resource"/> keeps as they are. Each line
        /// is a word, a tab, and the word as converted (as long as it, character for character).
        /// </summary>
        private static HashSet<int> KeptInSomeWords(string resource)
        {
            var kept = new HashSet<int>();
            foreach (var line in Lines(resource))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                var end = line.IndexOf(' ', tab + 1) is var space and > 0 ? space : line.Length;
                var word = line[..tab].EnumerateRunes().ToArray();
                var converted = line[(tab + 1)..end].EnumerateRunes().ToArray();
                for (var i = 0; i < Math.Min(word.Length, converted.Length); i++)
                {
                    if (word[i] == converted[i])
                    {
                        kept.Add(word[i].Value);
                    }
                }
            }

            return kept;
        }

        /// <summary>The lines of a table, less blank ones and comments (# at the start).</summary>
        private static IEnumerable<string> Lines(string resource)
        {
            using var stream = typeof(ChineseCharacters).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The resource {resource} is missing from the build.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0 && line[0] != '#')
                {
                    yield return line;
                }
            }
        }

        /// <summary>Each line is a character, a tab, and the forms it converts to separated by spaces; # starts a comment.</summary>
        private static Dictionary<int, int> Read(string resource)
        {
            var folds = new Dictionary<int, int>();
            foreach (var line in Lines(resource))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                var character = Rune.GetRuneAt(line, 0);
                var form = Rune.GetRuneAt(line, tab + 1);
                if (character.Value is >= First and not (> Last and <= char.MaxValue))
                {
                    folds[character.Value] = form.Value;
                }
            }

            return folds;
        }
    }
}
