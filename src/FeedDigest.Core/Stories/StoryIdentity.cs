using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Core.Stories;

/// <summary>
/// The keys an item is known by within its feed. An item with a GUID is named by its GUID (in both
/// its written and canonical forms, so a move from http to https keeps the story); its link is kept
/// beside it to notice a feed that regenerates GUIDs, whose items are then named by their links. An
/// item without a GUID is the same story as a stored one when any of its keys is stored, so a link
/// given tracking parameters keeps the story. A GUID or a link that several items of one document
/// share names none of them, so it is left out for those items.
/// </summary>
public static partial class StoryIdentity
{
    public const string GuidPrefix = "guid:";
    public const string LinkPrefix = "link:";

    /// <summary>The keys of an item with neither GUID nor link (its title and date, hashed).</summary>
    public const string TextKeyPrefix = "hash:";

    /// <summary>The key <see cref="IdentityPolicy.Content"/> makes of an item's title and text as the feed gives them.</summary>
    public const string ContentKeyPrefix = "content:";

    /// <summary>
    /// The key <see cref="IdentityPolicy.Content"/> makes of an item's title and text without the counts
    /// that change between fetches ("12 comments", "views: 40", "3 hours ago").
    /// </summary>
    public const string UncountedContentKeyPrefix = "uncounted:";

    /// <summary>The keys of each item of one document, in the items' order; the first key of each is its main one.</summary>
    /// <param name="guidsUnstable">The feed was seen regenerating GUIDs: they are not used, whatever the document says.</param>
    public static DocumentIdentity Assign(IReadOnlyList<ParsedItem> items, IdentityPolicy policy, bool guidsUnstable, IReadOnlySet<string>? trackingParameters = null)
    {
        var guids = items.Select(i => string.IsNullOrWhiteSpace(i.Id) ? null : i.Id.Trim()).ToList();
        var links = items.Select(i => string.IsNullOrWhiteSpace(i.Link) ? null : UrlCanonicalizer.Canonicalize(i.Link, trackingParameters)).ToList();
        var repeatedGuids = Repeated(guids);
        var repeatedLinks = Repeated(links);
        // Title and date keep an item named by its GUID alone (below) only when no other item of the
        // document without a link has them (one without a GUID is known by them): notices titled
        // alike and dated by the day are many items, not one. Items with a usable link never need
        // it (most): it is a hash of the text.
        var titlesAndDates = items.Select((item, i) =>
            (links[i] is not { } link || repeatedLinks.Contains(link)) && !string.IsNullOrWhiteSpace(item.Title) && (item.Published ?? item.Updated) is not null
                ? TitleAndDateKey(item)
                : null).ToList();
        var repeatedTitlesAndDates = Repeated(titlesAndDates);
        // The content policy knows an item by its title and text as given and by them without the
        // counts a page shows beside a story (PageCounts), so a count that moves, or appears with
        // the first comment, makes no new item. Only counts: other furniture (a photo's caption, a
        // meeting's date line) can be all that tells one day's post from the next. Items of one
        // document whose texts differ in counts alone, or whose text is all counts (the title
        // would name every item titled alike), keep them: the key without them is left out.
        var texts = policy == IdentityPolicy.Content ? items.Select(item => item.Content ?? item.Summary).ToList() : null;
        var contents = texts?.Select((text, i) => ContentKeyHash(items[i].Title, HtmlText.ToPlainText(text))).ToList();
        var uncounted = texts?.Select((text, i) => UncountedContentKeyHash(items[i], text)).ToList();
        var ambiguousUncounted = uncounted is null ? [] : Repeated(uncounted.Select((key, i) => (key, contents![i])).Distinct().Select(pair => pair.key).ToList());
        var keys = new List<IReadOnlyList<string>>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var forced = policy switch
            {
                IdentityPolicy.Guid when guids[i] is { } guid => GuidKeys(guid, trackingParameters),
                IdentityPolicy.Link when links[i] is { } link => [LinkPrefix + link],
                IdentityPolicy.Title when !string.IsNullOrWhiteSpace(items[i].Title) => ["title:" + Hash(Normalize(items[i].Title!))],
                IdentityPolicy.Content => uncounted![i] is { } withoutCounts && !ambiguousUncounted.Contains(withoutCounts)
                    ? [UncountedContentKeyPrefix + withoutCounts, ContentKeyPrefix + contents![i]]
                    : [ContentKeyPrefix + contents![i]],
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
            else if (automatic.Count > 0 && titlesAndDates[i] is { } titleAndDate && !repeatedTitlesAndDates.Contains(titleAndDate))
            {
                // An item named by its GUID alone also keeps its title and date, as a link would be
                // kept: a feed that regenerates GUIDs on items without links is then found out as one
                // with links is, and told apart by title and date from then on. Not for an item
                // without a title or a date: one key for many items would take them for one.
                automatic.Add(titleAndDate);
            }

            if (automatic.Count == 0 && string.IsNullOrWhiteSpace(items[i].Title) && (items[i].Published ?? items[i].Updated) is null
                && TextAloneKey(items[i]) is { } textAlone)
            {
                // An item of text alone (RSS asks only for a title or a description) and no date: its
                // text is all that tells it from the next, without the counts a page shows beside it,
                // so a count that moves is no new item (a typo fixed is). Without it every such item
                // of the feed had one key, and only the first was ever stored. The key it was stored
                // under before is kept beside it. A dated one keeps its title-and-date key: whether
                // its date is its own can change from fetch to fetch, and its key must not.
                automatic.Add(textAlone);
                automatic.Add(EarlierTitleDateAndTextKey(items[i]));
            }
            else if (automatic.Count == 0)
            {
                automatic.Add(TitleAndDateKey(items[i]));
                // The key as it was made before 2026-11-27 (with the text), so that a story stored
                // then is still known and not sent again; it is only found while the text is unchanged.
                automatic.Add(EarlierTitleDateAndTextKey(items[i]));
            }

            keys.Add(automatic);
        }

        return new DocumentIdentity(keys, repeatedGuids.Count);
    }

