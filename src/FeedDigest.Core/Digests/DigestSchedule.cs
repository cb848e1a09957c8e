using System.Globalization;
using Cronos;

namespace FeedDigest.Core.Digests;

/// <summary>
/// When a subscriber's digests go out, in their own time zone. Cronos computes the occurrences so
/// that daylight-saving changes neither skip nor double a daily or weekly digest: a time that does
/// not exist that day (the skipped hour) goes out at the first moment after the gap, and a time that
/// occurs twice (the repeated hour) goes out at the first of the two. An hourly digest goes out
/// every real hour, so the repeated hour has two and the skipped one none. Slots on a weekday the
/// subscriber left out, or inside their quiet hours, are passed over; their stories go in the next
/// digest.
/// </summary>
public sealed class DigestSchedule
{
    /// <summary>
    /// How many slots in a row may be passed over before the schedule is taken to have none left: a
    /// minutely cron with eight quiet hours passes over 480, an hourly one on weekends only 120.
    /// </summary>
    private const int MaxSlotsPassedOver = 20_000;

    private readonly CronExpression expression;

    /// <summary>
    /// For an hourly schedule, its minute: Cronos moves a slot that falls in the skipped hour to the
    /// end of the gap, which suits a daily digest (it still goes out that day) but would give an
    /// hourly one two digests a quarter of an hour apart. Slots not at this local minute are passed over.
    /// </summary>
    private readonly int? hourlyMinute;

    /// <summary>What the slots are, as written in the configuration, for describing them in any language.</summary>
    private readonly ScheduleSlots slots;

    private DigestSchedule(CronExpression expression, TimeZoneInfo timeZone, ScheduleSlots slots, IReadOnlySet<DayOfWeek>? weekdays = null, QuietHours? quietHours = null, int? hourlyMinute = null)
    {
        this.expression = expression;
        this.hourlyMinute = hourlyMinute;
        this.slots = slots;
        TimeZone = timeZone;
        Weekdays = weekdays;
        QuietHours = quietHours;
        Description = Describe(ScheduleWords.English);
    }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>How the schedule reads to an admin, e.g. "daily at 07:00 (Asia/Shanghai)".</summary>
    public string Description { get; }

    /// <summary>The local days digests may go out on; null: every day.</summary>
    public IReadOnlySet<DayOfWeek>? Weekdays { get; }

    public QuietHours? QuietHours { get; }

    /// <summary>Every hour at <paramref name="minute"/> past.</summary>
    public static DigestSchedule Hourly(int minute, TimeZoneInfo timeZone) =>
        new(CronExpression.Parse($"{minute} * * * *"), timeZone, new ScheduleSlots.Hourly(minute), hourlyMinute: minute);

    public static DigestSchedule Daily(TimeOnly at, TimeZoneInfo timeZone) =>
        new(CronExpression.Parse($"{at.Minute} {at.Hour} * * *"), timeZone, new ScheduleSlots.Daily(at));

    public static DigestSchedule Weekly(DayOfWeek day, TimeOnly at, TimeZoneInfo timeZone) =>
        new(CronExpression.Parse($"{at.Minute} {at.Hour} * * {(int)day}"), timeZone, new ScheduleSlots.Weekly(day, at));

    /// <summary>
    /// A cron expression in the subscriber's zone: five fields (minute hour day month weekday), or six
    /// with seconds first (second minute hour day month weekday), for digests more often than once a
    /// minute, e.g. on a test installation.
    /// </summary>
    public static bool TryCron(string cron, TimeZoneInfo timeZone, out DigestSchedule? schedule, out string? error)
    {
        var text = cron.Trim();
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            schedule = null;
            error = string.Create(CultureInfo.InvariantCulture, $"it has {fields} fields; write five (minute hour day month weekday) or six (second minute hour day month weekday)");
            return false;
        }

        try
        {
            var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            schedule = new DigestSchedule(CronExpression.Parse(text, format), timeZone, new ScheduleSlots.Cron(text));
            error = null;
            return true;
        }
        catch (CronFormatException exception)
        {
            schedule = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>The same slots, only on <paramref name="weekdays"/> (null: any day) and outside <paramref name="quietHours"/>.</summary>
    public DigestSchedule Limited(IReadOnlySet<DayOfWeek>? weekdays, QuietHours? quietHours) =>
        new(expression, TimeZone, slots, weekdays, quietHours, hourlyMinute);

    /// <summary>How the schedule reads to a person in the language of <paramref name="words"/>.</summary>
    internal string Describe(ScheduleWords words)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = slots switch
        {
            ScheduleSlots.Hourly hourly => string.Format(culture, words.Hourly, hourly.Minute.ToString("00", culture)),
            ScheduleSlots.Daily daily => string.Format(culture, words.Daily, Clock(daily.At)),
            ScheduleSlots.Weekly weekly => string.Format(culture, words.Weekly, Clock(weekly.At), words.Day(weekly.Day)),
            ScheduleSlots.Cron cron => string.Format(culture, words.Cron, cron.Expression),
            _ => throw new InvalidOperationException($"Unknown schedule slots {slots}."),
        };
        text += string.Format(culture, words.Zone, TimeZone.Id);
        if (Weekdays is not null)
        {
            text += string.Format(culture, words.OnlyOn, string.Join(words.DaySeparator, Weekdays.Order().Select(words.ShortDay)));
        }

        if (QuietHours is not null)
        {
            text += string.Format(culture, words.Quiet, QuietHours);
        }

        return text;

        static string Clock(TimeOnly at) => at.ToString("HH\\:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>The first send time strictly after <paramref name="after"/>; null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var from = after;
        for (var passedOver = 0; passedOver < MaxSlotsPassedOver; passedOver++)
        {
            if (expression.GetNextOccurrence(from, TimeZone, inclusive: false) is not { } next)
            {
                return null;
            }

            if (Allows(next))
            {
                return next;
            }

            from = next;
        }

        return null;
    }

    private bool Allows(DateTimeOffset slot)
    {
        var local = TimeZoneInfo.ConvertTime(slot, TimeZone);
        return (hourlyMinute is null || local.Minute == hourlyMinute)
            && (Weekdays is null || Weekdays.Contains(local.DayOfWeek))
            && (QuietHours is null || !QuietHours.Contains(TimeOnly.FromDateTime(local.DateTime)));
    }
}

/// <summary>A local time span with no digests, e.g. 22:00–07:00; it may cross midnight.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool Contains(TimeOnly time) =>
        Start <= End ? time >= Start && time < End : time >= Start || time < End;

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
