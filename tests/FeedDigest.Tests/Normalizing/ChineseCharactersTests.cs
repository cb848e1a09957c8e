using System.Text;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Topics;

namespace FeedDigest.Tests.Normalizing;

public sealed class ChineseCharactersTests
{
    [Theory]
    [InlineData("網絡審查", "网络审查")]
    [InlineData("當局加強網絡審查，關閉VPN", "当局加强网络审查，关闭VPN")]
    [InlineData("VPN 審查 widens", "VPN 审查 widens")]
    [InlineData("臺灣選舉", "台湾选举")]
    [InlineData("衞生署公布流感數字", "卫生署公布流感数字")] // 衞: Hong Kong's form of 衛
    [InlineData("枱面上的協議", "台面上的协议")] // 枱: Hong Kong's form of 檯
    public void ToSimplified_TraditionalText_IsWrittenInSimplifiedCharacters(string traditional, string simplified) =>
        Assert.Equal(simplified, ChineseCharacters.ToSimplified(traditional));

    [Theory]
    [InlineData("网络审查制度")]
    [InlineData("著名作家的名著")] // 著 is Simplified too, though Taiwan writes 着 as 著 in some words
    [InlineData("Censorship of WeChat")]
    [InlineData("검열이 강화되었다")]
    [InlineData("")]
    public void ToSimplified_TextWithNoTraditionalCharacter_IsNull(string text) =>
        Assert.Null(ChineseCharacters.ToSimplified(text));

    [Fact]
    public void ToSimplified_JapaneseKanjiWithATraditionalForm_FoldAsChineseDoes() =>
        // The table knows no language: 閲 and 強 are Traditional characters to it. A Japanese keyword
        // is folded as the Japanese text it is matched against, so the two still compare equal.
        Assert.Equal("検阅が强化された", ChineseCharacters.ToSimplified("検閲が強化された"));

    [Fact]
    public void ToSimplified_ACharacterTheTableMapsOnAgain_FoldsToTheLastForm() =>
        // OpenCC maps 薴 to 苧 and 苧 to 苎: both must fold to one character, or they would not compare equal.
        Assert.Equal(ChineseCharacters.ToSimplified(new Rune('苧')), ChineseCharacters.ToSimplified(new Rune('薴')));

    [Fact]
    public void ToSimplified_SupplementaryCharacters_FoldAsTheTableSays()
    {
        // 𠁞 (U+2005E, Traditional) is 𠀾 (U+2003E) in Simplified; both are outside the BMP.
        Assert.Equal(new Rune(0x2003E), ChineseCharacters.ToSimplified(new Rune(0x2005E)));
        Assert.Equal("a𠀾b", ChineseCharacters.ToSimplified("a𠁞b"));
    }

    [Theory]
    [InlineData("HKVariantsRev.txt")]
    [InlineData("TWVariantsRev.txt")]
    public void ToSimplified_EveryRegionalForm_FoldsAsItsStandardFormDoes(string table)
    {
        // 才 is Simplified and Taiwan writes it 纔, which OpenCC's Traditional-to-Simplified table
        // folds to 才: chained the other way, the two would fold to each other and never compare equal.
        // A form that table folds itself keeps its fold (么 is Simplified for 麼, and Taiwan's 幺),
        // and so does one that some words keep (Taiwan's 著 is 着 in 待著, but 著 in 名著).
        var traditional = ReadTable("TSCharacters.txt").Select(entry => entry.Character).ToHashSet();
        var keptInWords = ReadWords(table.Replace(".txt", "Phrases.txt", StringComparison.Ordinal))
            .SelectMany(entry => entry.Word.EnumerateRunes().Zip(entry.Converted.EnumerateRunes()).Where(pair => pair.First == pair.Second).Select(pair => pair.First))
            .ToHashSet();
        var checkedForms = 0;
        foreach (var (regional, standard) in ReadTable(table).Where(entry => !traditional.Contains(entry.Character) && !keptInWords.Contains(entry.Character)))
        {
            Assert.True(ChineseCharacters.ToSimplified(regional) == ChineseCharacters.ToSimplified(standard), $"{regional} folds to {ChineseCharacters.ToSimplified(regional)}, its standard form {standard} to {ChineseCharacters.ToSimplified(standard)}");
            checkedForms++;
        }

        Assert.True(checkedForms > 10, $"{checkedForms} forms read from {table}");
    }

