using Cronos;

namespace FeedDigest.Core.Digests;

/// <summary>
/// When a subscriber's digests go out, in their own time zone. Cronos computes the occurrences so
/// that daylight-saving changes neither skip nor double a digest.
/// </summary>
public sealed class DigestSchedule
{
    private readonly CronExpression expression;

    private DigestSchedule(CronExpression expression, TimeZoneInfo timeZone, string description)
    {
        this.expression = expression;
        TimeZone = timeZone;
        Description = description;
    }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>How the schedule reads to a person, e.g. "daily at 07:00 (Asia/Shanghai)".</summary>
    public string Description { get; }

    public static DigestSchedule Daily(TimeOnly at, TimeZoneInfo timeZone) =>
        new(CronExpression.Parse($"{at.Minute} {at.Hour} * * *"), timeZone, $"daily at {at:HH\\:mm} ({timeZone.Id})");

    /// <summary>A five-field cron expression (minute hour day month weekday) in the subscriber's zone.</summary>
    public static bool TryCron(string cron, TimeZoneInfo timeZone, out DigestSchedule? schedule, out string? error)
    {
        try
        {
            schedule = new DigestSchedule(CronExpression.Parse(cron.Trim()), timeZone, $"cron \"{cron.Trim()}\" ({timeZone.Id})");
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

    /// <summary>The first send time strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        expression.GetNextOccurrence(after, TimeZone, inclusive: false);
}
