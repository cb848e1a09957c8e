namespace FeedDigest.Core.Timing;

/// <summary>
/// The latest reading of the clock a task (the poll, the digest run) acted on. A reading earlier
/// than that, by more than <see cref="Tolerance"/>, means the clock went back by the difference:
/// the times the task stored while the clock was ahead are that much too late. A small step back
/// cannot be told from a time legitimately scheduled without it: a next check an hour ahead may
/// be an hour's interval, or a half-hour's interval set half an hour ahead.
/// The mark is kept in memory, and written down (to the minute) so that a step taken while the
/// service was stopped is seen at its next start. Not thread-safe: each task runs one at a time.
/// </summary>
public sealed class ClockHighWaterMark
{
    /// <summary>
    /// Steps back this small are not acted on: another process on the same store (a CLI command
    /// beside the service) may read the clock a moment after this one, and a written mark may be
    /// this far behind the last reading. The clock a minute late costs a minute.
    /// </summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(1);

    private DateTimeOffset? mark;
    private DateTimeOffset? recorded;

    /// <summary>Whether the mark written down was read (<see cref="Load"/>); the first run of a process reads it.</summary>
    public bool Loaded { get; private set; }

    /// <summary>The latest reading acted on; null before the first.</summary>
    public DateTimeOffset? Mark => mark;

    /// <summary>Takes the mark written down by an earlier process (null when none was).</summary>
    public void Load(DateTimeOffset? written)
    {
        recorded = written;
        if (written > mark || mark is null)
        {
            mark = written;
        }

        Loaded = true;
    }

    /// <summary>
    /// Takes <paramref name="now"/> as the latest reading. Returns how far the clock went back since
    /// the mark when that is more than <see cref="Tolerance"/>, else zero. A step is reported once:
    /// the mark is <paramref name="now"/> from then on.
    /// </summary>
    public TimeSpan Observe(DateTimeOffset now)
    {
        if (mark is { } latest && now < latest - Tolerance)
        {
            mark = now;
            return latest - now;
        }

        Advance(now);
        return TimeSpan.Zero;
    }

    /// <summary>Raises the mark to a reading taken during the task (its end), without looking for a step.</summary>
    public void Advance(DateTimeOffset now)
    {
        if (mark is null || now > mark)
        {
            mark = now;
        }
    }

    /// <summary>
    /// The mark to write down, or null when what is written is recent enough: at most a write a
    /// <see cref="Tolerance"/>, and always after a step back (the written mark is then ahead).
    /// Call <see cref="Recorded"/> once it is written.
    /// </summary>
    public DateTimeOffset? ToRecord() =>
        mark is { } latest && (recorded is not { } written || latest - written >= Tolerance || latest < written) ? latest : null;

    public void Recorded(DateTimeOffset at) => recorded = at;
}
