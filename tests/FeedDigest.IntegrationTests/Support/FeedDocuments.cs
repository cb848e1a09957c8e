using System.Globalization;
using System.Security;
using System.Text;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>Builds small RSS 2.0 documents for tests.</summary>
public static class FeedDocuments
{
    /// <summary>Items all published at 10:00 UTC on 23 November 2026.</summary>
    public static string Rss(params (string Guid, string Title, string Description)[] items) =>
        RssPublished([.. items.Select(item => (item.Guid, item.Title, item.Description, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero)))]);

    public static string RssPublished(params (string Guid, string Title, string Description, DateTimeOffset Published)[] items)
    {
        var builder = new StringBuilder("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example/</link><description>test</description>
            """);
        foreach (var (guid, title, description, published) in items)
        {
            builder.Append(CultureInfo.InvariantCulture, $"""
                <item><guid isPermaLink="false">{guid}</guid><title>{SecurityElement.Escape(title)}</title>
                <link>https://wire.example/{guid}</link><pubDate>{published.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture)}</pubDate>
                <description>{SecurityElement.Escape(description)}</description></item>
                """);
        }

        return builder.Append("</channel></rss>").ToString();
    }
}
