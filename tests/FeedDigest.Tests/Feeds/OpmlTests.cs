using FeedDigest.Core.Feeds;

namespace FeedDigest.Tests.Feeds;

public sealed class OpmlTests
{
    [Fact]
    public void Write_ThenRead_GivesBackTitlesUrlsAndTags()
    {
        var feeds = new[]
        {
            new Feed("wire", new Uri("https://wire.example/feed.xml"), "Wire & Co", ["china", "news"], null),
            new Feed("blog", new Uri("https://blog.example/atom"), null, [], null),
        };

        var problems = new List<string>();
        var entries = Opml.Read(Opml.Write(feeds, "mine"), problems);

        Assert.Empty(problems);
        Assert.Equal(2, entries.Count);
        Assert.Equal(new Uri("https://wire.example/feed.xml"), entries[0].XmlUrl);
        Assert.Equal("Wire & Co", entries[0].Title);
        Assert.Equal(["china", "news"], entries[0].Categories);
        Assert.Equal("blog", entries[1].Title);
    }

    [Fact]
    public void Read_NestedFolders_BecomeCategoriesAndBadUrlsAreReported()
    {
        var problems = new List<string>();

        var entries = Opml.Read("""
            <?xml version="1.0"?>
            <opml version="1.0"><head/><body>
              <outline text="China">
                <outline text="CDT" type="rss" xmlUrl="https://chinadigitaltimes.example/feed/" htmlUrl="https://chinadigitaltimes.example/"/>
                <outline text="Broken" type="rss" xmlUrl="javascript:alert(1)"/>
              </outline>
              <outline TEXT="Loose" XMLURL="http://loose.example/rss"/>
            </body></opml>
            """, problems);

        Assert.Equal(2, entries.Count);
        Assert.Equal(["China"], entries[0].Categories);
        Assert.Equal(new Uri("https://chinadigitaltimes.example/"), entries[0].HtmlUrl);
        Assert.Equal(new Uri("http://loose.example/rss"), entries[1].XmlUrl);
        Assert.Equal("line 5: \"javascript:alert(1)\" is not an http(s) feed URL; skipped", Assert.Single(problems));
    }

    [Fact]
    public void Read_NotXml_ReportsLineAndColumn()
    {
        var problems = new List<string>();

        Assert.Empty(Opml.Read("<opml><body>", problems));

        Assert.StartsWith("line 1, column ", Assert.Single(problems), StringComparison.Ordinal);
    }
}
