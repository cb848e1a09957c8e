namespace FeedDigest.Core.Topics;

/// <summary>
/// Words the mainland and Taiwan write differently for one thing (网络 and 網路, network; 人工智能
/// and 人工智慧, AI), in Simplified characters. A Chinese keyword is also looked for with the other
/// region's word (<see cref="TermNode.Create"/>): an editor's 网络审查 finds Taiwan's 網路審查, and
/// a Taiwanese reader's 網路審查 the mainland's 网络审查. Hong Kong mostly writes the mainland's
/// words in Traditional characters (網絡), which the character fold already matches.
/// </summary>
/// <remarks>
/// Only the keyword is varied, never the story's text: Chinese has no spaces, and a word of one
/// region is often another word, or sits across two, in the other's writing (网路 across
/// 互联网|路由器). So the list keeps only pairs whose other side means nothing else in news: not
/// 数字 and 数位 (数位 is also "several", as in 数位官员), 视频 and 影片 (a mainland 影片 is a film),
/// 在线 and 线上 (the mainland writes 线上 too, and 生死线上), 数据 and 资料 (a mainland 资料 is
/// documents); compounds of them where they are safe (数字货币, 个人数据). Nor is a keyword of
/// fewer than three characters varied, nor a variant of fewer than three looked for: two characters
/// alone are too often the end of one word and the start of the next.
/// </remarks>
internal static class RegionalWords
{
    // Each pair: the mainland's word, Taiwan's word (Simplified characters: a keyword and a story are
    // compared folded). Both ways: either side of a pair is varied into the other.
    private static readonly (string Mainland, string Taiwan)[] Pairs =
    [
        ("网络", "网路"),
        ("互联网", "网际网路"),
        ("软件", "软体"),
        ("硬件", "硬体"),
        ("应用程序", "应用程式"),
        ("服务器", "伺服器"),
        ("信息", "资讯"),
        ("个人数据", "个人资料"),
        ("数据中心", "资料中心"),
        ("数字货币", "数位货币"),
        ("数字人民币", "数位人民币"),
        ("数字化", "数位化"),
        ("博客", "部落格"),
        ("社交媒体", "社群媒体"),
        ("短信", "简讯"),
        ("人工智能", "人工智慧"),
        ("账号", "帐号"),
        ("账户", "帐户"),
        ("移动支付", "行动支付"),
        ("芯片", "晶片"),
        ("算法", "演算法"),
        ("黑客", "骇客"),
        ("人脸识别", "人脸辨识"),
    ];

    // Every word of either side, with the other side's, as tokens (a character each, as a keyword's
    // are): what a keyword's tokens are looked up in.
    private static readonly (string[] Word, string[] Other)[] Words =
        [.. Pairs.SelectMany(pair => new[] { (TopicText.Tokenize(pair.Mainland), TopicText.Tokenize(pair.Taiwan)), (TopicText.Tokenize(pair.Taiwan), TopicText.Tokenize(pair.Mainland)) })];

    // A keyword, or a variant, shorter than this many characters is not varied or looked for (see the remarks).
    private const int Shortest = 3;

    /// <summary>
    /// <paramref name="tokens"/> (a keyword's tokens, Simplified) with one region's words put in the
    /// other's: for each listed word the keyword holds, one variant with it replaced, and one with
    /// every such word replaced. The keyword is read from the start, the longest listed word at each
    /// place, so that words that overlap (互联网 and 网络 in 互联网络) are not both replaced.
    /// </summary>
    public static IReadOnlyList<string[]> Variants(string[] tokens)
    {
        var variants = new List<string[]>();
        if (tokens.Length < Shortest)
        {
            return variants;
        }

        var found = new List<(int Start, int Word)>();
        for (var i = 0; i < tokens.Length;)
        {
            var longest = -1;
            for (var w = 0; w < Words.Length; w++)
            {
                var word = Words[w].Word;
                if (i + word.Length <= tokens.Length && tokens.AsSpan(i, word.Length).SequenceEqual(word) && (longest < 0 || word.Length > Words[longest].Word.Length))
                {
                    longest = w;
                }
            }

            if (longest < 0)
            {
                i++;
                continue;
            }

            found.Add((i, longest));
            i += Words[longest].Word.Length;
        }

        foreach (var word in found.Select(place => place.Word).Distinct())
        {
            Add(Replaced(tokens, found.Where(place => place.Word == word)));
        }

        if (variants.Count > 1)
        {
            Add(Replaced(tokens, found));
        }

        return variants;

        void Add(string[] variant)
        {
            if (variant.Length >= Shortest && variants.TrueForAll(other => !other.AsSpan().SequenceEqual(variant)))
            {
                variants.Add(variant);
            }
        }
    }

    /// <summary><paramref name="tokens"/> with the words found at <paramref name="places"/> (in order) put in the other region's.</summary>
    private static string[] Replaced(string[] tokens, IEnumerable<(int Start, int Word)> places)
    {
        var result = new List<string>(tokens.Length + 2);
        var next = 0;
        foreach (var (start, word) in places)
        {
            result.AddRange(tokens.AsSpan(next, start - next));
            result.AddRange(Words[word].Other);
            next = start + Words[word].Word.Length;
        }

        result.AddRange(tokens.AsSpan(next));
        return [.. result];
    }
}
