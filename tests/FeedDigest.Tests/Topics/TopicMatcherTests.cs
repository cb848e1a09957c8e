using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;

namespace FeedDigest.Tests.Topics;

public sealed class TopicMatcherTests
{
    [Theory]
    [InlineData("CENSORSHIP tightens", "censorship")]
    [InlineData("censorship tightens", "Censorship")]
    public void Contains_DifferentCase_Matches(string text, string keyword) =>
        Assert.True(TopicMatcher.Contains(text, keyword));

    [Theory]
    [InlineData("Café culture returns", "cafe")]
    [InlineData("Cafe culture returns", "café")]
    [InlineData("São Paulo floods", "Sao Paulo")]
    public void Contains_DifferentAccents_Matches(string text, string keyword) =>
        Assert.True(TopicMatcher.Contains(text, keyword));

    [Theory]
    [InlineData("A long article about trade", "art")]
    [InlineData("Smartphones sell well", "art")]
    [InlineData("Officials said so", "AI")]
    [InlineData("Great Firewalls of the world", "Great Firewall")]
    public void Contains_KeywordInsideALatinWord_DoesNotMatch(string text, string keyword) =>
        Assert.False(TopicMatcher.Contains(text, keyword));

    [Theory]
    [InlineData("Modern art, old masters", "art")]
    [InlineData("An article on art", "art")]
    [InlineData("(AI) regulation", "AI")]
    [InlineData("Art", "art")]
    public void Contains_KeywordAsWholeWord_Matches(string text, string keyword) =>
        Assert.True(TopicMatcher.Contains(text, keyword));

    [Theory]
    [InlineData("网络审查制度", "审查")]
    [InlineData("当局加强网络审查", "审查")]
    [InlineData("検閲が強化された", "検閲")]
    [InlineData("Beijing扩大审查范围", "审查")]
    public void Contains_CjkKeywordInsideText_Matches(string text, string keyword) =>
        Assert.True(TopicMatcher.Contains(text, keyword));

    [Fact]
    public void Contains_CjkKeywordAbsent_DoesNotMatch() =>
        Assert.False(TopicMatcher.Contains("网络安全法", "审查"));

    [Fact]
    public void Contains_MultiWordKeyword_MatchesThePhrase()
    {
        Assert.True(TopicMatcher.Contains("VPN sellers fined as great firewall enforcement tightens", "Great Firewall"));
        Assert.False(TopicMatcher.Contains("A great wall of fire", "Great Firewall"));
    }

    [Theory]
    [InlineData("", "art")]
    [InlineData("Modern art", "")]
    [InlineData("Modern art", "   ")]
    public void Contains_EmptyTextOrKeyword_DoesNotMatch(string text, string keyword) =>
        Assert.False(TopicMatcher.Contains(text, keyword));

    [Fact]
    public void Matches_KeywordOnlyInSummary_Matches()
    {
        var topic = new Topic("censorship", "Online censorship", ["Great Firewall", "审查"]);

        Assert.True(TopicMatcher.Matches(topic, Story("VPN sellers fined", "Shops sold VPNs to get around the Great Firewall.")));
        Assert.True(TopicMatcher.Matches(topic, Story("新法规出台", "当局加强网络审查。")));
    }

    [Fact]
    public void Matches_NoKeywordInTitleOrSummary_DoesNotMatch()
    {
        var topic = new Topic("censorship", "Online censorship", ["censorship", "Great Firewall"]);

        Assert.False(TopicMatcher.Matches(topic, Story("Shipping volumes rise", "Container throughput rose 4%.")));
    }

    private static StoredStory Story(string title, string summary) =>
        new(1, 1, "feed", title, "https://news.example/1", summary, null, [], null, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
}
