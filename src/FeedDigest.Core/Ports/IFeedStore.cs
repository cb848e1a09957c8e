using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Ports;

/// <summary>The feeds' polling state and the stories read from them.</summary>
public interface IFeedStore
{
    /// <summary>
    /// Makes the stored feeds match configuration: new feeds become due now, changed URLs are
    /// updated, feeds no longer configured stop being polled (their stories stay).
    /// </summary>
    Task SyncFeedsAsync(IReadOnlyList<Feed> feeds, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<FeedState>> GetDueFeedsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<FeedState>> GetFeedStatesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records one successful fetch: its new stories (those whose key is already stored are left as
    /// they are) and the feed's new state, in one transaction. Returns how many stories were new.
    /// </summary>
    Task<int> SaveFetchAsync(FeedState state, IReadOnlyList<NewStory> stories, CancellationToken cancellationToken);

    /// <summary>Records a fetch that changed no stories: a 304 or a failure.</summary>
    Task SaveStateAsync(FeedState state, CancellationToken cancellationToken);

    /// <summary>Stories first seen after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredStory>> GetStoriesAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken);
}
