using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

/// <summary>
/// <see cref="ParsedFeed.TimeToLive"/>: RSS &lt;ttl&gt; and the syndication module, read alike by the
/// Syndication-based reader (RSS 2.0) and the tolerant reader (RSS 0.91, RDF, broken documents).
/// </summary>
public sealed class FeedParserTimeToLiveTests
{
    private const string SyNamespace = "http://purl.org/rss/1.0/modules/syndication/";

    [Theory]
    [InlineData("60", 60)]
    [InlineData(" 15\n", 15)]
    [InlineData("1", 1)]
    [InlineData("10080", 10080)]
    public void Parse_RssTtl_IsMinutes(string ttl, int minutes)
    {
        foreach (var (path, xml) in RssVariants($"<ttl>{ttl}</ttl>"))
        {
            Assert.True(TimeSpan.FromMinutes(minutes) == Parse(xml).TimeToLive, path);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("sixty")]
    [InlineData("60.5")]
    [InlineData("1e3")]
    [InlineData("60 minutes")]
    public void Parse_RssTtlNotAPositiveWholeNumber_IsNull(string ttl)
    {
        foreach (var (path, xml) in RssVariants($"<ttl>{ttl}</ttl>"))
        {
            var feed = Parse(xml);
            Assert.True(feed.TimeToLive is null, $"{path}: {feed.TimeToLive}");
            Assert.True(feed.Items.Count == 1, path);
        }
    }

    [Theory]
    [InlineData("10081")]
    [InlineData("525600")]
    [InlineData("2147483648")]
    [InlineData("99999999999999999999999999")]
    public void Parse_RssTtlOverSevenDays_IsClampedToSevenDays(string ttl)
    {
        foreach (var (path, xml) in RssVariants($"<ttl>{ttl}</ttl>"))
        {
            Assert.True(TimeSpan.FromDays(7) == Parse(xml).TimeToLive, path);
        }
    }

    [Fact]
    public void Parse_NoTtl_IsNull()
    {
        foreach (var (path, xml) in RssVariants(string.Empty))
        {
            Assert.True(Parse(xml).TimeToLive is null, path);
        }
    }

    [Fact]
    public void Parse_UnreadableTtlThenReadableOne_ReadableOneCounts()
    {
        foreach (var (path, xml) in RssVariants("<ttl>soon</ttl><ttl>30</ttl>"))
        {
            Assert.True(TimeSpan.FromMinutes(30) == Parse(xml).TimeToLive, path);
        }
    }

    [Theory]
    [InlineData("hourly", "1", 60)]
    [InlineData("\n\thourly\t", "\n\t1\t", 60)]
    [InlineData("Hourly", "2", 30)]
    [InlineData("daily", "4", 360)]
    [InlineData("weekly", "1", 10080)]
    [InlineData("weekly", "7", 1440)]
    [InlineData("monthly", "30", 1440)]
    [InlineData("yearly", "1", 10080)]
    [InlineData("hourly", "1000000", 1)]
    [InlineData(null, "2", 720)]
    [InlineData("hourly", null, 60)]
    public void Parse_SyndicationModule_IsPeriodDividedByFrequency(string? period, string? frequency, int minutes)
    {
        var elements = (period is null ? string.Empty : $"<sy:updatePeriod>{period}</sy:updatePeriod>")
            + (frequency is null ? string.Empty : $"<sy:updateFrequency>{frequency}</sy:updateFrequency>");
        foreach (var (path, xml) in RssVariants(elements))
        {
            Assert.True(TimeSpan.FromMinutes(minutes) == Parse(xml).TimeToLive, path);
        }
    }

    [Theory]
    [InlineData("fortnightly", "1")]
    [InlineData("daily", "0")]
    [InlineData("daily", "-1")]
    [InlineData("daily", "twice")]
    public void Parse_SyndicationModuleUnreadable_IsNull(string period, string frequency)
    {
        foreach (var (path, xml) in RssVariants($"<sy:updatePeriod>{period}</sy:updatePeriod><sy:updateFrequency>{frequency}</sy:updateFrequency>"))
        {
            Assert.True(Parse(xml).TimeToLive is null, path);
        }
    }

    [Fact]
    public void Parse_TtlAndSyndicationModule_TtlWins()
    {
        foreach (var (path, xml) in RssVariants("<sy:updatePeriod>daily</sy:updatePeriod><ttl>45</ttl>"))
        {
            Assert.True(TimeSpan.FromMinutes(45) == Parse(xml).TimeToLive, path);
        }
    }

    [Fact]
    public void Parse_UnreadableTtlAndSyndicationModule_ModuleCounts()
    {
        foreach (var (path, xml) in RssVariants("<ttl>never</ttl><sy:updatePeriod>hourly</sy:updatePeriod>"))
        {
            Assert.True(TimeSpan.FromHours(1) == Parse(xml).TimeToLive, path);
        }
    }

    [Fact]
    public void Parse_RdfWithSyndicationModule_ReadsIt()
    {
        var xml = $"""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:sy="{SyNamespace}">
              <channel rdf:about="https://rdf.example/">
                <title>RDF</title>
                <link>https://rdf.example/</link>
                <sy:updatePeriod>hourly</sy:updatePeriod>
                <sy:updateFrequency>4</sy:updateFrequency>
              </channel>
              <item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link></item>
            </rdf:RDF>
            """;

        var feed = Parse(xml);

        Assert.Equal(FeedFormat.Rdf, feed.Format);
        Assert.Equal(TimeSpan.FromMinutes(15), feed.TimeToLive);
    }

    [Fact]
    public void Parse_TtlInsideItem_IsNotTheFeeds()
    {
        foreach (var (path, xml) in RssVariants(string.Empty, itemExtra: "<ttl>60</ttl>"))
        {
            Assert.True(Parse(xml).TimeToLive is null, path);
        }
    }

    [Theory]
    [InlineData("<ttl>20</ttl>", 20)]
    [InlineData("<ttl>soon</ttl><sy:updatePeriod>hourly</sy:updatePeriod>", 60)]
    public void SyndicationReader_ReadsTtlItself(string channelExtra, int minutes)
    {
        // The Syndication-based reader takes these documents itself (it does not hand them to the tolerant reader).
        var xml = RssVariants(channelExtra).First().Xml;

        var feed = SyndicationDocumentReader.TryRead(xml, FeedFormat.Rss, null, []);

        Assert.NotNull(feed);
        Assert.Equal(TimeSpan.FromMinutes(minutes), feed.TimeToLive);
    }

    [Fact]
    public void Parse_JsonFeed_HasNoTimeToLive()
    {
        var feed = Parse("""{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","content_text":"x"}]}""");

        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.Null(feed.TimeToLive);
    }

    /// <summary>
    /// The same channel read by each path: RSS 2.0 (Syndication), RSS 0.91 (relabelled for Syndication),
    /// RSS without a version and a broken RSS 2.0 document (tolerant reader).
    /// </summary>
    private static IEnumerable<(string Path, string Xml)> RssVariants(string channelExtra, string itemExtra = "")
    {
        var body = $"""
            <channel>
              <title>T</title>
              <link>https://ttl.example/</link>
              <description>D</description>
              {channelExtra}
              <item><title>One</title><link>https://ttl.example/1</link>{itemExtra}</item>
            </channel>
            """;
        yield return ("rss 2.0", $"""<?xml version="1.0"?><rss version="2.0" xmlns:sy="{SyNamespace}">{body}</rss>""");
        yield return ("rss 0.91", $"""<?xml version="1.0"?><rss version="0.91" xmlns:sy="{SyNamespace}">{body}</rss>""");
        yield return ("rss without version", $"""<?xml version="1.0"?><rss xmlns:sy="{SyNamespace}">{body}</rss>""");
        yield return ("broken rss 2.0", $"""<?xml version="1.0"?><rss version="2.0" xmlns:sy="{SyNamespace}">{body}</rss><stray>""");
        yield return ("broken rss, sy undeclared", $"""<?xml version="1.0"?><rss version="2.0">{body}</rss><stray>""");
    }

    private static ParsedFeed Parse(string xml) => FeedParser.Parse(Encoding.UTF8.GetBytes(xml));
}
