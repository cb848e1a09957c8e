using System.Globalization;
using System.Security;
using System.Text;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>Builds small RSS 2.0 documents for tests.</summary>
public static class FeedDocuments
{
    public static string Rss(params (string Guid, string Title, string Description)[] items)
    {
        var builder = new StringBuilder("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example/</link><description>test</description>
            """);
        foreach (var (guid, title, description) in items)
        {
            builder.Append(CultureInfo.InvariantCulture, $"""
                <item><guid isPermaLink="false">{guid}</guid><title>{SecurityElement.Escape(title)}</title>
                <link>https://wire.example/{guid}</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>
                <description>{SecurityElement.Escape(description)}</description></item>
                """);
        }

        return builder.Append("</channel></rss>").ToString();
    }
}
