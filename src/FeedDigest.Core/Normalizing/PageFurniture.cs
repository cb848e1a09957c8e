using System.Buffers;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// Clears an item's text of page furniture before it becomes a summary: what a scraped page or a
/// full-content feed carries besides the story (the title said again, share and follow bars,
/// "Subscribe to …", ads, donation appeals, "The post … appeared first on …", popups, and whatever
/// the site repeats under every item). A feed's own rules (<see cref="FurnitureRules"/>) go first:
/// CSS selectors on its HTML, then text patterns. Then, unless the feed turns them off, the default
/// heuristics, block by block (<see cref="HtmlBlocks"/>):
/// <list type="bullet">
/// <item>elements that are furniture by nature or by class or id (aside, nav, form; "share", "related", "ad" …) are skipped;</item>
/// <item>blocks at the start that repeat the title are dropped;</item>
/// <item>blocks that recur in many items of the same feed document (<see cref="RepeatedBlocks"/>) are dropped;</item>
/// <item>a sign-off as the last block ("Editor: Liu Wei", "(Reporting by …; Editing by …)") is dropped;</item>
/// <item>short blocks that read as furniture (subscribe, follow us, share, advertisement, donate, 订阅, 分享, 广告 …) are dropped,
/// and when such a block comes in the second half of the text, everything after it goes too: the tail
/// of a page after its first piece of furniture is furniture (a sidebar, a footer, a popup).</item>
/// </list>
/// </summary>
public static partial class PageFurniture
{
    /// <summary>Longer blocks are prose, whatever words they use.</summary>
    private const int MaxFurnitureBlockLength = 200;

    /// <summary>A donation appeal or a "the post appeared first" line runs longer than a button label.</summary>
    private const int MaxAppealBlockLength = 400;

    /// <summary>
    /// The summaries of one feed document's items (their summary, else their content), cleared of
    /// furniture; what recurs across the document's items is judged together.
    /// </summary>
    public static IReadOnlyList<FurnitureResult> StripAll(IReadOnlyList<(string? Html, string Title)> items, FurnitureRules rules)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(rules);
        var blocks = items.Select(item => Blocks(item.Html, rules)).ToList();
        if (!rules.Heuristics)
        {
            return items.Select((item, i) => Strip(blocks[i], null, item.Title, new HashSet<ulong>(), rules)).ToList();
        }

