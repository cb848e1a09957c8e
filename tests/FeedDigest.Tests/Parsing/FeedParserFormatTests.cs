using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

/// <summary>Formats and vocabularies Syndication does not read, and what its object model loses.</summary>
public sealed class FeedParserFormatTests
{
    [Fact]
    public void Parse_Rss10Rdf_ReadsItemsBesideTheChannelWithDublinCore()
    {
        const string xml = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="http://rdf.example/"><title>RDF Wire</title><link>http://rdf.example/</link></channel>
              <item rdf:about="http://rdf.example/1">
                <title>First</title><link>http://rdf.example/1</link>
                <dc:date>2026-03-10T08:00:00+01:00</dc:date><dc:creator>Ann</dc:creator><dc:subject>Tides</dc:subject>
              </item>
            </rdf:RDF>
            """;

        var feed = Parse(xml);

        Assert.Equal(FeedFormat.Rdf, feed.Format);
        Assert.Equal("RDF Wire", feed.Title);
        Assert.Equal("http://rdf.example/", feed.Link);
        Assert.False(feed.Bozo);
        var item = Assert.Single(feed.Items);
        Assert.Equal("http://rdf.example/1", item.Id);
        Assert.Equal("First", item.Title);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 7, 0, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(item.Published, item.Updated);
        Assert.Equal("Ann", item.Author);
        Assert.Equal(["Tides"], item.Categories);
    }

    [Fact]
    public void Parse_Atom03_ReadsModifiedEscapedAndBase64Constructs()
    {
        const string xml = """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <title mode="escaped" type="text/html">Old &lt;b&gt;Atom&lt;/b&gt;</title>
              <link rel="alternate" type="text/html" href="http://old.example/"/>
              <entry>
                <title type="text/plain" mode="base64">RW50cnkgVGl0bGU=</title>
                <id>tag:old.example,2004:1</id>
                <issued>2004-01-01T10:00:00Z</issued>
                <modified>2004-01-02T10:00:00Z</modified>
                <author><name>Mark</name><email>mark@old.example</email></author>
              </entry>
            </feed>
            """;

        var feed = Parse(xml);

        Assert.Equal(FeedFormat.Atom, feed.Format);
        Assert.Equal("Old Atom", feed.Title);
        Assert.Equal("http://old.example/", feed.Link);
        var entry = Assert.Single(feed.Items);
        Assert.Equal("Entry Title", entry.Title);
        Assert.Equal("tag:old.example,2004:1", entry.Id);
        Assert.Equal(new DateTimeOffset(2004, 1, 1, 10, 0, 0, TimeSpan.Zero), entry.Published);
        Assert.Equal(new DateTimeOffset(2004, 1, 2, 10, 0, 0, TimeSpan.Zero), entry.Updated);
        Assert.Equal("Mark", entry.Author);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_RssInUserlandNamespaceWithPrefix_ReadsItems()
    {
        const string xml = """
            <r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2">
              <r:channel><r:title>Namespaced</r:title>
                <r:item><r:title>Inside</r:title><r:link>http://ns.example/1</r:link></r:item>
              </r:channel>
            </r:rss>
            """;

        var feed = Parse(xml);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Namespaced", feed.Title);
        var item = Assert.Single(feed.Items);
        Assert.Equal("Inside", item.Title);
        Assert.Equal("http://ns.example/1", item.Link);
    }

    [Fact]
    public void Parse_CoreElementInOtherCase_IsMatchedIgnoringCase()
    {
        const string xml = """<rss><channel><TiTlE>Shouting</TiTlE><item><TITLE>Loud</TITLE></item></channel></rss>""";

        var feed = Parse(xml);

        Assert.Equal("Shouting", feed.Title);
        Assert.Equal("Loud", Assert.Single(feed.Items).Title);
    }

    [Fact]
    public void Parse_ModuleFallbacksInRss20_FillTitleAuthorDatesAndCategories()
    {
        const string xml = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
              <channel>
                <dc:title>DC Channel</dc:title>
                <atom:link rel="alternate" href="http://mod.example/"/>
                <item><dc:title>DC Title</dc:title><dc:creator>Dee Creator</dc:creator><dc:date>2026-02-03T04:05:06Z</dc:date><dc:subject>One</dc:subject></item>
                <item><media:title>Media Title</media:title><itunes:author>Pod Person</itunes:author><itunes:keywords>a, b</itunes:keywords><itunes:category text="Tech"/><atom:category term="term" label="Label"/></item>
              </channel>
            </rss>
            """;

        var feed = Parse(xml);

        Assert.Equal("DC Channel", feed.Title);
        Assert.Equal("http://mod.example/", feed.Link);
        Assert.Equal(2, feed.Items.Count);
        Assert.Equal("DC Title", feed.Items[0].Title);
        Assert.Equal("Dee Creator", feed.Items[0].Author);
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero), feed.Items[0].Published);
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero), feed.Items[0].Updated);
        Assert.Equal(["One"], feed.Items[0].Categories);
        Assert.Equal("Media Title", feed.Items[1].Title);
        Assert.Equal("Pod Person", feed.Items[1].Author);
        Assert.Equal(["a", "b", "Tech", "term", "Label"], feed.Items[1].Categories);
    }

    [Fact]
    public void Parse_RssTitles_AreLiteralUnlessTheyHoldTags()
    {
        const string xml = """
            <rss version="2.0"><channel>
              <item><title><![CDATA[&lt;p&gt;Escaped twice&lt;/p&gt;]]></title></item>
              <item><title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more</title></item>
              <item><title>AT&amp;T &lt; Verizon</title></item>
            </channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal("&lt;p&gt;Escaped twice&lt;/p&gt;", feed.Items[0].Title);
        Assert.Equal("Bold & more", feed.Items[1].Title);
        Assert.Equal("AT&T < Verizon", feed.Items[2].Title);
    }

    [Fact]
    public void Parse_AtomTextConstructs_AreFlattenedByType()
    {
        const string xml = """
            <feed xmlns="http://www.w3.org/2005/Atom">
              <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>HTML</b> &amp; co</div></title></entry>
              <entry><title type="application/octet-stream">PHA+RW50cnk8L3A+</title></entry>
              <entry><title type="application/x-custom">test</title></entry>
              <entry><title type="html"><![CDATA[<img src="cat.jpg" alt="cat<br />dog">]]></title></entry>
            </feed>
            """;

        var feed = Parse(xml);

        Assert.Equal(["XHTML & co", "<p>Entry</p>", "test", ""], feed.Items.Select(i => i.Title));
    }

    [Fact]
    public void Parse_Links_AreKeptAsWrittenAndResolvedAgainstSafeXmlBase()
    {
        const string xml = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://base.example/feeds/">
              <link href="http://base.example"/>
              <entry xml:base="posts/"><link rel="alternate" href="one.html"/></entry>
              <entry xml:base="javascript:alert(1)"><link href="two.html"/></entry>
              <entry><link rel="enclosure" href="http://base.example/a.mp3"/><link rel="alternate" type="text/html" href="/three"/></entry>
            </feed>
            """;

        var feed = Parse(xml);

        Assert.Equal("http://base.example", feed.Link);
        Assert.Equal(
            ["http://base.example/feeds/posts/one.html", "http://base.example/feeds/two.html", "http://base.example/three"],
            feed.Items.Select(i => i.Link));
    }

    [Fact]
    public void Parse_RssLinks_LastLinkWinsAndPermalinkGuidStandsInForAMissingLink()
    {
        const string xml = """
            <rss version="2.0"><channel>
              <link>http://a.example</link><link href="http://c.example"/>
              <item><link>http://one.example</link><link>http://two.example</link></item>
              <item><guid>http://guid.example/permalink</guid></item>
              <item><guid isPermaLink="false">http://guid.example/not-a-link</guid></item>
            </channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal("http://c.example", feed.Link);
        Assert.Equal(["http://two.example", "http://guid.example/permalink", null], feed.Items.Select(i => i.Link));
        Assert.Equal("http://guid.example/not-a-link", feed.Items[2].Id);
    }

    [Fact]
    public void Parse_AtomFeedOfItemElements_ReadsThem()
    {
        const string xml = """
            <feed xmlns="http://www.w3.org/2005/Atom"><item><title>Misnamed entry</title></item></feed>
            """;

        var feed = Parse(xml);

        Assert.Equal("Misnamed entry", Assert.Single(feed.Items).Title);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_NakedMarkupInRssCategory_IsReadAsMarkupWithoutLosingItems()
    {
        // Syndication's ReadString stops inside <p> and falls out of step with the document without failing.
        const string xml = """
            <rss version="2.0"><channel>
              <item><category><p>One</p></category><category><p>Two</p></category><title>Kept</title></item>
              <item><title>Second</title></item>
            </channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal(["Kept", "Second"], feed.Items.Select(i => i.Title));
        Assert.Equal(["<p>One</p>", "<p>Two</p>"], feed.Items[0].Categories);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_AuthorWithEmail_GivesTheName()
    {
        const string xml = """
            <rss version="2.0"><channel>
              <item><author>jane@example.org (Jane Doe)</author></item>
              <item><author>jane@example.org</author></item>
            </channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal(["Jane Doe", "jane@example.org"], feed.Items.Select(i => i.Author));
    }

    [Fact]
    public void Parse_ItemWithOnlyPubDate_ReportsItAsUpdatedToo()
    {
        const string xml = """<rss version="2.0"><channel><item><pubDate>Sun, 06 Jul 2014 12:56:00 GMT</pubDate></item></channel></rss>""";

        var item = Assert.Single(Parse(xml).Items);

        Assert.Equal(new DateTimeOffset(2014, 7, 6, 12, 56, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(item.Published, item.Updated);
    }

    private static ParsedFeed Parse(string xml) => FeedParser.Parse(Encoding.UTF8.GetBytes(xml));
}
