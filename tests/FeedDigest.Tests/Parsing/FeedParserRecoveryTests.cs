using System.Diagnostics;
using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

/// <summary>Documents that are not well-formed, entities, and what must stay harmless.</summary>
public sealed class FeedParserRecoveryTests
{
    [Fact]
    public void Parse_AtomMissingItsLastBracket_ReadsEverythingAndReportsThePosition()
    {
        const string xml = """
            <feed xmlns="http://www.w3.org/2005/Atom">
              <link rel="alternate" href="http://domain/?a=1&amp;b=2" />
              <entry><title>Kept</title></entry>
            </feed
            """;

        var feed = Parse(xml);

        Assert.Equal(FeedFormat.Atom, feed.Format);
        Assert.Equal("http://domain/?a=1&b=2", feed.Link);
        Assert.Equal("Kept", Assert.Single(feed.Items).Title);
        Assert.True(feed.Bozo);
        Assert.StartsWith("line 4, column ", Assert.Single(feed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MismatchedAndStrayEndTags_CloseTheRightElements()
    {
        const string xml = """
            <rss version="2.0"><channel><title>Broken</title>
              <item><title>One</title><description>a<br>b</description></height></item>
              <item><title>Two</title></item>
            </channel></rss>
            """;

        var feed = Parse(xml);

        Assert.True(feed.Bozo);
        Assert.Equal("Broken", feed.Title);
        Assert.Equal(["One", "Two"], feed.Items.Select(i => i.Title));
    }

    [Fact]
    public void Parse_UndefinedEntitiesAndBareAmpersands_AreReadAsHtmlWouldReadThem()
    {
        const string xml = """
            <rss><channel><title>Fish & Chips &amp; more &lt;3 &copy; &bogus; &#1114112;</title></channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal("Fish & Chips & more <3 © &bogus; \uFFFD", feed.Title);
        Assert.True(feed.Bozo);
    }

    [Fact]
    public void Parse_ControlCharacterInTitle_IsDroppedAndIsBozo()
    {
        var feed = Parse("<rss version=\"2.0\"><channel><item><title>ab\u0008cd</title></item></channel></rss>");

        Assert.Equal("abcd", Assert.Single(feed.Items).Title);
        Assert.True(feed.Bozo);
    }

    [Fact]
    public void Parse_UndeclaredPrefix_IsResolvedByItsUsualName()
    {
        const string xml = """<rss version="2.0"><channel><item><dc:creator>Undeclared</dc:creator></item></channel></rss>""";

        var feed = Parse(xml);

        Assert.Equal("Undeclared", Assert.Single(feed.Items).Author);
        Assert.True(feed.Bozo);
    }

    [Fact]
    public void Parse_EntityDeclaredInInternalSubset_IsExpanded()
    {
        const string xml = """
            <!DOCTYPE rss [
              <!ENTITY id "tag:example.com,">
            ]>
            <rss version="2.0"><channel><item><guid isPermaLink="false">&id;2006-05-04:/blog/</guid></item></channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal("tag:example.com,2006-05-04:/blog/", Assert.Single(feed.Items).Id);
        Assert.False(feed.Bozo);
    }

    [Fact]
    public void Parse_BillionLaughs_IsRefusedQuicklyAndStaysSmall()
    {
        var declarations = new StringBuilder("<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            declarations.Append(CultureInvariant($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10)).Replace("&lol0;", "&lol;", StringComparison.Ordinal)}\">"));
        }

        var xml = $"<?xml version=\"1.0\"?><!DOCTYPE rss [{declarations}]><rss version=\"2.0\"><channel><title>&lol9;</title><item><title>Still here</title></item></channel></rss>";
        var stopwatch = Stopwatch.StartNew();

        var feed = Parse(xml);

        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        Assert.Equal("&lol9;", feed.Title);
        Assert.Equal("Still here", Assert.Single(feed.Items).Title);
        Assert.True(feed.Bozo);
        Assert.Contains(feed.Errors, e => e.Contains("entities were not expanded", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ManyDeclaredEntitiesEachAsLargeAsAllowed_AreRefusedWithinAFewMegabytes()
    {
        // Each entity stays under its own cap; thousands of them together would have taken gigabytes.
        var declarations = new StringBuilder(CultureInvariant($"<!ENTITY e0 \"{new string('x', InternalEntityExpander.MaxEntityLength - 100)}\">"));
        for (var i = 1; i <= 3_000; i++)
        {
            declarations.Append(CultureInvariant($"<!ENTITY e{i} \"&e0;\">"));
        }

        var xml = $"<!DOCTYPE rss [{declarations}]><rss version=\"2.0\"><channel><title>&e1;</title><item><title>Still here</title></item></channel></rss>";
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var feed = Parse(xml);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 64L << 20, $"allocated {allocated:N0} bytes");
        Assert.Equal("Still here", Assert.Single(feed.Items).Title);
        Assert.True(feed.Bozo);
        Assert.Contains(feed.Errors, e => e.Contains("expand to more than", StringComparison.Ordinal) && e.Contains("together", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_QuadraticBlowup_IsRefusedQuickly()
    {
        var big = new string('x', InternalEntityExpander.MaxEntityLength - 1);
        var references = string.Concat(Enumerable.Repeat("&big;", 10_000));
        var xml = $"<!DOCTYPE rss [<!ENTITY big \"{big}\">]><rss version=\"2.0\"><channel><title>{references}</title></channel></rss>";
        var stopwatch = Stopwatch.StartNew();

        var feed = Parse(xml);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        Assert.True(feed.Bozo);
        Assert.True(feed.Title!.Length < 100_000);
    }

    [Fact]
    public void Parse_ExternalEntityInInternalSubset_IsNeverFetchedAndExpandsToNothing()
    {
        const string xml = """
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "http://169.254.169.254/latest/meta-data/">]>
            <rss version="2.0"><channel><title>A&xxe;B&web;C</title></channel></rss>
            """;

        var feed = Parse(xml);

        Assert.Equal("ABC", feed.Title);
    }

    [Fact]
    public void Parse_TextBeforeTheXmlDeclaration_IsBozoButRead()
    {
        var feed = Parse("\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Late start</title></channel></rss>");

        Assert.Equal("Late start", feed.Title);
        Assert.True(feed.Bozo);
    }

    [Fact]
    public void Parse_InvalidUtf8InAFastPathCandidate_FallsBackToWindows1252()
    {
        var bytes = Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Caf\u00e9</title></channel></rss>");

        var feed = FeedParser.Parse(bytes);

        Assert.Equal("Café", feed.Title);
        Assert.True(feed.Bozo);
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static ParsedFeed Parse(string xml) => FeedParser.Parse(Encoding.UTF8.GetBytes(xml));
}
