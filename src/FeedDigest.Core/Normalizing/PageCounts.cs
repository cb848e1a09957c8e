using System.Text.RegularExpressions;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// The counts a page shows beside a story, which change between fetches while the story does not:
/// comments, replies, views, likes, shares, reads, reactions ("12 Comments »", "Comments (4) |
/// Views: 1,204", "👍 12", "No Comments", "阅读量 1,204", "3条评论"), and the time since it was
/// posted ("3 hours ago", "edited 5 min ago", "5分钟前", "刚刚").
/// </summary>
/// <remarks>
/// Only a piece of text that holds nothing else is counts: in a sentence the same words are the
/// story's ("the consultation received 212 comments", "last seen 2 days ago"). Forms that are as
/// often a story's own are left out: votes and points (results), "today" and "yesterday" (headings),
/// years ago (archive columns), bare units ("100m", "65W"), and emoji other than reactions ("⭐ 4.5").
/// </remarks>
public static partial class PageCounts
{
    // Longer text is prose.
    private const int MaxCountLength = 120;

    /// <summary>
    /// <paramref name="text"/> without its parts that are nothing but counts: the pieces between
    /// "|", "·", "•" and the ends of sentences.
    /// </summary>
    public static string Without(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join(' ', Pieces().Split(text).Where(piece => !IsCounts(piece)));
    }

    /// <summary>Whether <paramref name="piece"/> (a paragraph, a line, or a part of one) holds counts and nothing else.</summary>
    private static bool IsCounts(string piece) => piece.Length <= MaxCountLength && Counts().IsMatch(piece);

    // Non-backtracking: the alternatives overlap, and a piece is matched in time linear in its length.
    [GeneratedRegex("""
        ^\W*(?:
            (?:
                \d[\d,.]*\s*(?:[km]|万|千)?\s*(?:comments?|repl(?:y|ies)|views?|likes?|shares?|reads?|responses?|reactions?|retweets?|favou?rites?)
              | (?:comments?|repl(?:y|ies)|views?|likes?|shares?|reads?|responses?)\s*[:(\[]?\s*\d[\d,.]*\s*(?:[km]|万|千)?\s*[)\]]?
              | no\s+(?:comments?|replies|responses)(?:\s+yet)? | leave\s+an?\s+(?:comment|reply) | be\s+the\s+first\s+to\s+comment
              | (?:(?:posted|updated|edited|published)\s+)?(?:(?:\d+|an?|one|a\s+few)\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|[smhdw])\s+ago|just\s+now)
              | (?:👍|👎|❤️|❤|♥|💬|👁️|👁|🔥|😂|😮|😢|😡)\s*\d[\d,.]*\s*(?:[km]|万|千)?
              | \d[\d,.]*\s*(?:[km]|万|千)?\s*(?:条评论|條評論|条回复|條回覆|评论|評論|回复|回覆|次阅读|次閱讀|人阅读|人閱讀|阅读|閱讀|次浏览|次瀏覽|浏览|瀏覽|赞|讚)
              | (?:评论数?|評論數?|回复数?|回覆數?|阅读量?|閱讀量?|浏览量?|瀏覽量?|点赞数?|點讚數?)\s*[:：(（]?\s*\d[\d,.]*\s*(?:[km]|万|千)?\s*[)）]?
              | 暂无评论|暫無評論
              | \d+\s*(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月)前 | 刚刚|剛剛
            )\W*
        )+$
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.NonBacktracking)]
    private static partial Regex Counts();

    // Where a line's counts part from its text: "|", "·", "•", or the end of a sentence.
    [GeneratedRegex(@"\s*[|·•]\s*|(?<=[.!?。！？])\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Pieces();
}
