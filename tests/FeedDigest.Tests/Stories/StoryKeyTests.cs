using FeedDigest.Core.Parsing;
using FeedDigest.Core.Stories;

namespace FeedDigest.Tests.Stories;

public sealed class StoryKeyTests
{
    private static readonly DateTimeOffset Published = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void For_ItemWithGuid_UsesTheGuidOverTheLink()
    {
        var item = new ParsedItem { Id = "  harbor-1001 ", Link = "https://harbor.example/news/1", Title = "Port reopens" };

        Assert.Equal("guid:harbor-1001", StoryKey.For(item));
    }

    [Fact]
    public void For_ItemWithoutGuid_UsesTheCanonicalLink()
    {
        var item = new ParsedItem { Id = "  ", Link = "http://Harbor.example/news/1?utm_source=rss#top", Title = "Port reopens" };

        Assert.Equal("link:https://harbor.example/news/1", StoryKey.For(item));
    }

    [Theory]
    [InlineData("https://harbor.example/news/1?utm_source=rss&utm_medium=feed")]
    [InlineData("https://harbor.example/news/1#comments")]
    [InlineData("http://harbor.example/news/1")]
    [InlineData("HTTP://HARBOR.EXAMPLE:80/news/1?fbclid=abc#x")]
    public void For_LinksDifferingOnlyInTrackingFragmentOrScheme_GiveTheSameKey(string link)
    {
        var plain = new ParsedItem { Link = "https://harbor.example/news/1", Title = "A" };
        var decorated = new ParsedItem { Link = link, Title = "B" };

        Assert.Equal(StoryKey.For(plain), StoryKey.For(decorated));
    }

    [Fact]
    public void For_LinksToDifferentStories_GiveDifferentKeys() =>
        Assert.NotEqual(
            StoryKey.For(new ParsedItem { Link = "https://harbor.example/news/1" }),
            StoryKey.For(new ParsedItem { Link = "https://harbor.example/news/2" }));

    [Fact]
    public void For_NoGuidNoLink_HashesTitleAndDateStably()
    {
        var first = new ParsedItem { Title = "Port reopens", Published = Published, Summary = "<p>The port reopened.</p>" };
        var again = new ParsedItem { Title = "Port  reopens", Published = Published.ToOffset(TimeSpan.FromHours(8)), Summary = "The port reopened." };

        var key = StoryKey.For(first);

        Assert.Matches("^hash:[0-9a-f]{64}$", key);
        Assert.Equal(key, StoryKey.For(first));
        Assert.Equal(key, StoryKey.For(again));
    }

    [Fact]
    public void For_NoGuidNoLink_DifferentTitlesGiveDifferentKeys() =>
        Assert.NotEqual(
            StoryKey.For(new ParsedItem { Title = "Port reopens", Published = Published }),
            StoryKey.For(new ParsedItem { Title = "Port closes", Published = Published }));

    [Fact]
    public void For_NoGuidNoLink_DifferentDatesGiveDifferentKeys() =>
        Assert.NotEqual(
            StoryKey.For(new ParsedItem { Title = "Daily briefing", Published = Published }),
            StoryKey.For(new ParsedItem { Title = "Daily briefing", Published = Published.AddDays(1) }));
}
