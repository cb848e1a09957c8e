namespace FeedDigest.Core.Digests;

/// <summary>
/// Where a subscriber stands: the schedule slot of their last digest and the story cut-off it
/// covered. Every story with a sequence above the cut-off is still to be considered for them.
/// </summary>
public sealed record SubscriberDigestState(
    string SubscriberKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSlotAt,
    long StoryCutoff)
{
    /// <summary>
    /// When the subscriber was suspended after too many permanent delivery failures in a row; null
    /// while they get digests. A suspended subscriber's slots pass with their stories, as when paused.
    /// </summary>
    public DateTimeOffset? SuspendedAt { get; init; }

    /// <summary>What the next slot is counted from: the last digest's slot, or when the subscriber was first seen.</summary>
    public DateTimeOffset ScheduleAnchor => LastSlotAt ?? CreatedAt;
}
