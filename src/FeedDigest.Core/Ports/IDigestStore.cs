using FeedDigest.Core.Digests;

namespace FeedDigest.Core.Ports;

/// <summary>Subscribers' progress and the outbox of claimed digests.</summary>
public interface IDigestStore
{
    /// <summary>
    /// The subscriber's state; a subscriber seen for the first time starts at <paramref name="now"/>
    /// with a cut-off that leaves out stories first seen before <paramref name="lookbackStart"/>.
    /// </summary>
    Task<SubscriberDigestState> GetOrCreateStateAsync(string subscriberKey, DateTimeOffset now, DateTimeOffset lookbackStart, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="GetOrCreateStateAsync"/> for many subscribers in one read (a digest run checks
    /// every subscriber's slot, and one read apiece cost more than the rest of the check), in the
    /// order of <paramref name="subscriberKeys"/>.
    /// </summary>
    Task<IReadOnlyList<SubscriberDigestState>> GetOrCreateStatesAsync(IReadOnlyList<string> subscriberKeys, DateTimeOffset now, DateTimeOffset lookbackStart, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically moves the subscriber from <paramref name="expected"/> to the new slot and cut-off
    /// and stores <paramref name="digest"/> (if any) in the outbox. Returns false, changing nothing,
    /// when the state is no longer <paramref name="expected"/> (another run got there first).
    /// A story already delivered to the subscriber is never claimed twice: the store enforces it.
    /// </summary>
    Task<bool> TryClaimAsync(SubscriberDigestState expected, DateTimeOffset slot, long newCutoff, ClaimedDigest? digest, CancellationToken cancellationToken);

    /// <summary>
    /// Digests due to be sent (or tried again), oldest first; those of suspended subscribers wait
    /// until they are resumed. Given <paramref name="subscriberKeys"/>, only theirs: a digest of a
    /// subscriber no longer configured (or who left) waits without holding up the others', and goes
    /// out if they come back.
    /// </summary>
    Task<IReadOnlyList<UnsentDigest>> GetUnsentDigestsAsync(DateTimeOffset now, int limit, IReadOnlyCollection<string>? subscriberKeys, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a digest about to be sent from being due again before <paramref name="until"/>, unless
    /// marked sent or failed first: when a send's outcome cannot be recorded (a full disk), the next
    /// runs do not send it again. Its claim, and everything written before, is durable (survives a
    /// power cut) once this returns.
    /// </summary>
    Task LeaseAsync(string digestId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Digests in the outbox (suspended subscribers' too) whose next attempt is after
    /// <paramref name="after"/>, in order of it.
    /// </summary>
    Task<IReadOnlyList<ScheduledAttempt>> GetAttemptsAfterAsync(DateTimeOffset after, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the digest's next attempt to <paramref name="nextAttemptAt"/>, unless it was tried,
    /// sent or leased since <paramref name="attempt"/> was read. Returns whether it moved.
    /// </summary>
    Task<bool> RescheduleAttemptAsync(ScheduledAttempt attempt, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>The latest reading of the clock a digest run in any process wrote down (<see cref="Timing.ClockHighWaterMark"/>); null before the first.</summary>
    Task<DateTimeOffset?> GetLastRunAsync(CancellationToken cancellationToken);

    /// <summary>Writes down <paramref name="at"/> as the latest reading of the clock a digest run acted on.</summary>
    Task RecordRunAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Stories in the subscriber's digests claimed since <paramref name="since"/>: their clusters are not listed again.</summary>
    Task<IReadOnlyList<long>> GetDeliveredStoryIdsAsync(string subscriberKey, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Which of these stories were in one of the subscriber's digests (claimed, sent or not), whenever.</summary>
    Task<IReadOnlyList<long>> GetDeliveredAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken);

    /// <summary>
    /// Who got each of these stories in a digest (claimed, sent or not), whenever, as pairs of
    /// subscriber and story: a digest run reads it once for all its subscribers.
    /// </summary>
    Task<IReadOnlyList<(string SubscriberKey, long StoryId)>> GetRecipientsAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken);

    /// <summary>Which of these stories one of the subscriber's digests showed as a headline (not only named under "also"), whenever.</summary>
    Task<IReadOnlyList<long>> GetHeadlinesAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken);

    /// <summary>Marks the digest sent; its subscriber's count of permanent failures in a row starts again at 0.</summary>
    Task MarkSentAsync(string digestId, DateTimeOffset sentAt, CancellationToken cancellationToken);

    Task MarkFailedAsync(string digestId, string failure, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a permanent refusal of the subscriber's address; the <paramref name="suspendAfter"/>th
    /// in a row suspends them (from <paramref name="at"/>) until <see cref="ResumeAsync"/>.
    /// </summary>
    Task<RecipientRefusal> RecordRecipientRefusedAsync(string subscriberKey, string failure, DateTimeOffset at, int suspendAfter, CancellationToken cancellationToken);

    /// <summary>Suspensions the admin has not been told about yet.</summary>
    Task<IReadOnlyList<SubscriberSuspension>> GetUntoldSuspensionsAsync(CancellationToken cancellationToken);

    Task MarkSuspensionToldAsync(string subscriberKey, CancellationToken cancellationToken);

    /// <summary>Every suspended subscriber, told or not.</summary>
    Task<IReadOnlyList<SubscriberSuspension>> GetSuspensionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lifts a suspension and clears the count of failures: digests are claimed for the subscriber
    /// again from their next slot, and those waiting in the outbox go out. Returns false when the
    /// subscriber was not suspended.
    /// </summary>
    Task<bool> ResumeAsync(string subscriberKey, CancellationToken cancellationToken);
}
