using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Core.Stories;

/// <summary>
/// The identity of an item within its feed: its GUID, else its canonical link, else a hash of
/// title and date. Stored under a unique index, so a story is inserted once however often it is read.
/// </summary>
public static class StoryKey
{
    public static string For(ParsedItem item)
    {
        if (!string.IsNullOrWhiteSpace(item.Id))
        {
            return "guid:" + item.Id.Trim();
        }

        if (!string.IsNullOrWhiteSpace(item.Link))
        {
            return "link:" + UrlCanonicalizer.Canonicalize(item.Link);
        }

        var date = (item.Published ?? item.Updated)?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;
        var text = HtmlText.CollapseWhiteSpace(item.Title ?? string.Empty) + "\n" + date + "\n" + HtmlText.ToPlainText(item.Summary ?? item.Content);
        return "hash:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
