using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

public sealed class ClusterTextTests
{
    [Fact]
    public void Terms_ChineseRun_AreOverlappingCharacterBigrams() =>
        Assert.Equal(["网络", "络审", "审查", "查制", "制度"], ClusterText.Terms("网络审查制度"));

    [Fact]
    public void Terms_ChineseInsideLatinText_SplitAtTheScriptBoundary() =>
        Assert.Equal(["apple", "发布", "布会", "iphone", "15"], ClusterText.Terms("Apple发布会：iPhone 15"));

    [Fact]
    public void Terms_JapaneseKanaAndKorean_AreCharacterBigramsWithMarksKept() =>
        Assert.Equal(["が発", "発表", "한국", "경제"], ClusterText.Terms("が発表 한국 경제"));

    [Fact]
    public void Terms_SingleCjkCharacter_IsKeptAlone() =>
        Assert.Equal(["中", "japan"], ClusterText.Terms("中 Japan"));

    [Fact]
    public void Terms_CaseAccentsAndFullWidth_AreFolded() =>
        Assert.Equal(["cafe", "cafe", "zurich", "abc"], ClusterText.Terms("Café CAFÉ Zürich ＡＢＣ"));

    [Fact]
    public void Terms_StopWordsSingleLettersAndApostrophes_AreDropped() =>
        Assert.Equal(["juan", "pablo", "pick"], ClusterText.Terms("Will Juan Pablo's pick be a ..."));

    [Fact]
    public void Terms_EnglishPlurals_FoldButNotWordsEndingInSsUsIs() =>
        Assert.Equal(["bank", "story", "class", "bus", "crisis"], ClusterText.Terms("banks stories class bus crisis"));

    [Fact]
    public void Terms_Digits_AreKeptEvenAlone() =>
        Assert.Equal(["ios", "7", "1", "2014"], ClusterText.Terms("iOS 7.1 (2014)"));

    [Fact]
    public void Terms_LongChineseRun_IsEveryOverlappingBigram()
    {
        // Characters that are no Traditional form, which would be read as another.
        var characters = Enumerable.Range(0x4E00, 600).Where(c => ChineseCharacters.ToSimplified(new System.Text.Rune(c)).Value == c).Take(300).ToArray();
        var run = string.Concat(Enumerable.Range(0, 150).Select(i => (char)characters[i * 7 % 300]));

        Assert.Equal(Enumerable.Range(0, 149).Select(i => run.Substring(i, 2)).Append("end"), ClusterText.Terms(run + " end"));
    }

    [Fact]
    public void Terms_LongWords_AreKeptWhole()
    {
        var word = string.Concat(Enumerable.Repeat("Ab", 200));
        var accented = string.Concat(Enumerable.Repeat("é", 300)) + "s";

        Assert.Equal([word.ToLowerInvariant(), new string('e', 300)], ClusterText.Terms($"{word} {accented}"));
    }

    [Fact]
    public void Terms_EmptyOrWhiteSpace_AreNone()
    {
        Assert.Empty(ClusterText.Terms(null));
        Assert.Empty(ClusterText.Terms("  \n "));
    }
}
