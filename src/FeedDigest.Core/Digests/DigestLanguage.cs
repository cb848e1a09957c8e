using System.Globalization;

namespace FeedDigest.Core.Digests;

/// <summary>
/// The words and date formats of a digest in a subscriber's language: subject, heading, times, and
/// the labels around the stories. English, Simplified and Traditional Chinese have their own words;
/// any other culture gets the English words with its own month names.
/// </summary>
internal sealed record DigestLanguage(
    CultureInfo Culture,
    string TopicSeparator,
    string OneStory,
    string ManyStories,
    string SubjectFormat,
    string HeadingFormat,
    string DateFormat,
    string TimeFormat,
    DigestLabels Labels,
    string OneOmitted,
    string ManyOmitted,
    string ReasonFormat,
    ScheduleWords ScheduleWords)
{
    private static readonly DigestLanguage English = new(
        CultureInfo.InvariantCulture, ", ", "1 new story", "{0} new stories", "{0}: {1} · {2}", "{1} on {0}", "d MMM yyyy", "d MMM HH:mm",
        new DigestLabels("also", "Updated", "Manage your preferences", "Unsubscribe"),
        "…and 1 more matching story not shown.", "…and {0} more matching stories not shown.",
        "You get this digest because {0} is subscribed to {1}, {2}.",
        ScheduleWords.English);

    private static readonly DigestLanguage SimplifiedChinese = new(
        CultureInfo.GetCultureInfo("zh-CN"), "、", "1 条新报道", "{0} 条新报道", "{0}：{1} · {2}", "{0}：{1}", "yyyy年M月d日", "M月d日 HH:mm",
        new DigestLabels("另见", "更新", "管理订阅设置", "退订"),
        "……另有 1 条相关报道未列出。", "……另有 {0} 条相关报道未列出。",
        "您收到这份摘要，是因为 {0} 订阅了 {1}。发送时间：{2}。",
        ScheduleWords.SimplifiedChinese);

    private static readonly DigestLanguage TraditionalChinese = new(
        CultureInfo.GetCultureInfo("zh-TW"), "、", "1 則新報導", "{0} 則新報導", "{0}：{1} · {2}", "{0}：{1}", "yyyy年M月d日", "M月d日 HH:mm",
        new DigestLabels("另見", "更新", "管理訂閱設定", "取消訂閱"),
        "……另有 1 則相關報導未列出。", "……另有 {0} 則相關報導未列出。",
        "您收到這份摘要，是因為 {0} 訂閱了 {1}。發送時間：{2}。",
        ScheduleWords.TraditionalChinese);

    /// <summary>The HTML lang attribute (BCP 47): "en" unless the subscriber's culture says otherwise.</summary>
    public string Tag => Culture.Name.Length == 0 ? "en" : Culture.Name;

    public static DigestLanguage For(CultureInfo? culture)
    {
        if (culture is null || culture.Name.Length == 0 || culture.TwoLetterISOLanguageName == "en")
        {
            return culture is null || culture.Name.Length == 0 ? English : English with { Culture = culture };
        }

        if (culture.TwoLetterISOLanguageName == "zh")
        {
            // zh-TW, zh-HK, zh-MO and zh-Hant write Traditional characters; zh, zh-CN, zh-SG and zh-Hans Simplified.
            var traditional = culture.Name is "zh-TW" or "zh-HK" or "zh-MO" || culture.Name.StartsWith("zh-Hant", StringComparison.Ordinal);
            return (traditional ? TraditionalChinese : SimplifiedChinese) with { Culture = culture };
        }

        return English with { Culture = culture };
    }

    public string Stories(int count) => count == 1 ? OneStory : string.Format(Culture, ManyStories, count);

    public string Subject(IEnumerable<string> topicNames, int count, DateTimeOffset localDate) =>
        string.Format(Culture, SubjectFormat, string.Join(TopicSeparator, topicNames), Stories(count), localDate.ToString(DateFormat, Culture));

    public string Heading(IEnumerable<string> topicNames, int count) =>
        string.Format(Culture, HeadingFormat, string.Join(TopicSeparator, topicNames), Stories(count));

    public string Time(DateTimeOffset localTime) => localTime.ToString(TimeFormat, Culture);

    public string Omitted(int count) => count == 1 ? OneOmitted : string.Format(Culture, ManyOmitted, count);

    public string Reason(string email, IEnumerable<string> topicNames, DigestSchedule schedule) =>
        string.Format(Culture, ReasonFormat, email, string.Join(TopicSeparator, topicNames), schedule.Describe(ScheduleWords));
}

/// <summary>The words around a digest's stories, as templates see them (<c>labels.also</c> …).</summary>
internal sealed record DigestLabels(string Also, string Updated, string Manage, string Unsubscribe);
