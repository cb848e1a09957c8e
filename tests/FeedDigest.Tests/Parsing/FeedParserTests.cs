using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

public sealed class FeedParserTests
{
    private static readonly Uri HarborFeedUri = new("https://harbor.example/feeds/world.xml");

    static FeedParserTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    [Fact]
    public void Parse_Rss20_ReadsChannelAndItems()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
              <channel>
                <title>Harbor Times</title>
                <link>https://harbor.example/</link>
                <description>News from the harbor</description>
                <item>
                  <title>Port reopens after storm</title>
                  <link>https://harbor.example/news/port-reopens</link>
                  <guid isPermaLink="false">harbor-1001</guid>
                  <pubDate>Tue, 10 Mar 2026 08:30:00 +0800</pubDate>
                  <dc:creator>Li Wei</dc:creator>
                  <description>The port reopened on Tuesday.</description>
                  <content:encoded><![CDATA[<p>The port <b>reopened</b> on Tuesday.</p>]]></content:encoded>
                  <category>Shipping</category>
                  <category>Weather</category>
                </item>
                <item>
                  <title>Ferry timetable changes</title>
                  <link>/news/ferry-timetable</link>
                  <guid>https://harbor.example/news/ferry-timetable</guid>
                  <pubDate>Mon, 09 Mar 2026 23:15:00 GMT</pubDate>
                </item>
              </channel>
            </rss>
            """;

        var feed = Parse(xml, HarborFeedUri);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Harbor Times", feed.Title);
        Assert.Equal("https://harbor.example/", feed.Link);
        Assert.False(feed.Bozo);
        Assert.Empty(feed.Errors);
        Assert.Equal(2, feed.Items.Count);

        var first = feed.Items[0];
        Assert.Equal("harbor-1001", first.Id);
        Assert.Equal("Port reopens after storm", first.Title);
        Assert.Equal("https://harbor.example/news/port-reopens", first.Link);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 30, 0, TimeSpan.Zero), first.Published);
        Assert.Equal(TimeSpan.Zero, first.Published!.Value.Offset);
        Assert.Equal("Li Wei", first.Author);
        Assert.Equal("The port reopened on Tuesday.", first.Summary);
        Assert.Equal("<p>The port <b>reopened</b> on Tuesday.</p>", first.Content);
        Assert.Equal(["Shipping", "Weather"], first.Categories);

        var second = feed.Items[1];
        Assert.Equal("https://harbor.example/news/ferry-timetable", second.Id);
        Assert.Equal("https://harbor.example/news/ferry-timetable", second.Link);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 23, 15, 0, TimeSpan.Zero), second.Published);
        Assert.Null(second.Author);
        Assert.Empty(second.Categories);
    }

    [Fact]
    public void Parse_Atom10WithXmlBase_ResolvesRelativeLinksAndFlattensHtmlTitles()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://north.example/blog/">
              <title type="html">North &lt;b&gt;Wire&lt;/b&gt;</title>
              <link rel="alternate" href="index.html"/>
              <link rel="self" href="feed.atom"/>
              <id>tag:north.example,2026:blog</id>
              <updated>2026-03-10T08:00:00Z</updated>
              <entry xml:base="posts/">
                <title type="html">Rates &lt;em&gt;rise&lt;/em&gt; &amp;amp; markets fall</title>
                <link rel="alternate" href="rates.html"/>
                <id>tag:north.example,2026:rates</id>
                <published>2026-03-10T09:00:00+01:00</published>
                <updated>2026-03-10T10:00:00+01:00</updated>
                <author><name>Ana Lima</name></author>
                <category term="Markets"/>
                <summary type="html">&lt;p&gt;Central bank moves.&lt;/p&gt;</summary>
              </entry>
            </feed>
            """;

        var feed = Parse(xml, new Uri("https://cdn.example/mirror/feed.atom"));

