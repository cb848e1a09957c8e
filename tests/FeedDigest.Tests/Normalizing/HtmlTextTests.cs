using FeedDigest.Core.Normalizing;

namespace FeedDigest.Tests.Normalizing;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>Hello <b>world</b></p><p>Again</p>", "Hello world Again")]
    [InlineData("line<br>break", "line break")]
    [InlineData("<ul><li>one</li><li>two</li></ul>", "one two")]
    [InlineData("<a href=\"https://x.example/\">link text</a> after", "link text after")]
    public void ToPlainText_Markup_StripsTagsAndSeparatesBlocks(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToPlainText(html));

    [Theory]
    [InlineData("Fish &amp; chips", "Fish & chips")]
    [InlineData("Caf&eacute; &lt;noir&gt;", "Café <noir>")]
    [InlineData("&#8220;quoted&#x201D;", "\u201Cquoted\u201D")]
    public void ToPlainText_Entities_AreDecoded(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToPlainText(html));

    [Fact]
    public void ToPlainText_ScriptStyleAndTemplate_AreDropped() =>
        Assert.Equal(
            "Visible text",
            HtmlText.ToPlainText("<script>alert('x')</script><style>p { color: red }</style>Visible <template><b>hidden</b></template>text"));

    [Fact]
    public void ToPlainText_WhiteSpace_IsCollapsedAndTrimmedButNoBreakSpaceStays() =>
        Assert.Equal("a \u00A0 b c", HtmlText.ToPlainText("  <p>\n\ta </p>\u00A0 b\r\n\r\n c  "));

    [Theory]
    [InlineData("AT&T < Verizon")]
    [InlineData("1 < 2 && 3 > 2")]
    [InlineData("Q&A: what we know")]
    public void ToPlainText_PlainTextWithAmpersandOrLessThan_SurvivesUnchanged(string text) =>
        Assert.Equal(text, HtmlText.ToPlainText(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ToPlainText_NullOrEmpty_ReturnsEmpty(string? html) =>
        Assert.Equal(string.Empty, HtmlText.ToPlainText(html));

    [Fact]
    public void Truncate_ShortText_IsReturnedUnchanged() =>
        Assert.Equal("short text", HtmlText.Truncate("short text", 10));

    [Theory]
    [InlineData(20, "The quick brown fox…")]
    [InlineData(18, "The quick brown…")]
    [InlineData(30, "The quick brown fox jumps…")]
    public void Truncate_LatinText_CutsOnWordBoundaryWithEllipsis(int maxLength, string expected)
    {
        var result = HtmlText.Truncate("The quick brown fox jumps over the lazy dog", maxLength);

        Assert.Equal(expected, result);
        Assert.True(result.Length <= maxLength);
    }

    [Fact]
    public void Truncate_SingleLongWord_CutsInsideTheWord() =>
        Assert.Equal("Donaudampfs…", HtmlText.Truncate("Donaudampfschifffahrtsgesellschaft", 12));

    [Fact]
    public void Truncate_ChineseText_CutsOnCharacterBoundary() =>
        Assert.Equal("网络审查…", HtmlText.Truncate("网络审查制度正在不断加强", 5));

    [Fact]
    public void Truncate_ChineseQuotingAnEnglishName_CutsNearTheLimitNotAtTheNamesSpace() =>
        Assert.Equal("网络审查 Reuters 报道称制度正在…", HtmlText.Truncate("网络审查 Reuters 报道称制度正在不断加强", 21));

    [Fact]
    public void Truncate_EnglishWithAChineseWordEarly_StillCutsOnTheLastSpace() =>
        Assert.Equal("The word 审查 means censorship in…", HtmlText.Truncate("The word 审查 means censorship in Chinese news", 36));

    [Theory]
    [InlineData("😀😀😀😀", 4, "😀…")]
    [InlineData("😀😀😀😀", 5, "😀😀…")]
    [InlineData("a😀😀😀", 4, "a😀…")]
    [InlineData("ab😀😀😀", 4, "ab…")]
    public void Truncate_AtSurrogatePair_NeverSplitsIt(string text, int maxLength, string expected)
    {
        var result = HtmlText.Truncate(text, maxLength);

        Assert.Equal(expected, result);
        Assert.False(char.IsHighSurrogate(result[^2]));
        Assert.True(result.Length <= maxLength);
    }

    [Fact]
    public void Truncate_MaxLengthBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HtmlText.Truncate("text", 0));

    [Fact]
    public void Truncate_MaxLengthOne_ReturnsEllipsis() =>
        Assert.Equal("…", HtmlText.Truncate("hello", 1));

    [Theory]
    [InlineData("<a href=\"x>y\" title='a>b'>link</a> text", "link text")]
    [InlineData("before<!-- <p>hidden</p> -->after", "beforeafter")]
    [InlineData("<SCRIPT type=\"text/javascript\">if (a < b) { x(); }</SCRIPT>shown", "shown")]
    [InlineData("<p>one</p><p>two</p>", "one two")]
    [InlineData("&lt;b&gt;escaped&lt;/b&gt; &amp; more", "<b>escaped</b> & more")]
    [InlineData("unclosed <b", "unclosed")]
    public void ToPlainText_TrickyMarkup_GivesTheVisibleText(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToPlainText(html));
}