    /// <summary>
    /// Whether <paramref name="edited"/> is <paramref name="title"/> with its count of comments,
    /// replies or views at its end changed ("… (2 comments)", "… (5 comments)", "… - 12 replies",
    /// "…（3条评论）"), case and spacing aside. Only those words: "Notice (1)" and "Notice (2)" are two.
    /// </summary>
    public static bool TitleDiffersByItsCount(string title, string edited)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(edited);
        var (a, b) = (Normalize(title), Normalize(edited));
        var (bareA, bareB) = (TrailingCount().Replace(a, string.Empty), TrailingCount().Replace(b, string.Empty));
        return a != b && (bareA.Length < a.Length || bareB.Length < b.Length) && bareA.Length > 0 && bareA == bareB;
    }

    [GeneratedRegex(@"\s*(?:[(\[（【]\s*\d[\d,.]*\s*(?:comments?|repl(?:y|ies)|views?|votes?|responses?|条评论|條評論|评论|評論|回复|回覆|則回應)\s*[)\]）】]|[-–—|·:]\s*\d[\d,.]*\s*(?:comments?|repl(?:y|ies)|views?|votes?|responses?))\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingCount();

    /// <summary>
    /// Whether <paramref name="edited"/> is <paramref name="title"/> with words added or taken away
    /// at its ends (a comment count, "Update:", "(corrected)"), case and spacing aside. Not a title
    /// alike in letters: a notice board's "Council meets on Tuesday" and "… on Thursday", or "Ward 3"
    /// and "Ward 5", are two items; so a typo fixed in a title is taken for another item too.
    /// </summary>
    public static bool TitleExtends(string title, string edited)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(edited);
        var (shorter, longer) = Normalize(title) is var a && Normalize(edited) is var b && a.Length <= b.Length ? (a, b) : (b, a);
        return shorter.Length > 0 && shorter != longer && longer.Contains(shorter, StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether <paramref name="title"/> reads as another article's title than <paramref name="storedTitle"/>:
    /// not the same (case and spacing aside), nor it with a count changed or words added at its ends.
    /// An item that comes under a stored story's GUID at a new link with another title may be another
    /// article: a feed that gives one GUID to article after article (its home page, a one-item feed)
    /// does that at each new one, a site that rewrites a post under a new permalink once.
    /// </summary>
    public static bool IsAnotherTitle(string storedTitle, string title)
    {
        ArgumentNullException.ThrowIfNull(storedTitle);
        ArgumentNullException.ThrowIfNull(title);
        var (stored, given) = (Normalize(storedTitle), Normalize(title));
        return stored.Length > 0 && given.Length > 0 && stored != given
            && !TitleDiffersByItsCount(storedTitle, title) && !TitleExtends(storedTitle, title);
    }

    /// <summary>
    /// A key as stores keep it, in 64 bits: the top 16 from the feed, so a feed's keys sit together
    /// in an index (a fetch reads and writes a few pages, not one per item), the other 48 from the
    /// key within its feed. Eight bytes index far more cheaply than a key's text (often a
    /// 100-character URL). Two keys of one feed share a hash with odds near n² / 2⁴⁹: about one in
    /// 5,000,000 for a feed with 10,000 items, and the cost of one is an item taken for a known one.
    /// XXH3 rather than SHA-256: nothing here defends against an adversary, and the one-shot
    /// SHA-256 call cost microseconds per key, a tenth of a first poll's store time.
    /// </summary>
    /// <param name="feedSeed">
    /// What stands for the feed: its id when it was first stored, kept when the feed is renamed
    /// (a stored key cannot be hashed again, its text is not kept), and unique among stored feeds.
    /// </param>
    public static long KeyHash(string feedSeed, string key)
    {
        var feedHash = Hash64(feedSeed, seed: 0);
        return (long)((feedHash & 0xFFFF_0000_0000_0000UL) | (Hash64(key, (long)feedHash) & 0x0000_FFFF_FFFF_FFFFUL));
    }

    /// <summary>A fingerprint of what a reader sees of a story, to notice edits: 16 hex digits.</summary>
    public static string ContentHash(string title, string summary) =>
        Hash64(title + "\n" + summary, seed: 0).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>
    /// The fingerprints of a story's text as the feed gave it and as a reader sees it (page furniture
    /// removed), "raw:visible", 33 characters; <see cref="SameContent"/> compares them.
    /// </summary>
    public static string ContentHash(string title, string summaryAsGiven, string visibleSummary) =>
        ContentHash(title, summaryAsGiven) + ":" + ContentHash(title, visibleSummary);

    /// <summary>
    /// Whether a stored story's text and an item's are the same, so the item is no edit. Either
    /// fingerprint alike will do: furniture that changes at every fetch (an ad's number, "3 hours
    /// ago") leaves what a reader sees alike, and a furniture rule added since, or a block that starts
    /// recurring across the document, leaves the feed's text alike; an edit changes both.
    /// </summary>
    public static bool SameContent(string? stored, string fresh)
    {
        if (stored is null)
        {
            return false;
        }

        var (storedAsGiven, storedVisible) = Split(stored);
        var (freshAsGiven, freshVisible) = Split(fresh);
        return storedAsGiven.Span.SequenceEqual(freshAsGiven.Span) || (storedVisible.Length > 0 && storedVisible.Span.SequenceEqual(freshVisible.Span));

        static (ReadOnlyMemory<char> AsGiven, ReadOnlyMemory<char> Visible) Split(string hash) =>
            HasTwoHalves(hash) ? (hash.AsMemory(0, 16), hash.AsMemory(17)) : (hash.AsMemory(), ReadOnlyMemory<char>.Empty);
    }

    /// <summary>The fingerprint of the text as the feed gave it, of a fingerprint <see cref="ContentHash(string, string, string)"/> made (or of one made before it had two halves).</summary>
    public static string AsGivenPart(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return HasTwoHalves(hash) ? hash[..16] : hash;
    }

    /// <summary>The fingerprint of the text as a reader sees it, of a fingerprint <see cref="ContentHash(string, string, string)"/> made; null for one made before it had two halves.</summary>
    public static string? VisiblePart(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return HasTwoHalves(hash) ? hash[17..] : null;
    }

    /// <summary>Whether <paramref name="storedHash"/> was made by <see cref="ContentHash(string, string)"/> as it is now, alone or with the visible text's (SHA-256 made 32 digits), so comparing them can tell an edit.</summary>
    public static bool IsCurrentContentHash(string storedHash) => storedHash.Length == 16 || HasTwoHalves(storedHash);

    /// <summary>Whether <paramref name="hash"/> is "raw:visible", as <see cref="ContentHash(string, string, string)"/> makes it.</summary>
    private static bool HasTwoHalves(string hash) => hash.Length == 33 && hash[16] == ':';

    private static ulong Hash64(string text, long seed)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = maxBytes > 1024 ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[maxBytes] : rented;
        var length = Encoding.UTF8.GetBytes(text, buffer);
        var hash = XxHash3.HashToUInt64(buffer[..length], seed);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>
    /// The GUID as written, and when it is a URL also its canonical form, so a move from http to
    /// https keeps the story. The fragment stays: items whose GUIDs differ only by it are distinct.
    /// </summary>
    private static List<string> GuidKeys(string guid, IReadOnlySet<string>? trackingParameters)
    {
        var keys = new List<string>(2) { GuidPrefix + guid };
        if (guid.StartsWith("http", StringComparison.OrdinalIgnoreCase)
            && UrlCanonicalizer.Canonicalize(guid, trackingParameters, keepFragment: true) is var canonical
            && canonical != guid)
        {
            keys.Add(GuidPrefix + canonical);
        }

        return keys;
    }

    /// <summary>
    /// The title and date alone, not the text: an item's text changes under it ("3 comments" then
    /// "4 comments"), and that is an edit of the story, not another one.
    /// </summary>
    private static string TitleAndDateKey(ParsedItem item) =>
        TextKey(Normalize(item.Title ?? string.Empty) + "\n" + DateText(item));

    /// <summary>What <see cref="TitleAndDateKey"/> was before it left the text out: kept to know stories stored then.</summary>
    private static string EarlierTitleDateAndTextKey(ParsedItem item) =>
        TextKey(HtmlText.CollapseWhiteSpace(item.Title ?? string.Empty) + "\n" + DateText(item) + "\n" + HtmlText.ToPlainText(item.Summary ?? item.Content));

    /// <summary>
    /// The key of an item known by its text alone (<see cref="StoryText.TextOf"/>) without the counts
    /// a page shows beside it, and its date; null when that text is empty or nothing but counts.
    /// </summary>
    private static string? TextAloneKey(ParsedItem item)
    {
        var text = StoryText.TextOf(item);
        return string.IsNullOrWhiteSpace(HtmlText.ToPlainText(text)) || UncountedContentKeyHash(item, text) is not { } uncounted
            ? null
            : TextKey("text alone\n" + uncounted + "\n" + DateText(item));
    }

    private static string DateText(ParsedItem item) =>
        (item.Published ?? item.Updated)?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string TextKey(string text) => TextKeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

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

    /// <summary>
    /// The content policy's hash of an item's title and <paramref name="text"/>. Of the text as the feed
    /// gives it, it is made as before 2026-11-28, when it was the policy's only key: stored stories are known by it.
    /// </summary>
    private static string ContentKeyHash(string? title, string text) => Hash(Normalize(title ?? string.Empty) + "\n" + Normalize(text));

    /// <summary>
    /// The hash of an item's title and text without their counts (a title's trailing comment count, the
    /// text's parts that are nothing but counts: <see cref="PageCounts.Without"/>); null when the text is nothing but counts.
    /// </summary>
    private static string? UncountedContentKeyHash(ParsedItem item, string? html)
    {
        var blocks = HtmlBlocks.Split(html, skipFurnitureElements: false);
        var kept = blocks.Select(PageCounts.Without).Where(block => block.Length > 0).ToList();
        if (kept.Count == 0 && blocks.Count > 0)
        {
            return null;
        }

        return ContentKeyHash(TrailingCount().Replace(item.Title ?? string.Empty, string.Empty), string.Join('\n', kept));
    }

    /// <summary>Case, spacing and markup don't make another title.</summary>
    private static string Normalize(string text) => HtmlText.CollapseWhiteSpace(HtmlText.ToPlainText(text)).ToLowerInvariant();

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}

/// <param name="Keys">Each item's keys, the main one first.</param>
/// <param name="RepeatedGuids">How many GUIDs several items of the document share.</param>
public sealed record DocumentIdentity(IReadOnlyList<IReadOnlyList<string>> Keys, int RepeatedGuids);
