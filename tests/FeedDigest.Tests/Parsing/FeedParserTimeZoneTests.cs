using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Tests.Parsing;

/// <summary>A feed's TimeZone reaches its dates that name none, on every reading path.</summary>
public sealed class FeedParserTimeZoneTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset TenBeijing = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Documents => new()
    {
        { "RSS", "<rss version=\"2.0\"><channel><title>Xinhua</title><item><title>A</title><link>https://x.example/a</link><pubDate>2026-11-28 10:00:00</pubDate></item></channel></rss>" },
        { "Atom", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Xinhua</title><id>x</id><updated>2026-11-28T10:00:00</updated><entry><title>A</title><id>a</id><link href=\"https://x.example/a\"/><published>2026-11-28T10:00:00</published><updated>2026-11-28T10:00:00</updated></entry></feed>" },
        // Broken XML (an unclosed element), read by the tolerant reader.
        { "broken RSS", "<rss version=\"2.0\"><channel><title>Xinhua</title><item><title>A<b></title><link>https://x.example/a</link><pubDate>2026-11-28 10:00:00</pubDate></item></channel></rss>" },
        { "RSS 1.0", "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel rdf:about=\"x\"><title>Xinhua</title></channel><item rdf:about=\"https://x.example/a\"><title>A</title><link>https://x.example/a</link><dc:date>2026-11-28T10:00:00</dc:date></item></rdf:RDF>" },
        { "JSON Feed", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Xinhua\",\"items\":[{\"id\":\"a\",\"url\":\"https://x.example/a\",\"title\":\"A\",\"date_published\":\"2026-11-28T10:00:00\"}]}" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void DateNamingNoZone_IsInTheFeedsZone_AndUtcWithoutOne(string kind, string document)
    {
        var body = Encoding.UTF8.GetBytes(document);

        var inZone = FeedParser.Parse(body, zoneOfDates: Shanghai);
        var withoutZone = FeedParser.Parse(body);

        var beijing = Assert.Single(inZone.Items).Published;
        var utc = Assert.Single(withoutZone.Items).Published;
        Assert.True(beijing == TenBeijing, $"{kind} in the feed's zone: {beijing:o}");
        Assert.True(utc == TenBeijing.AddHours(8), $"{kind} without a zone: {utc:o}");
    }
}
