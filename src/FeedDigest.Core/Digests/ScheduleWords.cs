namespace FeedDigest.Core.Digests;

/// <summary>
/// How a schedule reads in one language (<see cref="DigestSchedule.Describe"/>): a format for each
/// kind of slot, the zone, the days it is limited to and its quiet hours, and the names of the days.
/// </summary>
internal sealed record ScheduleWords(
    string Hourly,
    string Daily,
    string Weekly,
    string Cron,
    string Zone,
    string OnlyOn,
    string Quiet,
    string DaySeparator,
    IReadOnlyList<string> DayNames,
    IReadOnlyList<string> ShortDayNames)
{
    /// <summary>"daily at 07:00 (Asia/Shanghai), only on Mon, Wed, quiet 22:00-07:00": what admins read in listings and logs.</summary>
    public static readonly ScheduleWords English = new(
        "hourly at :{0}", "daily at {0}", "weekly on {1} at {0}", "cron \"{0}\"", " ({0})", ", only on {0}", ", quiet {0}", ", ",
        Enum.GetValues<DayOfWeek>().Select(day => day.ToString()).ToArray(),
        Enum.GetValues<DayOfWeek>().Select(day => day.ToString()[..3]).ToArray());

    // Chinese names a weekday the same way in a sentence and in a list.
    private static readonly string[] SimplifiedDays = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
    private static readonly string[] TraditionalDays = ["週日", "週一", "週二", "週三", "週四", "週五", "週六"];

    public static readonly ScheduleWords SimplifiedChinese = new(
        "每小时第 {0} 分", "每天 {0}", "每{1} {0}", "按 cron 表达式“{0}”", "（{0}）", "，仅限{0}", "，{0} 免打扰", "、", SimplifiedDays, SimplifiedDays);

    public static readonly ScheduleWords TraditionalChinese = new(
        "每小時第 {0} 分", "每天 {0}", "每{1} {0}", "依 cron 運算式「{0}」", "（{0}）", "，僅限{0}", "，{0} 勿擾", "、", TraditionalDays, TraditionalDays);

    public string Day(DayOfWeek day) => DayNames[(int)day];

    public string ShortDay(DayOfWeek day) => ShortDayNames[(int)day];
}
