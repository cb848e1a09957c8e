using FeedDigest.Core.Topics;

namespace FeedDigest.Tests.Topics;

public sealed class TopicQueryParserTests
{
    [Theory]
    [InlineData("a b OR c", "(OR (AND a b) c)")]
    [InlineData("a OR b c", "(OR a (AND b c))")]
    [InlineData("a AND b OR c AND d", "(OR (AND a b) (AND c d))")]
    [InlineData("NOT a b", "(AND (NOT a) b)")]
    [InlineData("a OR NOT b c", "(OR a (AND (NOT b) c))")]
    [InlineData("-a b", "(AND (NOT a) b)")]
    [InlineData("NOT NOT a", "(NOT (NOT a))")]
    public void TryParse_Operators_BindNotThenAndThenOr(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("(a OR b) c", "(AND (OR a b) c)")]
    [InlineData("a (b OR (c d (e OR f)))", "(AND a (OR b (AND c d (OR e f))))")]
    [InlineData("((a))", "a")]
    [InlineData("NOT (a OR b)", "(NOT (OR a b))")]
    [InlineData("a OR (b OR c)", "(OR a b c)")]
    public void TryParse_Parentheses_GroupAsWritten(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("\"Great Firewall\"", "\"great firewall\"")]
    [InlineData("\"Great Firewall\" VPN", "(AND \"great firewall\" vpn)")]
    [InlineData("\"a OR b\"", "\"a or b\"")]
    [InlineData("\"新闻审查\"", "\"新闻审查\"")]
    [InlineData("新闻审查 Beijing审查", "(AND 新闻审查 \"beijing 审查\")")]
    [InlineData("网络审查", "(OR 网络审查 网路审查)")] // Taiwan's word too (RegionalWords)
    [InlineData("网络信息", "(OR 网络信息 网路信息 网络资讯 网路资讯)")]
    [InlineData("互联网络", "(OR 互联网络 网际网路络)")] // the longest listed word at each place: 互联网, then 络
    [InlineData("網路審查", "(OR 網路審查 网路审查 网络审查)")]
    [InlineData("e-mail", "\"e mail\"")]
    public void TryParse_PhrasesAndWordsOfSeveralTokens_AreOneTerm(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("title:censorship", "title:censorship")]
    [InlineData("Summary:VPN", "summary:vpn")]
    [InlineData("source:reuters", "source:reuters")]
    [InlineData("category:\"online censorship\"", "category:\"online censorship\"")]
    [InlineData("lang:zh_CN", "lang:zh-cn")]
    [InlineData("title:(a OR b) c", "(AND (OR title:a title:b) c)")]
    [InlineData("title:(a summary:b)", "(AND title:a summary:b)")]
    [InlineData("-title:a", "(NOT title:a)")]
    [InlineData("title:cens*", "title:cens*")]
    public void TryParse_Scopes_ApplyToTheWordPhraseOrGroupAfterThem(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("censor*", "censor*")]
    [InlineData("Café*", "cafe*")]
    [InlineData("审*", "审")]
    public void TryParse_Prefix_MarksTheLastWord(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("a and b", "(AND a and b)")]
    [InlineData("a or b", "(AND a or b)")]
    [InlineData("\"AND\"", "\"and\"")]
    public void TryParse_LowerCaseOperatorsAndQuotedOperators_AreWords(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("(censorship OR VPN", 19, "expected \")\"")]
    [InlineData("censorship OR", 14, "expected a word, a \"phrase\", \"(\" or NOT")]
    [InlineData("a AND OR b", 7, "expected a word, a \"phrase\", \"(\" or NOT, found \"OR\"")]
    [InlineData("a) b", 2, "expected a term or the end of the query, found \")\" with no \"(\" before it")]
    [InlineData("\"great firewall", 16, "expected '\"' to close the phrase opened at position 1")]
    [InlineData("title: VPN", 7, "expected a word, a \"phrase\" or \"(\" right after title:, found \"VPN\"")]
    [InlineData("titel:VPN", 1, "expected title:, summary:, source:, category: or lang: (put other words with \":\" in quotes), found \"titel:\"")]
    [InlineData("a ()", 4, "expected a word, a \"phrase\", \"(\" or NOT, found \")\"")]
    [InlineData("c*nsorship", 2, "expected a letter or digit (\"*\" may only end a word), found \"*\"")]
    [InlineData("a \"!!\"", 3, "expected a letter or digit inside the quotes, found \"\"!!\"\"")]
    [InlineData("", 1, "expected a word, a \"phrase\", \"(\" or NOT")]
    [InlineData("lang:", 6, "expected a word, a \"phrase\" or \"(\" right after lang:")]
    [InlineData("a (b (c OR d)", 14, "expected \")\"")]
    [InlineData("title:-VPN", 7, "expected a word, a \"phrase\" or \"(\" right after title:, found \"-\"")]
    public void TryParse_Malformed_IsAnErrorNamingThePositionAndWhatWasExpected(string text, int position, string message)
    {
        Assert.False(TopicQuery.TryParse(text, out var query, out var error));

        Assert.Null(query);
        Assert.Equal(position, error.Position);
        Assert.Equal($"position {position}: {message}", error.Message);
    }

    [Fact]
    public void TryFromKeywords_Keywords_AreAnOrOfPhrases()
    {
        Assert.Equal(-1, TopicQuery.TryFromKeywords(["censorship", "Great Firewall", "审查"], out var query));

        Assert.Equal("(OR censorship \"great firewall\" 审查)", query!.ToString());
        Assert.Equal("censorship OR \"Great Firewall\" OR 审查", query.Text);
    }

    [Fact]
    public void TryFromKeywords_KeywordWithoutLetters_ReturnsItsIndex() =>
        Assert.Equal(1, TopicQuery.TryFromKeywords(["censorship", "--"], out _));

    private static string Parse(string text)
    {
        Assert.True(TopicQuery.TryParse(text, out var query, out var error), error?.Message);
        return query.ToString();
    }
}
