using System.Globalization;

namespace FeedDigest.Core.Topics;

/// <summary>
/// Words the mainland and Taiwan write differently for one thing (网络 and 網路, network; 人工智能
/// and 人工智慧, AI), in Simplified characters. A Chinese keyword is also looked for with the other
/// region's word (<see cref="TermNode.Create"/>): an editor's 网络审查 finds Taiwan's 網路審查, and
/// a Taiwanese reader's 網路審查 the mainland's 网络审查. Hong Kong mostly writes the mainland's
/// words in Traditional characters (網絡), which the character fold already matches.
/// </summary>
/// <remarks>
/// Only the keyword is varied, never the story's text: many of these words are also other words, or
/// parts of others, in the other region's writing (Taiwan's 影片 is a mainland film, 网路 sits
/// across 互联网|路由器), and Chinese has no spaces to tell. A variant of fewer than three characters is
/// not looked for: a two-character word alone is too often the end of one word and the start of the
/// next. The list is short on purpose: everyday words of news about the internet and technology,
/// where the regions differ and a topic is likely to use them.
/// </remarks>
internal static class RegionalWords
{
    // Each pair: the mainland's word, Taiwan's word (Simplified characters: a keyword and a story are
    // compared folded). Both ways: either side of a pair is varied into the other.
    private static readonly (string Mainland, string Taiwan)[] Pairs =
    [
        ("网络", "网路"),
        ("互联网", "网际网路"),
        ("在线", "线上"),
        ("软件", "软体"),
        ("硬件", "硬体"),
        ("程序", "程式"),
        ("服务器", "伺服器"),
        ("信息", "资讯"),
        ("数据", "资料"),
        ("数字", "数位"),
        ("视频", "影片"),
        ("博客", "部落格"),
        ("社交媒体", "社群媒体"),
        ("短信", "简讯"),
        ("人工智能", "人工智慧"),
        ("账号", "帐号"),
        ("账户", "帐户"),
        ("移动支付", "行动支付"),
    ];

    // A variant shorter than this many characters is not looked for (see the remarks).
    private const int ShortestVariant = 3;

    /// <summary>
    /// <paramref name="tokens"/> (a keyword's tokens, Simplified) with one region's words put in the
    /// other's: for each word of the list the keyword holds, one variant with that word replaced,
    /// and one with every such word replaced; none of fewer than three characters.
    /// </summary>
    public static IReadOnlyList<string[]> Variants(string[] tokens)
    {
        var variants = new List<string[]>();
        var all = tokens;
        foreach (var (mainland, taiwan) in Pairs)
        {
            foreach (var (from, to) in new[] { (mainland, taiwan), (taiwan, mainland) })
            {
                // Each replacement made where the keyword itself has the word, so that one made
                // before (网络 into 网路) is not undone by the way back.
                if (Replaced(tokens, from, to) is { } variant)
                {
                    Add(variant);
                    all = Replaced(all, from, to) ?? all;
                }
            }
        }

        if (variants.Count > 1)
        {
            Add(all);
        }

        return variants;

        void Add(string[] variant)
        {
            if (variant.Length >= ShortestVariant && !variant.AsSpan().SequenceEqual(tokens) && variants.TrueForAll(other => !other.AsSpan().SequenceEqual(variant)))
            {
                variants.Add(variant);
            }
        }
    }

    /// <summary><paramref name="tokens"/> with every run of the characters of <paramref name="from"/> replaced by those of <paramref name="to"/>; null when there is none.</summary>
    private static string[]? Replaced(string[] tokens, string from, string to)
    {
        var fromTokens = Characters(from);
        var toTokens = Characters(to);
        List<string>? result = null;
        var i = 0;
        while (i < tokens.Length)
        {
            if (i + fromTokens.Length <= tokens.Length && tokens.AsSpan(i, fromTokens.Length).SequenceEqual(fromTokens))
            {
                result ??= [.. tokens.AsSpan(0, i)];
                result.AddRange(toTokens);
                i += fromTokens.Length;
            }
            else
            {
                result?.Add(tokens[i]);
                i++;
            }
        }

        return result?.ToArray();
    }

    // A word's tokens: one a character, as TopicText makes them of Chinese text.
    private static string[] Characters(string word)
    {
        var characters = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(word);
        while (enumerator.MoveNext())
        {
            characters.Add(enumerator.GetTextElement());
        }

        return [.. characters];
    }
}
