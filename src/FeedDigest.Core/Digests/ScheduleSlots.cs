namespace FeedDigest.Core.Digests;

/// <summary>A schedule's slots as the configuration gives them: a cadence with its time, or a cron expression.</summary>
internal abstract record ScheduleSlots
{
    private ScheduleSlots()
    {
    }

    public sealed record Hourly(int Minute) : ScheduleSlots;

    public sealed record Daily(TimeOnly At) : ScheduleSlots;

    public sealed record Weekly(DayOfWeek Day, TimeOnly At) : ScheduleSlots;

    public sealed record Cron(string Expression) : ScheduleSlots;
}
