using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Ports;

/// <summary>The feeds' polling state and the stories read from them.</summary>
public interface IFeedStore
{
    /// <summary>
    /// Makes the stored feeds match configuration: new feeds become due now, changed URLs are
    /// updated, feeds no longer configured stop being polled (their stories stay). First, in the same
    /// transaction, a stored feed that the configuration gives another Id (<see cref="FeedRenames.Find"/>)
    /// is renamed with everything stored under its Id, and its story keys stay valid: the feed keeps
    /// its history, and nothing it sent is sent again. The ids change as <see cref="FeedRenames.Moves"/>
    /// orders them (a row in a rename's way archived, a swap through a temporary id).
    /// </summary>
    /// <returns>The feeds renamed, and those not renamed because it was not clear which feed they continue.</returns>
    Task<FeedRenames> SyncFeedsAsync(IReadOnlyList<Feed> feeds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Feeds to check now, in order of their next check: those whose next check has come, and those whose next
    /// check is after <paramref name="latestScheduledCheck"/>, later than any schedule sets: it was
    /// set while the clock was ahead, and waiting for it would stop the feed until the clock catches up.
    /// </summary>
    Task<IReadOnlyList<FeedState>> GetDueFeedsAsync(DateTimeOffset now, DateTimeOffset latestScheduledCheck, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<FeedState>> GetFeedStatesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The stored feeds whose Id is none of <paramref name="configuredIds"/> (removed from the
    /// configuration, or archived by a rename), with how many of their stories are stored, in order of Id.
    /// </summary>
    Task<IReadOnlyList<UnconfiguredFeed>> GetUnconfiguredFeedsAsync(IReadOnlyCollection<string> configuredIds, CancellationToken cancellationToken);

    /// <summary>Active feeds, gone ones aside, whose next check is after <paramref name="after"/>, in order of it.</summary>
    Task<IReadOnlyList<FeedState>> GetFeedsDueAfterAsync(DateTimeOffset after, CancellationToken cancellationToken);

    /// <summary>
    /// Active feeds last checked after <paramref name="after"/>, and those never checked whose next
    /// check is after it: what a poll stored at a reading of the clock later than <paramref name="after"/>.
    /// </summary>
    Task<IReadOnlyList<FeedState>> GetFeedsCheckedAfterAsync(DateTimeOffset after, CancellationToken cancellationToken);

    /// <summary>Records the states of many feeds at once (their schedules moved), in one transaction.</summary>
    Task SaveStatesAsync(IReadOnlyList<FeedState> states, CancellationToken cancellationToken);

    /// <summary>
    /// Records one successful fetch and the feed's new state, in one transaction. An item any of
    /// whose keys is stored is that story: its other keys are added to it, and an edit updates it
    /// (and, under <see cref="EditedStoryPolicy.IncludeOnce"/>, makes it due once more). A key whose
    /// story was pruned is a tombstone: the item is not new. Other items are stored as new stories.
    /// </summary>
    Task<StoriesSaved> SaveFetchAsync(FeedState state, IReadOnlyList<NewStory> stories, EditedStoryPolicy editedStories, CancellationToken cancellationToken);

    /// <summary>Records a fetch that changed no stories: a 304 or a failure.</summary>
    Task SaveStateAsync(FeedState state, CancellationToken cancellationToken);

    /// <summary>
    /// Records <see cref="FeedState.AlertSent"/> alone, once a notice to the admin about the feed
    /// went out: the state it is about was saved before the notice was sent.
    /// </summary>
    Task SaveAlertSentAsync(string feedId, bool alertSent, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes stories first seen before <paramref name="firstSeenBefore"/> that no unsent digest
    /// holds; their keys stay as tombstones. Returns how many were deleted.
    /// </summary>
    Task<int> PruneStoriesAsync(DateTimeOffset firstSeenBefore, CancellationToken cancellationToken);

    /// <summary>When the daily prune last ran, in any process on this store; null before the first.</summary>
    Task<DateTimeOffset?> GetLastPruneAsync(CancellationToken cancellationToken);

    /// <summary>Records that the daily prune ran at <paramref name="at"/>.</summary>
    Task RecordPruneAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The latest reading of the clock a poll in any process wrote down (<see cref="Timing.ClockHighWaterMark"/>); null before the first.</summary>
    Task<DateTimeOffset?> GetLastPollAsync(CancellationToken cancellationToken);

    /// <summary>Writes down <paramref name="at"/> as the latest reading of the clock a poll acted on.</summary>
    Task RecordPollAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Stories that can be delivered (not held back) with an id above <paramref name="afterId"/>, in id order: what clustering still has to place.</summary>
    Task<IReadOnlyList<StoryToCluster>> GetStoriesToClusterAfterIdAsync(long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Stories due after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredStory>> GetStoriesAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The stories with these ids that are still stored and can be delivered, in sequence order.</summary>
    Task<IReadOnlyList<StoredStory>> GetStoriesAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken);
}