        // Each block's key is made once, for both the document-wide count and the item's own pass.
        var keys = blocks.Select(KeysOf).ToList();
        var repeated = Repeated(keys);
        return items.Select((item, i) => Strip(blocks[i], keys[i], item.Title, repeated, rules)).ToList();
    }

    /// <summary>
    /// The blocks of an item's HTML or text, after the feed's selectors, and, with the heuristics on,
    /// without the elements that are furniture by nature or by class or id.
    /// </summary>
    public static List<string> Blocks(string? html, FurnitureRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Selectors.Count > 0 && !string.IsNullOrWhiteSpace(html))
        {
            html = RemoveSelected(html, rules.Selectors);
        }

        return HtmlBlocks.Split(html, skipFurnitureElements: rules.Heuristics);
    }

    /// <summary>
    /// The blocks that recur in many items of one feed document: in at least three items and in at
    /// least a third of them. A site's own boilerplate ("Hong Kong Free Press relies on readers …",
    /// "[Source]", a signature) is found this way without anyone listing it.
    /// </summary>
    /// <returns>The <see cref="Key"/>s of the repeated blocks.</returns>
    public static IReadOnlySet<ulong> RepeatedBlocks(IReadOnlyList<IReadOnlyList<string>> itemBlocks)
    {
        ArgumentNullException.ThrowIfNull(itemBlocks);
        return Repeated(itemBlocks.Select(KeysOf).ToList());
    }

    private static ulong[] KeysOf(IReadOnlyList<string> blocks)
    {
        var keys = new ulong[blocks.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Key(blocks[i]);
        }

        return keys;
    }

    private static HashSet<ulong> Repeated(List<ulong[]> itemKeys)
    {
        var repeated = new HashSet<ulong>();
        if (itemKeys.Count < 3)
        {
            return repeated;
        }

        var counts = new Dictionary<ulong, int>();
        var seenInItem = new HashSet<ulong>();
        foreach (var keys in itemKeys)
        {
            seenInItem.Clear();
            foreach (var key in keys)
            {
                if (key != EmptyKey && seenInItem.Add(key))
                {
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
        }

        var threshold = Math.Max(3, (itemKeys.Count + 2) / 3);
        foreach (var (key, count) in counts)
        {
            if (count >= threshold)
            {
                repeated.Add(key);
            }
        }

        return repeated;
    }

    /// <summary>The item's text without furniture, its blocks joined by spaces.</summary>
    /// <param name="repeated">This feed document's <see cref="RepeatedBlocks"/> (empty to skip the check).</param>
    public static FurnitureResult Strip(IReadOnlyList<string> blocks, string? title, IReadOnlySet<ulong> repeated, FurnitureRules rules)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(repeated);
        ArgumentNullException.ThrowIfNull(rules);
        return Strip(blocks, null, title, repeated, rules);
    }

    /// <param name="keys">The blocks' keys when already made, else null.</param>
    private static FurnitureResult Strip(IReadOnlyList<string> blocks, ulong[]? keys, string? title, IReadOnlySet<ulong> repeated, FurnitureRules rules)
    {
        var timedOut = false;
        IReadOnlyList<string> kept = blocks;
        if (rules.Patterns.Count > 0)
        {
            (kept, timedOut) = ApplyPatterns(kept, rules.Patterns);
            // The patterns made new blocks.
            keys = null;
        }

        if (rules.Heuristics)
        {
            kept = ApplyHeuristics(kept, keys, title, repeated);
        }

        return new FurnitureResult(string.Join(' ', kept), timedOut);
    }

    private static string RemoveSelected(string html, IReadOnlyList<string> selectors)
    {
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + html + "</body></html>");
        var body = document.Body!;
        foreach (var selector in selectors)
        {
            foreach (var element in body.QuerySelectorAll(selector).ToList())
            {
                element.Remove();
            }
        }

        return body.InnerHtml;
    }

    private static (IReadOnlyList<string> Blocks, bool TimedOut) ApplyPatterns(IReadOnlyList<string> blocks, IReadOnlyList<Regex> patterns)
    {
        var text = string.Join('\n', blocks);
        var timedOut = false;
        foreach (var pattern in patterns)
        {
            try
            {
                text = pattern.Replace(text, string.Empty);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that backtracks without end on this item is given up for it; the others still apply.
                timedOut = true;
            }
        }

        return (text.Split('\n').Select(HtmlText.CollapseWhiteSpace).Where(b => b.Length > 0).ToList(), timedOut);
    }

    private static List<string> ApplyHeuristics(IReadOnlyList<string> blocks, ulong[]? keys, string? title, IReadOnlySet<ulong> repeated)
    {
        var titleKey = title is null ? EmptyKey : Key(title);
        var total = blocks.Sum(b => b.Length);
        var kept = new List<string>(blocks.Count);
        var offset = 0;
        var leading = true;
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var start = offset;
            offset += block.Length;
            // Keys not made already are made only where compared: most documents repeat nothing,
            // and most items stop repeating their title after the first block.
            var key = keys?[i] ?? ((leading && titleKey != EmptyKey) || repeated.Count > 0 ? Key(block) : EmptyKey);
            if (leading && titleKey != EmptyKey && key == titleKey)
            {
                continue;
            }

            leading = false;
            // A sign-off names who wrote or edited the story; only as the item's last block, where
            // it cannot be an interviewer's line or a film's credits in the middle of a review.
            if (i == blocks.Count - 1 && block.Length <= MaxFurnitureBlockLength && SignOff().IsMatch(block))
            {
                continue;
            }

            switch (Classify(block))
            {
                case Furniture.Ending when start * 2 >= total:
                    // The first piece of furniture in the second half: the rest of the page is furniture too.
                    return kept;
                case Furniture.Ending or Furniture.Inline:
                    continue;
            }

            // A block the site repeats under many items goes alone: "[Source]" or a sign-off can stand mid-story.
            if (!repeated.Contains(key))
            {
                kept.Add(block);
            }
        }

        return kept;
    }

    private enum Furniture
    {
        None,

        /// <summary>Furniture that stands alone in a story ("Advertisement", "Read more"): drop the block only.</summary>
        Inline,

        /// <summary>Furniture that starts a page's tail (subscribe, share, donate …).</summary>
        Ending,
    }

    private static Furniture Classify(string block)
    {
        if (block.Length <= MaxFurnitureBlockLength)
        {
            if (EndingPhrase().IsMatch(block))
            {
                return Furniture.Ending;
            }

            if (InlinePhrase().IsMatch(block))
            {
                return Furniture.Inline;
            }
        }

        return block.Length <= MaxAppealBlockLength && MayBeAppeal(block) && Appeal().IsMatch(block) ? Furniture.Ending : Furniture.None;
    }

    /// <summary>The <see cref="Key"/> of a text with no letters or digits.</summary>
    private const ulong EmptyKey = 14695981039346656037UL;

    /// <summary>
    /// A block's identity for comparisons, where case, punctuation and spacing do not count: a
    /// 64-bit FNV-1a hash of its letters and digits, lower-cased. Keys are only compared within
    /// one feed document, and a hash instead of a string of those characters spares an
    /// allocation for every block of every item.
    /// </summary>
    private static ulong Key(string text)
    {
        var hash = EmptyKey;
        foreach (var c in text)
        {
            char folded;
            if (char.IsAscii(c))
            {
                if (!char.IsAsciiLetterOrDigit(c))
                {
                    continue;
                }

                folded = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            }
            else if (char.IsLetterOrDigit(c))
            {
                // Lower-casing goes to ICU outside ASCII, so only capitals are sent there.
                folded = char.IsUpper(c) ? char.ToLowerInvariant(c) : c;
            }
            else
            {
                continue;
            }

            hash = (hash ^ folded) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Short blocks that begin a page's furniture: calls to subscribe, follow, share; ads; related links; popups.</summary>
    [GeneratedRegex("""
        ^\W*(?:
            (?:subscribe|sign\s*up|signup|register)\b.{0,80}
          | (?:join|get)\s+(?:our|the)\s+(?:newsletter|mailing\s+list|daily|weekly).{0,60}
          | follow\s+(?:us|@\w+|.{1,30}\s+on\s+(?:twitter|x|facebook|instagram|telegram|mastodon|bluesky|weibo|wechat)).{0,60}
          | share(?:\s+(?:this|on|via|to|the|article|story|post)\b.{0,60})?\W*
          | (?:like|liked)\s+this\W*
          | (?:related|more)\s+(?:posts?|articles?|stories|reading|news|from\s+.{1,40})\W*
          | (?:you\s+(?:may|might)\s+also\s+like|recommended(?:\s+for\s+you)?|most\s+(?:read|popular)|trending(?:\s+now)?)\W*
          | (?:open|close)\s+popup\W*
          | welcome\s+back\W*
          | (?:tags?|filed\s+under|categories|topics)\s*:.{0,150}
          | (?:leave\s+a\s+(?:comment|reply)|comments?\s*\(\d+\)|\d+\s+comments?)\W*
          | (?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}|by\b)).{0,150}
          | all\s+rights\s+reserved.{0,60}
          | the\s+post\s+.{1,200}\s+appeared\s+first\s+on\s+.{1,100}
          | this\s+(?:article|story|post|entry)\s+(?:was\s+)?(?:originally\s+|first\s+)?(?:published|posted|appeared)\s+(?:on|in|at)\b.{0,150}
          | (?:订阅|訂閱|关注我们|關注我們|分享到|分享至|扫码|掃碼|扫描二维码|掃描二維碼|长按|長按|相关阅读|相關閱讀|相关文章|相關文章|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|版权所有|版權所有|未经授权|未經授權|责任编辑|責任編輯|打赏|打賞).{0,80}
        )$
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.Singleline)]
    private static partial Regex EndingPhrase();

    /// <summary>An agency's sign-off: "Editor: Liu Wei", "(Reporting by A; Editing by B)", "责任编辑：张三".</summary>
    [GeneratedRegex("""
        ^\W*(?:
            editors?\s*:\s*\p{L}[\p{L}.'’\-\ ]{0,40}
          | (?:reporting|writing|editing|additional\s+reporting)\s+by\s+[^;()]{1,60}(?:;\s*(?:reporting|writing|editing|additional\s+reporting)\s+by\s+[^;()]{1,60})*
          | (?:责任编辑|責任編輯|编辑|編輯)\s*[:：]\s*\S{1,12}
        )\W*$
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex SignOff();

    /// <summary>Short blocks that are furniture wherever they stand, without ending the story.</summary>
    [GeneratedRegex("""
        ^\W*(?:
            (?:read\s+more|continue\s+reading|read\s+the\s+(?:full|rest)|full\s+story|click\s+(?:here|on\s+the\s+image|to)\b|keep\s+reading)\b.{0,100}
          | (?:google\s+)?(?:ads?|advertisements?|advertising|sponsored(?:\s+content)?)(?:\s+\d+)?\W*
          | (?:photo|image|video)\s*(?:credit)?\s*:.{0,80}
          | related\s+topics?\b.{0,80}
          | (?:广告|廣告|分享|赞助|贊助)\W*\d*\W*
          | (?:阅读全文|閱讀全文|点击(?:这里|此处|查看|阅读)|點擊|查看原文|阅读原文|閱讀原文).{0,60}
        )$
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.Singleline)]
    private static partial Regex InlinePhrase();

    /// <summary>
    /// A piece of a word every English <see cref="Appeal"/> contains ("upport", "onat" …): most
    /// blocks have none, and one vectorised search rules them out before the regex, whose many first
    /// letters give it no fast scan of its own. No piece has a k or an s, the letters with non-ASCII
    /// case forms (K, ſ), which would send the search down a per-character path.
    /// </summary>
    private static readonly SearchValues<string> AppealWordPieces = SearchValues.Create(
        ["upport", "ontribution", "onat", "ember", "atron", "criber", "relie"],
        StringComparison.OrdinalIgnoreCase);

    private static bool MayBeAppeal(ReadOnlySpan<char> block) =>
        block.IndexOfAny(AppealWordPieces) >= 0 || block.Contains("支持", StringComparison.Ordinal) || block.Contains("捐款", StringComparison.Ordinal);

    /// <summary>Appeals for money or support, as sites end their pages with them.</summary>
    [GeneratedRegex("""
        \b(?:we\s+need\s+your\s+support|your\s+(?:contribution|donation|support)\s+(?:will\s+)?helps?\s+us|donate\s+(?:now|today|here)|make\s+a\s+(?:one-time\s+|monthly\s+)?donation\s+(?:to|today|now)|support\s+our\s+(?:work|journalism|reporting|newsroom)|become\s+a\s+(?:member|patron|supporter|paying\s+subscriber)|relies\s+on\s+(?:readers|donations|its\s+readers|reader\s+support))
        | 请支持我们|請支持我們|感谢您的支持|感謝您的支持|欢迎捐款|歡迎捐款
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Appeal();
}

/// <param name="PatternTimedOut">A feed pattern ran past its timeout on this item and was given up for it.</param>
public sealed record FurnitureResult(string Text, bool PatternTimedOut);
