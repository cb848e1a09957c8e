using System.Text.RegularExpressions;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// The counts a page shows beside a story, which change between fetches while the story does not:
/// comments, replies, views, likes, shares, reads, votes, points, reactions ("12 Comments »",
/// "Comments (4) | Views: 1,204", "👍 12", "No Comments", "阅读量 1,204", "3条评论"), and the time
/// since it was posted ("3 hours ago", "edited 2h ago", "yesterday", "5分钟前", "刚刚").
/// </summary>
/// <remarks>
/// Only a block that holds nothing else is counts: in a sentence the same words are the story's
/// ("the consultation received 212 comments", "last seen 2 days ago").
/// </remarks>
public static partial class PageCounts
{
    // Longer blocks are prose.
    private const int MaxCountBlockLength = 120;

    /// <summary>Whether <paramref name="block"/> (a paragraph, list item or line of text) holds counts and nothing else.</summary>
    public static bool IsCountBlock(string block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Length <= MaxCountBlockLength && CountBlock().IsMatch(block);
    }

    // Non-backtracking: the alternatives overlap, and a block is matched in time linear in its length.
    [GeneratedRegex("""
        ^\W*(?:
            (?:
                \d[\d,.]*\s*(?:[km]|万|千)?\s*(?:comments?|repl(?:y|ies)|views?|likes?|shares?|reads?|votes?|points?|responses?|reactions?|retweets?|favou?rites?)
              | (?:comments?|repl(?:y|ies)|views?|likes?|shares?|reads?|votes?|points?|responses?)\s*[:(\[]?\s*\d[\d,.]*\s*(?:[km]|万|千)?\s*[)\]]?
              | no\s+(?:comments?|replies|responses)(?:\s+yet)? | leave\s+an?\s+(?:comment|reply) | be\s+the\s+first\s+to\s+comment
              | (?:(?:posted|updated|edited|published)\s+)?(?:(?:\d+|an?|one|a\s+few)\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[smhdw])\s+ago|just\s+now|yesterday|today|\d+\s*[smhdw])
              | [\p{So}\p{Cs}\uFE0F\u200D]+\s*\d[\d,.]*\s*(?:[km]|万|千)?
              | \d[\d,.]*\s*(?:[km]|万|千)?\s*(?:条评论|條評論|条回复|條回覆|评论|評論|回复|回覆|次阅读|次閱讀|人阅读|人閱讀|阅读|閱讀|次浏览|次瀏覽|浏览|瀏覽|赞|讚|次)
              | (?:评论数?|評論數?|回复数?|回覆數?|阅读量?|閱讀量?|浏览量?|瀏覽量?|点赞数?|點讚數?|赞|讚)\s*[:：(（]?\s*\d[\d,.]*\s*(?:[km]|万|千)?\s*[)）]?
              | 暂无评论|暫無評論
              | \d+\s*(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|年)前 | 刚刚|剛剛|昨天|前天|今天
            )\W*
        )+$
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.NonBacktracking)]
    private static partial Regex CountBlock();
}