        Assert.Equal(FeedFormat.Atom, feed.Format);
        Assert.Equal("North Wire", feed.Title);
        Assert.Equal("https://north.example/blog/index.html", feed.Link);
        Assert.False(feed.Bozo);
        var entry = Assert.Single(feed.Items);
        Assert.Equal("tag:north.example,2026:rates", entry.Id);
        Assert.Equal("Rates rise & markets fall", entry.Title);
        Assert.Equal("https://north.example/blog/posts/rates.html", entry.Link);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero), entry.Published);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero), entry.Updated);
        Assert.Equal("Ana Lima", entry.Author);
        Assert.Equal("<p>Central bank moves.</p>", entry.Summary);
        Assert.Equal(["Markets"], entry.Categories);
    }

    [Fact]
    public void Parse_ItemWithNonNumericEnclosureLength_KeepsEveryItem()
    {
        // Syndication refuses the item; the tolerant reader then reads the whole (well-formed) document.
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0">
              <channel>
                <title>Harbor Times</title>
                <link>https://harbor.example/</link>
                <description>News</description>
                <item>
                  <title>Good one</title>
                  <guid>good-1</guid>
                </item>
                <item>
                  <title>Broken podcast</title>
                  <guid>broken-2</guid>
                  <enclosure url="https://harbor.example/a.mp3" length="about ten megabytes" type="audio/mpeg"/>
                </item>
                <item>
                  <title>Good two</title>
                  <guid>good-3</guid>
                </item>
              </channel>
            </rss>
            """;

        var feed = Parse(xml, HarborFeedUri);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Harbor Times", feed.Title);
        Assert.Equal(["good-1", "broken-2", "good-3"], feed.Items.Select(i => i.Id));
        Assert.Equal("Broken podcast", feed.Items[1].Title);
        Assert.False(feed.Bozo);
        Assert.Empty(feed.Errors);
    }

    [Fact]
    public void Parse_UndeclaredHtmlEntities_ReadsThemAsCharactersAndIsBozo()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0">
              <channel>
                <title>Caf&eacute; Society</title>
                <link>https://cafe.example/</link>
                <description>d</description>
                <item>
                  <title>Cr&egrave;me&nbsp;br&ucirc;l&eacute;e &mdash; a history</title>
                  <guid>cafe-1</guid>
                  <description>Fish &amp; chips&hellip;</description>
                </item>
              </channel>
            </rss>
            """;

        var feed = Parse(xml, null);

        Assert.Equal("Café Society", feed.Title);
        var item = Assert.Single(feed.Items);
        Assert.Equal("Crème\u00A0brûlée — a history", item.Title);
        Assert.Equal("Fish & chips…", item.Summary);
        Assert.True(feed.Bozo);
        Assert.Contains(feed.Errors, e => e.StartsWith("line 4, column ", StringComparison.Ordinal) && e.Contains("eacute", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Gb2312Document_DecodesChineseTitle()
    {
        const string xml = """
            <?xml version="1.0" encoding="gb2312"?>
            <rss version="2.0">
              <channel>
                <title>新闻快讯</title>
                <link>https://xinwen.example/</link>
                <description>中文新闻</description>
                <item><title>网络审查制度加强</title><guid>xw-1</guid></item>
              </channel>
            </rss>
            """;

        var feed = FeedParser.Parse(Encoding.GetEncoding("gb2312").GetBytes(xml));

        Assert.Equal("新闻快讯", feed.Title);
        Assert.Equal("网络审查制度加强", Assert.Single(feed.Items).Title);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_Gb18030CharactersInDocumentLabelledGb2312_DecodesThem()
    {
        // 镕 (U+9555) is in GBK/GB18030 but not in GB2312; feeds labelled gb2312 carry such characters.
        const string xml = """
            <?xml version="1.0" encoding="GB2312"?>
            <rss version="2.0"><channel><title>朱镕基访谈</title><link>https://xinwen.example/</link><description>d</description></channel></rss>
            """;

        var feed = FeedParser.Parse(Encoding.GetEncoding("GB18030").GetBytes(xml));

        Assert.Equal("朱镕基访谈", feed.Title);
    }

    [Fact]
    public void Parse_CharsetFromContentType_WinsOverXmlDeclaration()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>新闻快讯</title><link>https://xinwen.example/</link><description>d</description></channel></rss>
            """;

        var feed = FeedParser.Parse(Encoding.GetEncoding("GB18030").GetBytes(xml), declaredCharset: "gbk");

        Assert.Equal("新闻快讯", feed.Title);
    }

    [Fact]
    public void Parse_Latin1BytesInDocumentDeclaredUtf8_ReadsThemAsWindows1252AndIsBozo()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Café crème</title><link>https://cafe.example/</link><description>d</description>
            <item><title>Señor Ñandú</title><guid>c-1</guid></item></channel></rss>
            """;
        var bytes = Encoding.Latin1.GetBytes(xml);

        var feed = FeedParser.Parse(bytes);

        Assert.Equal("Café crème", feed.Title);
        Assert.Equal("Señor Ñandú", Assert.Single(feed.Items).Title);
        Assert.True(feed.Bozo);
        Assert.Contains(feed.Errors, e => e.Contains("not valid UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ExternalEntity_NeverReadsTheReferencedFile()
    {
        var directory = Directory.CreateTempSubdirectory("feeddigest-xxe-");
        try
        {
            var secretPath = Path.Combine(directory.FullName, "secret.txt");
            const string secret = "TOP-SECRET-7f3a9c";
            File.WriteAllText(secretPath, secret);
            var fileUri = new Uri(secretPath).AbsoluteUri;
            var xml = $"""
                <?xml version="1.0" encoding="utf-8"?>
                <!DOCTYPE rss [<!ENTITY xxe SYSTEM "{fileUri}"><!ENTITY passwd SYSTEM "file:///etc/passwd">]>
                <rss version="2.0">
                  <channel>
                    <title>Feed &xxe;</title>
                    <link>https://evil.example/</link>
                    <description>&passwd;</description>
                    <item><title>&xxe;</title><description>&passwd;</description><guid>e-1</guid></item>
                  </channel>
                </rss>
                """;

            var feed = Parse(xml, null);

            var everything = string.Join(
                "\n",
                new[] { feed.Title, feed.Link }
                    .Concat(feed.Items.SelectMany(i => new[] { i.Id, i.Title, i.Link, i.Summary, i.Content, i.Author }))
                    .Concat(feed.Errors));
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain("root:", everything, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parse_Rss091WithDoctype_IsReadAsRss()
    {
        const string xml = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91">
              <channel>
                <title>Old School News</title>
                <link>http://old.example/</link>
                <description>Since 1999</description>
                <language>en-us</language>
                <item>
                  <title>First post</title>
                  <link>http://old.example/1.html</link>
                  <description>Hello, web.</description>
                </item>
              </channel>
            </rss>
            """;

        var feed = FeedParser.Parse(Encoding.Latin1.GetBytes(xml));

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Old School News", feed.Title);
        Assert.Equal("http://old.example/", feed.Link);
        var item = Assert.Single(feed.Items);
        Assert.Equal("First post", item.Title);
        Assert.Equal("http://old.example/1.html", item.Link);
        Assert.Equal("Hello, web.", item.Summary);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_RssWithoutVersion_IsReadAndIsNotBozo()
    {
        const string xml = """
            <rss><channel><title>No version</title><link>https://nv.example/</link><description>d</description>
            <item><title>One</title><guid>nv-1</guid></item></channel></rss>
            """;

        var feed = Parse(xml, null);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("No version", feed.Title);
        Assert.Equal("nv-1", Assert.Single(feed.Items).Id);
        // A missing version is no fault in the XML: feedparser reads such documents as RSS without complaint.
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_HtmlPage_GivesUnknownFormatAndBozo()
    {
        const string xml = """
            <html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>
            """;

        var feed = Parse(xml, null);

        Assert.Equal(FeedFormat.Unknown, feed.Format);
        Assert.Null(feed.Title);
        Assert.Empty(feed.Items);
        Assert.True(feed.Bozo);
        var error = Assert.Single(feed.Errors);
        Assert.Contains("<html>", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    public void Parse_EmptyInput_GivesBozoWithError(string text)
    {
        var feed = FeedParser.Parse(Encoding.UTF8.GetBytes(text));

        Assert.Equal(FeedFormat.Unknown, feed.Format);
        Assert.Empty(feed.Items);
        Assert.True(feed.Bozo);
        Assert.Equal(["line 1, column 1: the document is empty"], feed.Errors);
    }

    [Fact]
    public void Parse_DocumentTruncatedMidItem_KeepsTheItemsReadBeforeTheBreakAndTheCutItem()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0">
              <channel>
                <title>Cut short</title>
                <link>https://cut.example/</link>
                <description>d</description>
                <item><title>Complete</title><guid>cut-1</guid></item>
                <item><title>Incompl
            """;

        var feed = Parse(xml, null);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal(2, feed.Items.Count);
        Assert.Equal("cut-1", feed.Items[0].Id);
        Assert.Equal("Incompl", feed.Items[1].Title);
        Assert.True(feed.Bozo);
        Assert.StartsWith("line 8, column ", Assert.Single(feed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Utf8BytesDeclaredUtf16_ReadsTheDocument()
    {
        // .NET's XmlWriter over a StringWriter writes encoding="utf-16"; such feeds are then served as UTF-8.
        // Without a BOM, bytes that start "<?xml" are ASCII-compatible, so a UTF-16 label cannot be true
        // (XML 1.0 appendix F) and must be ignored.
        const string xml = """
            <?xml version="1.0" encoding="utf-16"?>
            <rss version="2.0"><channel><title>Sixteen Wire</title><link>https://sixteen.example/</link><description>d</description>
            <item><title>First</title><guid>s-1</guid></item></channel></rss>
            """;

        var feed = Parse(xml, null);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Sixteen Wire", feed.Title);
        Assert.Equal("s-1", Assert.Single(feed.Items).Id);
    }

    [Fact]
    public void Parse_HtmlEntitiesInsideCdata_AreLeftAloneAndTheDocumentIsNotBozo()
    {
        // Inside CDATA an entity is just text; the document is well-formed XML.
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Valid</title><link>https://valid.example/</link><description>d</description>
            <item><title>One</title><guid>v-1</guid><description><![CDATA[<p>Caf&eacute;&nbsp;culture</p>]]></description></item>
            </channel></rss>
            """;

        var feed = Parse(xml, null);

        Assert.Equal("<p>Caf&eacute;&nbsp;culture</p>", Assert.Single(feed.Items).Summary);
        Assert.False(feed.Bozo);
        Assert.Empty(feed.Errors);
    }

    [Fact]
    public void Parse_UnparseableAbsoluteLink_IsDroppedRatherThanRewrittenOntoTheFeedHost()
    {
        const string xml = """
            <rss version="2.0"><channel><title>T</title><link>https://harbor.example/</link><description>d</description>
            <item><title>Bad host</title><guid isPermaLink="false">b-1</guid><link>http://exa mple.com/story</link></item>
            </channel></rss>
            """;

        var item = Assert.Single(Parse(xml, HarborFeedUri).Items);

        Assert.Null(item.Link);
    }

    private static ParsedFeed Parse(string xml, Uri? documentUri) =>
        FeedParser.Parse(Encoding.UTF8.GetBytes(xml), documentUri);
}
