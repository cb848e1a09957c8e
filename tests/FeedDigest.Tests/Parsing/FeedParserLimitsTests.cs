using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

/// <summary>
/// Documents built to cost a parser more than their size: deep nesting, many end tags that match nothing,
/// text in many pieces, endless processing instructions, thousands of attributes. Each must parse in
/// time linear in its size, without overflowing the stack, and keep the items around the hostile part.
/// The time limits are generous (the machine is shared: 5 s failed once with the load average near
/// 18 on 2 cores); the costs they guard against were quadratic (minutes at these sizes) or a stack
/// overflow.
/// </summary>
public sealed class FeedParserLimitsTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    private const string DepthError = "elements nested more than 256 levels deep";

    [Theory]
    [InlineData(20_000)]
    [InlineData(200_000)]
    public void Parse_DeepNestingInRssDescription_KeepsItemsAndTextReportsDepth(int depth)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n<item><title>first</title><description>")
            .Append(Repeat("<a>", depth)).Append("deep text").Append(Repeat("</a>", depth))
            .Append("</description></item><item><title>second</title></item></channel></rss>")
            .ToString();

        var feed = ParseTimed(xml);

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
        Assert.Contains("deep text", feed.Items[0].Summary, StringComparison.Ordinal);
        Assert.True(feed.Bozo);
        var error = Assert.Single(feed.Errors, e => e.Contains(DepthError, StringComparison.Ordinal));
        // rss, channel, item, description and 252 <a> fill the 256 levels: the 253rd <a> is the first too deep.
        Assert.StartsWith($"line 3, column {"<item><title>first</title><description>".Length + (252 * 3) + 1}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepXhtmlContentInAtom_KeepsEntries()
    {
        var xml = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>"
            + "<entry><id>urn:1</id><title>first</title><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
            + Repeat("<span>", 20_000) + "deep" + Repeat("</span>", 20_000)
            + "</div></content></entry><entry><id>urn:2</id><title>second</title></entry></feed>";

        var feed = ParseTimed(xml);

        Assert.Equal(FeedFormat.Atom, feed.Format);
        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
        Assert.Contains("deep", feed.Items[0].Content, StringComparison.Ordinal);
        Assert.Contains(feed.Errors, e => e.Contains(DepthError, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DeepNestingInModuleElement_KeepsItems()
    {
        // content:encoded and other captured module elements are read as trees on the Syndication path.
        var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>T</title>"
            + "<item><title>first</title><content:encoded>" + Repeat("<p>", 20_000) + "deep" + Repeat("</p>", 20_000) + "</content:encoded></item>"
            + "<item><title>second</title></item></channel></rss>";

        var feed = ParseTimed(xml);

        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
        Assert.Contains("deep", feed.Items[0].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingAtTheLimit_IsReadAsWellFormed()
    {
        // rss, channel, item, description and 252 elements: 256 levels.
        var atLimit = Parse(NestedDescription(252));
        var beyond = Parse(NestedDescription(253));

        Assert.False(atLimit.Bozo, string.Join("; ", atLimit.Errors));
        Assert.Contains(Repeat("<a>", 252), atLimit.Items[0].Summary, StringComparison.Ordinal);
        Assert.True(beyond.Bozo);
        Assert.Contains("x", beyond.Items[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RepeatedUnclosedItemsAndTitles_KeepsTheFirstItemAndTheText()
    {
        // <item><title> without end tags nest: the shape of a fuzz input that hung the parser (F4).
        var xml = "<rss version=\"2.0\"><channel><title>T</title>" + Repeat("<item><title>Regul", 100_000) + "</channel></rss>";

        var feed = ParseTimed(xml);

        Assert.True(feed.Bozo);
        var item = Assert.Single(feed.Items);
        Assert.StartsWith("Regul", item.Title, StringComparison.Ordinal);
        Assert.Contains(feed.Errors, e => e.Contains(DepthError, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ManyEndTagsMatchingNothing_AreIgnoredQuickly()
    {
        var xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>first</title><description>" + Repeat("<a>", 250)
            + Repeat("</b>", 500_000) + "text" + "</description></item><item><title>second</title></item></channel></rss>";

        var feed = ParseTimed(xml);

        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
    }

    [Fact]
    public void Parse_ElementsBeyondTheLimitCloseOnlyThemselves()
    {
        // End tags of ignored elements must not close the elements that hold them.
        var xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>first</title><description>" + Repeat("<item>", 300)
            + "inner" + Repeat("</item>", 300) + " after</description><link>https://x.example/1</link></item>"
            + "<item><title>second</title></item></channel></rss><oops>";

        var feed = ParseTimed(xml);

        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
        Assert.Equal("https://x.example/1", feed.Items[0].Link);
        Assert.Contains("inner", feed.Items[0].Summary, StringComparison.Ordinal);
        Assert.Contains("after", feed.Items[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextInManyPiecesInABrokenDocument_IsKeptWhole()
    {
        // Each stray '<' splits the text; XContainer copies its text on every addition.
        var xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>" + Repeat("a < b ", 300_000)
            + "</title></item><item><title>second</title></item></channel></rss><oops>";

        var feed = ParseTimed(xml);

        Assert.Equal(2, feed.Items.Count);
        Assert.Equal(Repeat("a < b ", 300_000).TrimEnd(), feed.Items[0].Title);
    }

    [Theory]
    [InlineData("<rss version=\"2.0\"><channel><title>T</title><item><title>x</title><category>{0}</category></item></channel></rss>")]
    [InlineData("<rss version=\"2.0\"><channel><title>T</title><item><title>x</title><description>{0}</description></item></channel></rss>")]
    [InlineData("<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>T</title><item><title>x</title><content:encoded><p>{0}</p></content:encoded></item></channel></rss>")]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><id>u</id><title>x</title><summary>{0}</summary></entry></feed>")]
    [InlineData("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel><title>T</title></channel><item><title>x</title><description>{0}</description></item></rdf:RDF>")]
    public void Parse_TextCutIntoManyNodesByComments_IsReadWhole(string template)
    {
        // The XML reader reports the text between comments as separate nodes; XmlReader.ReadString and
        // XContainer concatenate them one by one (quadratic). 200,000 pieces took minutes.
        var xml = "<?xml version=\"1.0\"?>" + string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Repeat("ab<!--c--><?pi x?>", 200_000));

        var feed = ParseTimed(xml);

        var item = Assert.Single(feed.Items);
        var text = string.Concat(item.Categories) + item.Summary + item.Content;
        Assert.Contains(Repeat("ab", 200_000), text, StringComparison.Ordinal);
        Assert.False(feed.Bozo, string.Join("; ", feed.Errors));
    }

    [Fact]
    public void Parse_TitleWithManyTagStartsAndNoTagEnd_IsText()
    {
        // Whether an RSS title is HTML is guessed from its tags: one search for '>' per '<' was quadratic.
        var title = Repeat("a <b ", 200_000);
        var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>"
            + System.Security.SecurityElement.Escape(title) + "</title></item></channel></rss>";

        var feed = ParseTimed(xml);

        Assert.Equal(title.TrimEnd(), Assert.Single(feed.Items).Title);
    }

    [Fact]
    public void Parse_DeclaredEntitiesAndManyAmpersandsWithoutSemicolons_AreReadQuickly()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY who \"Harbor Times\"><!ENTITY amps \"" + Repeat("&amp x ", 2_000) + "\">]>"
            + "<rss version=\"2.0\"><channel><title>&who;</title><item><title>x</title><description>" + Repeat("AT&T ", 300_000)
            + "</description></item></channel></rss>";

        var feed = ParseTimed(xml);

        Assert.Equal("Harbor Times", feed.Title);
        Assert.Single(feed.Items);
    }

    [Fact]
    public void Parse_ManyUnterminatedProcessingInstructions_AreSkippedQuickly()
    {
        var xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>first</title></item>" + Repeat("<?pi x>", 300_000)
            + "<item><title>second</title></item></channel></rss>";

        var feed = ParseTimed(xml);

        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
    }

    [Fact]
    public void Parse_ThousandsOfAttributesInABrokenDocument_KeepsTheFirst()
    {
        var attributes = string.Join(' ', Enumerable.Range(0, 5_000).Select(i => $"a{i}=\"v\""));
        var xml = "<rss version=\"2.0\"><channel><title>T</title>"
            + Repeat($"<item {attributes}><title>t</title><link href=\"https://x.example/\" {attributes}/></item>", 50)
            + "</channel></rss><oops>";

        var feed = ParseTimed(xml);

        Assert.Equal(50, feed.Items.Count);
        Assert.All(feed.Items, item => Assert.Equal("https://x.example/", item.Link));
    }

    [Theory]
    [InlineData("a{0}=\"v\"")]
    [InlineData("xmlns:n{0}=\"urn:n{0}\"")]
    public void Parse_LongDocumentWithACrowdedStartTag_IsReadLeniently(string attribute)
    {
        // System.Xml's reader is quadratic in one tag's attributes; a long document is screened first.
        var attributes = string.Join(' ', Enumerable.Range(0, 150_000).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, attribute, i)));
        var xml = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n<item " + attributes
            + "><title>first</title></item><item><title>second</title></item></channel></rss>";

        var feed = ParseTimed(xml);

        Assert.True(Encoding.UTF8.GetByteCount(xml) >= SafeXml.ScreenedLength);
        Assert.Equal(["first", "second"], feed.Items.Select(i => i.Title));
        Assert.True(feed.Bozo);
        Assert.StartsWith("line 3, column 1: an element with more than 1024 attributes", feed.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongBrokenDocument_ReportsTheReadersErrorAndKeepsItsItems()
    {
        // A long document is checked by one quick reader pass before Syndication or the tree builder read it.
        var xml = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n"
            + Repeat("<item><title>t</title><description>Some words about the story.</description></item>\n", 15_000)
            + "<item><title>broken & bare</title></item>\n</channel></rss>";

        var feed = ParseTimed(xml);

        Assert.Equal(15_001, feed.Items.Count);
        Assert.Equal("broken & bare", feed.Items[^1].Title);
        Assert.StartsWith("line 15003, column 22: ", Assert.Single(feed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ManyNamespaceDeclarationsNested_AreResolvedQuickly()
    {
        var declarations = string.Join(' ', Enumerable.Range(0, 2_000).Select(i => $"xmlns:n{i}=\"urn:n{i}\""));
        var xml = "<rss version=\"2.0\"><channel><title>T</title>" + Repeat($"<item {declarations}><title>t</title><n5:x>y</n5:x>", 100)
            + "</channel></rss>";

        var feed = ParseTimed(xml);

        Assert.True(feed.Bozo);
        Assert.NotEmpty(feed.Items);
    }

    [Fact]
    public void Parse_ItemsReadAsTheTreeIsBuilt_KeepOrderBasesAndUnclosedItems()
    {
        // The tolerant reader reads each item when it closes (ItemCollector): the channel's xml:base still
        // applies, items of two channels keep document order, an item the document never closes is read.
        const string xml = """
            <rss version="2.0" xml:base="https://base.example/feeds/">
              <channel xml:base="news/">
                <title>T</title>
                <item><title>one</title><link>1.html</link></item>
                <item/>
              </channel>
              <channel xml:base="https://other.example/">
                <item><title>three</title><link>3.html</link></item>
                <item><title>four</title><link>4.html</link>
            """;

        var feed = Parse(xml);

        Assert.True(feed.Bozo);
        Assert.Equal("T", feed.Title);
        Assert.Equal(["one", null, "three", "four"], feed.Items.Select(i => i.Title));
        Assert.Equal("https://base.example/feeds/news/1.html", feed.Items[0].Link);
        Assert.Equal("https://other.example/3.html", feed.Items[2].Link);
        Assert.Equal("https://other.example/4.html", feed.Items[3].Link);
    }

    [Fact]
    public void Parse_WellFormedRdf_ItemsReadAsTheTreeIsBuiltKeepTheRootBase()
    {
        const string xml = """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xml:base="https://rdf.example/a/">
              <channel rdf:about="https://rdf.example/"><title>R</title><link>https://rdf.example/</link></channel>
              <item rdf:about="https://rdf.example/1"><title>one</title><link>1.html</link></item>
              <item rdf:about="https://rdf.example/2"><title>two</title><link>/2.html</link></item>
            </rdf:RDF>
            """;

        var feed = Parse(xml);

        Assert.False(feed.Bozo, string.Join("; ", feed.Errors));
        Assert.Equal("R", feed.Title);
        Assert.Equal(["https://rdf.example/a/1.html", "https://rdf.example/2.html"], feed.Items.Select(i => i.Link));
        Assert.Equal(["https://rdf.example/1", "https://rdf.example/2"], feed.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData("<c><a:b xmlns:a=\"urn:a\"><a:i>x</a:i></a:b></c>")]
    [InlineData("<c xmlns:a=\"urn:a\"><a:b><a:i xmlns:a=\"urn:other\">x</a:i><a:j/></a:b></c>")]
    [InlineData("<c xmlns:a=\"urn:a\" xmlns:b=\"urn:a\"><b:x><a:y xmlns:b=\"urn:b\">t</a:y></b:x></c>")]
    [InlineData("<c xmlns=\"urn:d\"><x xmlns:p=\"urn:d\"><y>t</y></x><p:z xmlns:p=\"urn:d\"/></c>")]
    [InlineData("<c><x xml:lang=\"en\"><xml:y>t</xml:y><!-- note --><![CDATA[<b>]]>&amp;'\"</x></c>")]
    [InlineData("<c><p>one<br/>two</p><div><p>three</p></div><script>skip()</script><e></e></c>")]
    public void InnerMarkup_NamesElementsAsGetPrefixOfNamespaceDoes(string xml)
    {
        var root = XElement.Parse("<r xmlns:a=\"urn:outer\">" + xml + "</r>").Elements().First();

        Assert.Equal(ReferenceInnerMarkup(root), TextConstruct.InnerMarkup(root));
    }

    [Fact]
    public void Read_XhtmlAtTheDepthLimit_IsMarkupAndText()
    {
        var content = new XElement("content", new XAttribute("type", "xhtml"));
        var inner = content;
        for (var i = 0; i < 250; i++)
        {
            var child = new XElement(i % 2 == 0 ? "p" : "span");
            inner.Add(child);
            inner = child;
        }

        inner.Add("bottom");

        var value = TextConstruct.Read(content, TextKind.Xhtml);

        Assert.Equal("bottom", value.Plain);
        Assert.StartsWith("<p><span><p>", value.Html, StringComparison.Ordinal);
        Assert.EndsWith("bottom" + Repeat("</span></p>", 125), value.Html, StringComparison.Ordinal);
    }

    /// <summary>The markup as the recursive writer before the iterative one wrote it (GetPrefixOfNamespace per element).</summary>
    private static string ReferenceInnerMarkup(XElement element)
    {
        var builder = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            Append(node);
        }

        return builder.ToString();

        void Append(XNode node)
        {
            switch (node)
            {
                case XText text:
                    builder.Append(System.Net.WebUtility.HtmlEncode(text.Value).Replace("&#39;", "'", StringComparison.Ordinal).Replace("&quot;", "\"", StringComparison.Ordinal));
                    break;
                case XElement child:
                    var prefix = child.Name.Namespace == XNamespace.None ? null : child.GetPrefixOfNamespace(child.Name.Namespace);
                    var name = string.IsNullOrEmpty(prefix) ? child.Name.LocalName : prefix + ":" + child.Name.LocalName;
                    builder.Append('<').Append(name);
                    foreach (var attribute in child.Attributes().Where(a => !a.IsNamespaceDeclaration))
                    {
                        var attributeName = attribute.Name.Namespace == XNamespace.Xml ? "xml:" + attribute.Name.LocalName : attribute.Name.LocalName;
                        builder.Append(' ').Append(attributeName).Append("=\"").Append(System.Net.WebUtility.HtmlEncode(attribute.Value)).Append('"');
                    }

                    if (child.IsEmpty)
                    {
                        builder.Append(" />");
                        break;
                    }

                    builder.Append('>');
                    foreach (var grandchild in child.Nodes())
                    {
                        Append(grandchild);
                    }

                    builder.Append("</").Append(name).Append('>');
                    break;
            }
        }
    }

    private static string NestedDescription(int depth) =>
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>first</title><description>"
        + Repeat("<a>", depth) + "x" + Repeat("</a>", depth) + "</description></item></channel></rss>";

    private static string Repeat(string value, int count) => new StringBuilder(value.Length * count).Insert(0, value, count).ToString();

    private static ParsedFeed ParseTimed(string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        var stopwatch = Stopwatch.StartNew();
        var feed = FeedParser.Parse(bytes);
        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < Generous, $"{bytes.Length:N0} bytes took {stopwatch.Elapsed.TotalSeconds:F1} s");
        return feed;
    }

    private static ParsedFeed Parse(string xml) => FeedParser.Parse(Encoding.UTF8.GetBytes(xml));
}
