using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Core.Stories;

/// <summary>
/// The keys an item is known by within its feed. An item is the same story as a stored one when any
/// of its keys is stored, so a story survives a change of one identity (GUIDs moved from http to
/// https, GUIDs regenerated on every fetch, a link given tracking parameters). A GUID or a link that
/// several items of one document share names none of them, so it is left out for those items.
/// </summary>
public static class StoryIdentity
{
    public const string GuidPrefix = "guid:";
    public const string LinkPrefix = "link:";

    /// <summary>The keys of each item of one document, in the items' order; the first key of each is its main one.</summary>
    /// <param name="guidsUnstable">The feed was seen regenerating GUIDs: they are not used, whatever the document says.</param>
    public static DocumentIdentity Assign(IReadOnlyList<ParsedItem> items, IdentityPolicy policy, bool guidsUnstable, IReadOnlySet<string>? trackingParameters = null)
    {
        var guids = items.Select(i => string.IsNullOrWhiteSpace(i.Id) ? null : i.Id.Trim()).ToList();
        var links = items.Select(i => string.IsNullOrWhiteSpace(i.Link) ? null : UrlCanonicalizer.Canonicalize(i.Link, trackingParameters)).ToList();
        var repeatedGuids = Repeated(guids);
        var repeatedLinks = Repeated(links);
        var keys = new List<IReadOnlyList<string>>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var forced = policy switch
            {
                IdentityPolicy.Guid when guids[i] is { } guid => GuidKeys(guid, trackingParameters),
                IdentityPolicy.Link when links[i] is { } link => [LinkPrefix + link],
                IdentityPolicy.Title when !string.IsNullOrWhiteSpace(items[i].Title) => ["title:" + Hash(Normalize(items[i].Title!))],
                IdentityPolicy.Content => ["content:" + Hash(Normalize(items[i].Title ?? string.Empty) + "\n" + Normalize(HtmlText.ToPlainText(items[i].Content ?? items[i].Summary)))],
                _ => null,
            };
            if (forced is not null)
            {
                keys.Add(forced);
                continue;
            }

            var automatic = new List<string>(3);
            if (guids[i] is { } usableGuid && !guidsUnstable && !repeatedGuids.Contains(usableGuid))
            {
                automatic.AddRange(GuidKeys(usableGuid, trackingParameters));
            }

            if (links[i] is { } usableLink && !repeatedLinks.Contains(usableLink))
            {
                automatic.Add(LinkPrefix + usableLink);
            }

            if (automatic.Count == 0)
            {
                automatic.Add(TitleAndDateKey(items[i]));
            }

            keys.Add(automatic);
        }

        return new DocumentIdentity(keys, repeatedGuids.Count);
    }

    /// <summary>
    /// A key as stores keep it: 64 bits of SHA-256 over the feed and the key. Eight bytes index far
    /// more cheaply than the key's text (often a 100-character URL), and every item of every fetch
    /// is looked up by them. Two keys share a hash with odds near n² / 2⁶⁵: about one in 300,000
    /// with ten million keys stored, and the cost of one is a single item taken for a known one.
    /// </summary>
    public static long KeyHash(string feedId, string key)
    {
        var text = feedId + "\n" + key;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }

    /// <summary>A fingerprint of what a reader sees of a story, to notice edits.</summary>
    public static string ContentHash(string title, string summary) => Hash(title + "\n" + summary);

    /// <summary>The GUID as written, and when it is a URL also its canonical form, so a move from http to https keeps the story.</summary>
    private static List<string> GuidKeys(string guid, IReadOnlySet<string>? trackingParameters)
    {
        var keys = new List<string>(2) { GuidPrefix + guid };
        if (guid.StartsWith("http", StringComparison.OrdinalIgnoreCase)
            && UrlCanonicalizer.Canonicalize(guid, trackingParameters) is var canonical
            && canonical != guid)
        {
            keys.Add(GuidPrefix + canonical);
        }

        return keys;
    }

    private static string TitleAndDateKey(ParsedItem item)
    {
        var date = (item.Published ?? item.Updated)?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;
        var text = HtmlText.CollapseWhiteSpace(item.Title ?? string.Empty) + "\n" + date + "\n" + HtmlText.ToPlainText(item.Summary ?? item.Content);
        return "hash:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static HashSet<string> Repeated(List<string?> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (value is not null && !seen.Add(value))
            {
                repeated.Add(value);
            }
        }

        return repeated;
    }

    /// <summary>Case, spacing and markup don't make another title.</summary>
    private static string Normalize(string text) => HtmlText.CollapseWhiteSpace(HtmlText.ToPlainText(text)).ToLowerInvariant();

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}

/// <param name="Keys">Each item's keys, the main one first.</param>
/// <param name="RepeatedGuids">How many GUIDs several items of the document share.</param>
public sealed record DocumentIdentity(IReadOnlyList<IReadOnlyList<string>> Keys, int RepeatedGuids);