    private static IEnumerable<(Rune Character, Rune Form)> ReadTable(string table) =>
        ReadWords(table).Select(entry => (Rune.GetRuneAt(entry.Word, 0), Rune.GetRuneAt(entry.Converted, 0)));

    private static IEnumerable<(string Word, string Converted)> ReadWords(string table)
    {
        using var stream = typeof(ChineseCharacters).Assembly.GetManifestResourceStream($"FeedDigest.Core.Normalizing.OpenCC.{table}")!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                var parts = line.Split('\t');
                yield return (parts[0], parts[1].Split(' ')[0]);
            }
        }
    }

    [Fact]
    public void ToSimplified_AfterTheFold_NothingIsLeftToFold()
    {
        // Every character folds to one the table folds no further: folding twice is folding once,
        // which topic matching and clustering rely on when they fold text already folded.
        foreach (var c in Enumerable.Range(0x3400, 0xFAFF - 0x3400 + 1).Concat(Enumerable.Range(0x20000, 0x20000)))
        {
            if (c is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var once = ChineseCharacters.ToSimplified(new Rune(c));
            Assert.Equal(once, ChineseCharacters.ToSimplified(once));
        }
    }

    [Fact]
    public void TopicText_TraditionalAndSimplified_AreTheSameTokensOnceSimplified()
    {
        Assert.Equal(TopicText.Tokenize("当局加强网络审查"), TopicText.Simplified(TopicText.Tokenize("當局加強網絡審查")));
        var simplified = TopicText.Tokenize("网络审查 VPN");
        Assert.Same(simplified, TopicText.Simplified(simplified));
    }

    [Fact]
    public void ToSimplified_ALoneSurrogate_IsKeptWhereverItIs()
    {
        Assert.Equal("\uD800审查", ChineseCharacters.ToSimplified("\uD800審查"));
        Assert.Equal("审\uD800查", ChineseCharacters.ToSimplified("審\uD800查"));
        Assert.Equal("审查\uDC00", ChineseCharacters.ToSimplified("審查\uDC00"));
    }

    [Fact]
    public void ClusterText_AJapaneseStory_KeepsItsKanji()
    {
        // 審査 (screening) is not 审查 (censorship): a story with kana is read as written.
        Assert.False(ChineseCharacters.Folds("入国審査を強化", null));
        Assert.False(ChineseCharacters.Folds("入国審査", "政府は入国審査を強化した。"));
        Assert.True(ChineseCharacters.Folds("當局加強網絡審查", "監管部門下令關閉VPN服務。"));
        var terms = new List<string>();
        var sink = new TermList(terms);
        ClusterText.AddTerms("入国審査", ref sink, simplifyChinese: false);
        Assert.Equal(["入国", "国審", "審査"], terms);
    }

    private readonly struct TermList(List<string> terms) : ClusterText.ITermSink
    {
        public void Add(ReadOnlySpan<char> term, long hash) => terms.Add(term.ToString());
    }

    [Fact]
    public void ClusterText_TraditionalAndSimplified_AreTheSameTerms()
    {
        Assert.Equal(ClusterText.Terms("当局加强网络审查，关闭VPN服务"), ClusterText.Terms("當局加強網絡審查，關閉VPN服務"));
        // Full-width forms take the normalizing path; the fold follows it there too.
        Assert.Equal(ClusterText.Terms("网络审查 ＶＰＮ"), ClusterText.Terms("網絡審查 ＶＰＮ"));
    }
}
