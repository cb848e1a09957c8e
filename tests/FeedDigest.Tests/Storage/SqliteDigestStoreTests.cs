using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.Tests.Storage;

public sealed class SqliteDigestStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Feed Harbor = new("harbor", new Uri("https://harbor.example/feed.xml"), null, [], null);

    private SqliteTestDatabase database = null!;
    private SqliteFeedStore feeds = null!;
    private SqliteDigestStore store = null!;

    public async Task InitializeAsync()
    {
        database = await SqliteTestDatabase.CreateAsync();
        feeds = new SqliteFeedStore(database.Connections);
        store = new SqliteDigestStore(database.Connections);
        await feeds.SyncFeedsAsync([Harbor], T0.AddDays(-3), CancellationToken.None);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task GetOrCreateStateAsync_NewSubscriber_StartsAtTheLookbackCutoff()
    {
        var (old, older, recent) = (await AddStoryAsync("old", T0.AddHours(-48)), await AddStoryAsync("older", T0.AddHours(-30)), await AddStoryAsync("recent", T0.AddHours(-2)));

        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddHours(-24), CancellationToken.None);

        Assert.Equal(new SubscriberDigestState("ana@example.com", T0, null, older), state);
        Assert.True(old < older && older < recent);
    }

    [Fact]
    public async Task GetOrCreateStateAsync_NoStoriesBeforeTheLookback_StartsAtZero()
    {
        await AddStoryAsync("recent", T0.AddHours(-2));

        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddHours(-24), CancellationToken.None);

        Assert.Equal(0, state.StoryCutoff);
    }

    [Fact]
    public async Task GetOrCreateStatesAsync_CreatesTheNewAndKeepsTheKnown_InTheOrderAsked()
    {
        await AddStoryAsync("old", T0.AddHours(-48));
        var known = await store.GetOrCreateStateAsync("bo@example.com", T0, T0.AddHours(-24), CancellationToken.None);
        var later = await AddStoryAsync("later", T0.AddHours(1));

        var states = await store.GetOrCreateStatesAsync(["cy@example.com", "bo@example.com", "ana@example.com"], T0.AddDays(1), T0.AddHours(23), CancellationToken.None);

        Assert.Equal(
            [
                new SubscriberDigestState("cy@example.com", T0.AddDays(1), null, later),
                known,
                new SubscriberDigestState("ana@example.com", T0.AddDays(1), null, later),
            ],
            states);
        Assert.Equal(states[0], await store.GetOrCreateStateAsync("cy@example.com", T0.AddDays(2), T0.AddDays(2), CancellationToken.None));
    }

    [Fact]
    public async Task GetOrCreateStateAsync_KnownSubscriber_KeepsTheFirstState()
    {
        await AddStoryAsync("old", T0.AddHours(-48));
        var first = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddHours(-24), CancellationToken.None);
        await AddStoryAsync("later", T0.AddHours(1));

        var again = await store.GetOrCreateStateAsync("ana@example.com", T0.AddDays(1), T0.AddHours(23), CancellationToken.None);

        Assert.Equal(first, again);
    }

    [Fact]
    public async Task TryClaimAsync_FirstClaim_MovesTheStateAndStoresTheDigest()
    {
        var story = await AddStoryAsync("s1", T0);
        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddDays(-1), CancellationToken.None);

        var claimed = await store.TryClaimAsync(state, T0.AddHours(1), story, Digest("d1", (story, "censorship")), CancellationToken.None);

        Assert.True(claimed);
        Assert.Equal(
            new SubscriberDigestState("ana@example.com", T0, T0.AddHours(1), story),
            await store.GetOrCreateStateAsync("ana@example.com", T0.AddDays(5), T0, CancellationToken.None));
        Assert.Equal(["d1"], (await Unsent(T0.AddHours(1))).Select(d => d.Digest.Id));
    }

    [Fact]
    public async Task TryClaimAsync_SecondClaimWithStaleState_ReturnsFalseAndChangesNothing()
    {
        var story = await AddStoryAsync("s1", T0);
        var stale = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddDays(-1), CancellationToken.None);
        Assert.True(await store.TryClaimAsync(stale, T0.AddHours(1), story, Digest("d1", (story, "censorship")), CancellationToken.None));

        var second = await store.TryClaimAsync(stale, T0.AddHours(2), story + 100, Digest("d2", (story, "censorship")), CancellationToken.None);

        Assert.False(second);
        Assert.Equal(["d1"], (await Unsent(T0.AddHours(3))).Select(d => d.Digest.Id));
        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0, CancellationToken.None);
        Assert.Equal(T0.AddHours(1), state.LastSlotAt);
        Assert.Equal(story, state.StoryCutoff);
    }

    [Fact]
    public async Task TryClaimAsync_NoDigest_MovesTheStateOnly()
    {
        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddDays(-1), CancellationToken.None);

        Assert.True(await store.TryClaimAsync(state, T0.AddHours(1), 0, null, CancellationToken.None));

        Assert.Equal(T0.AddHours(1), (await store.GetOrCreateStateAsync("ana@example.com", T0, T0, CancellationToken.None)).LastSlotAt);
        Assert.Empty(await Unsent(T0.AddDays(1)));
    }

    [Fact]
    public async Task GetUnsentDigestsAsync_ClaimedDigest_ComesWithItsEntriesAndStories()
    {
        var s1 = await AddStoryAsync("s1", T0, "Great Firewall grows");
        var s2 = await AddStoryAsync("s2", T0, "Port reopens");
        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0.AddDays(-1), CancellationToken.None);
        var digest = new ClaimedDigest(
            "d1", "ana@example.com", "digest.d1@feeddigest", T0.AddHours(1),
            [new DigestEntry(s2, "shipping", 0), new DigestEntry(s1, "censorship", 1)], 3);
        await store.TryClaimAsync(state, T0.AddHours(1), s2, digest, CancellationToken.None);

        var unsent = Assert.Single(await Unsent(T0.AddHours(1)));

        Assert.Equal("d1", unsent.Digest.Id);
        Assert.Equal("ana@example.com", unsent.Digest.SubscriberKey);
        Assert.Equal("digest.d1@feeddigest", unsent.Digest.MessageId);
        Assert.Equal(T0.AddHours(1), unsent.Digest.CreatedAt);
        Assert.Equal(3, unsent.Digest.OmittedCount);
        Assert.Equal(digest.Entries, unsent.Digest.Entries);
        Assert.Equal(["Port reopens", "Great Firewall grows"], unsent.Stories.Select(s => s.Title));
        Assert.Equal(0, unsent.Attempts);
    }

    [Fact]
    public async Task MarkSentAsync_SentDigest_LeavesTheOutbox()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story);

        await store.MarkSentAsync("d1", T0.AddHours(2), CancellationToken.None);

        Assert.Empty(await Unsent(T0.AddDays(1)));
        Assert.Equal("sent", await database.ScalarAsync<string>("SELECT status FROM digests WHERE id = 'd1'"));
    }

    [Fact]
    public async Task MarkFailedAsync_WithRetryTime_HidesTheDigestUntilThen()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story);

        await store.MarkFailedAsync("d1", "421 try later", T0.AddHours(3), CancellationToken.None);

        Assert.Empty(await Unsent(T0.AddHours(3).AddTicks(-1)));
        var retried = Assert.Single(await Unsent(T0.AddHours(3)));
        Assert.Equal("d1", retried.Digest.Id);
        Assert.Equal(1, retried.Attempts);
    }

    [Fact]
    public async Task LeaseAsync_HidesTheDigestUntilThen_WithoutCountingAnAttempt_AndAnOutcomeEndsIt()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story);
        await ClaimAsync("bo@example.com", "d2", story);

        await store.LeaseAsync("d1", T0.AddMinutes(5), CancellationToken.None);
        await store.LeaseAsync("d2", T0.AddMinutes(5), CancellationToken.None);

        Assert.Empty(await Unsent(T0.AddMinutes(5).AddTicks(-1)));
        Assert.Equal(0, Assert.Single(await Unsent(T0.AddMinutes(5)), d => d.Digest.Id == "d1").Attempts);
        await store.MarkSentAsync("d1", T0.AddMinutes(1), CancellationToken.None);
        await store.MarkFailedAsync("d2", "451 later", T0.AddMinutes(2), CancellationToken.None);
        Assert.Equal(["d2"], (await Unsent(T0.AddMinutes(2))).Select(d => d.Digest.Id));
        // Every connection opened afterwards is back at NORMAL: only the lease's own commit is synced.
        Assert.Equal(1L, await database.ScalarAsync<long>("PRAGMA synchronous"));
    }

    [Fact]
    public async Task GetAttemptsAfterAsync_GivesPendingDigestsTriedLater_InOrder()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story);
        await ClaimAsync("bo@example.com", "d2", story);
        await ClaimAsync("cy@example.com", "d3", story);
        await ClaimAsync("di@example.com", "d4", story);
        await store.MarkFailedAsync("d1", "451 later", T0.AddDays(2), CancellationToken.None);
        await store.LeaseAsync("d2", T0.AddDays(1), CancellationToken.None);
        await store.MarkFailedAsync("d3", "451 later", T0.AddMinutes(5), CancellationToken.None);
        await store.MarkFailedAsync("d4", "550 no such user", null, CancellationToken.None);

        Assert.Equal(
            [new ScheduledAttempt("d2", "bo@example.com", T0.AddDays(1)), new ScheduledAttempt("d1", "ana@example.com", T0.AddDays(2))],
            await store.GetAttemptsAfterAsync(T0.AddHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task RescheduleAttemptAsync_MovesTheAttempt_UnlessItWasTriedSinceItWasRead()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story);
        await ClaimAsync("bo@example.com", "d2", story);
        await store.MarkFailedAsync("d1", "451 later", T0.AddDays(2), CancellationToken.None);
        await store.MarkFailedAsync("d2", "451 later", T0.AddDays(2), CancellationToken.None);
        var read = await store.GetAttemptsAfterAsync(T0, CancellationToken.None);
        await store.MarkFailedAsync("d2", "451 later", T0.AddDays(3), CancellationToken.None);

        Assert.True(await store.RescheduleAttemptAsync(read[0], T0, CancellationToken.None));
        Assert.False(await store.RescheduleAttemptAsync(read[1], T0, CancellationToken.None));

        Assert.Equal(["d1"], (await Unsent(T0)).Select(d => d.Digest.Id));
        Assert.Equal([new ScheduledAttempt("d2", "bo@example.com", T0.AddDays(3))], await store.GetAttemptsAfterAsync(T0, CancellationToken.None));
    }

    [Fact]
    public async Task RecordRunAsync_IsWhatGetLastRunAsyncReads()
    {
        Assert.Null(await store.GetLastRunAsync(CancellationToken.None));

        await store.RecordRunAsync(T0.AddHours(1), CancellationToken.None);
        await store.RecordRunAsync(T0, CancellationToken.None);

        Assert.Equal(T0, await store.GetLastRunAsync(CancellationToken.None));
        Assert.Null(await feeds.GetLastPollAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetUnsentDigestsAsync_ForGivenSubscribers_LeavesTheOthersWaiting()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story, createdAt: T0.AddHours(1));
        await ClaimAsync("gone@example.com", "d2", story, createdAt: T0);

        Assert.Equal(["d1"], (await store.GetUnsentDigestsAsync(T0.AddDays(1), 1, ["ana@example.com"], CancellationToken.None)).Select(d => d.Digest.Id));
        Assert.Equal(["d2", "d1"], (await Unsent(T0.AddDays(1))).Select(d => d.Digest.Id));
    }

    [Fact]
    public async Task MarkFailedAsync_WithoutRetryTime_FailsTheDigestForGood()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("ana@example.com", "d1", story);

        await store.MarkFailedAsync("d1", "550 no such user", null, CancellationToken.None);

        Assert.Empty(await Unsent(T0.AddYears(1)));
        Assert.Equal("failed", await database.ScalarAsync<string>("SELECT status FROM digests WHERE id = 'd1'"));
    }

    [Fact]
    public async Task GetUnsentDigestsAsync_SeveralDigests_ComeOldestFirstUpToTheLimit()
    {
        var story = await AddStoryAsync("s1", T0);
        await ClaimAsync("bo@example.com", "late", story, createdAt: T0.AddHours(2));
        await ClaimAsync("ana@example.com", "early", story, createdAt: T0.AddHours(1));

        Assert.Equal(["early", "late"], (await Unsent(T0.AddDays(1))).Select(d => d.Digest.Id));
        Assert.Equal(["early"], (await store.GetUnsentDigestsAsync(T0.AddDays(1), 1, null, CancellationToken.None)).Select(d => d.Digest.Id));
    }

    [Fact]
    public async Task TryClaimAsync_StoryAlreadyDeliveredToTheSubscriber_IsLeftOutOfTheLaterDigest()
    {
        var s1 = await AddStoryAsync("s1", T0);
        var s2 = await AddStoryAsync("s2", T0);
        await ClaimAsync("ana@example.com", "d1", s1);
        await store.MarkSentAsync("d1", T0.AddHours(1), CancellationToken.None);
        var state = await store.GetOrCreateStateAsync("ana@example.com", T0, T0, CancellationToken.None);

        Assert.True(await store.TryClaimAsync(state, T0.AddDays(1), s2, Digest("d2", (s1, "censorship"), (s2, "censorship")), CancellationToken.None));

        var d2 = Assert.Single(await Unsent(T0.AddDays(1)));
        Assert.Equal([s2], d2.Digest.Entries.Select(e => e.StoryId));
        Assert.Equal([s2], d2.Stories.Select(s => s.Id));
    }

    [Fact]
    public async Task TryClaimAsync_StoryDeliveredToAnotherSubscriber_IsStillClaimed()
    {
        var s1 = await AddStoryAsync("s1", T0);
        await ClaimAsync("bo@example.com", "d-bo", s1);

        await ClaimAsync("ana@example.com", "d-ana", s1);

        var ana = Assert.Single(await Unsent(T0.AddDays(1)), d => d.Digest.Id == "d-ana");
        Assert.Equal([s1], ana.Stories.Select(s => s.Id));
    }

    [Fact]
    public async Task PruneStoriesAsync_SentDigestOfPrunedStories_IsForgotten_ADigestStillInTheOutboxStays()
    {
        var sentStory = await AddStoryAsync("s1", T0);
        var pendingStory = await AddStoryAsync("s2", T0);
        await ClaimAsync("ana@example.com", "sent", sentStory);
        await ClaimAsync("bo@example.com", "pending", pendingStory);
        await store.MarkSentAsync("sent", T0.AddHours(1), CancellationToken.None);

        var pruned = await feeds.PruneStoriesAsync(T0.AddDays(90), CancellationToken.None);

        Assert.Equal(1, pruned);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM digests"));
        Assert.Equal("pending", await database.ScalarAsync<string>("SELECT id FROM digests"));
        Assert.Equal(["pending"], (await Unsent(T0.AddDays(91))).Select(d => d.Digest.Id));
    }

    private async Task<long> AddStoryAsync(string key, DateTimeOffset firstSeenAt, string? title = null)
    {
        var state = new FeedState(Harbor.Id, Harbor.Source, null, null, firstSeenAt, firstSeenAt, firstSeenAt.AddMinutes(30), 0, null);
        var story = new NewStory(Harbor.Id, ["guid:" + key], title ?? key, "https://harbor.example/" + key, "summary", null, [], null, null, firstSeenAt);
        Assert.Equal(1, (await feeds.SaveFetchAsync(state, [story], EditedStoryPolicy.Ignore, CancellationToken.None)).New);
        return (await feeds.GetStoriesAfterAsync(0, 1000, CancellationToken.None)).Single(s => s.Title == story.Title).Id;
    }

    private async Task ClaimAsync(string subscriberKey, string digestId, long story, DateTimeOffset? createdAt = null)
    {
        var state = await store.GetOrCreateStateAsync(subscriberKey, T0, T0.AddDays(-1), CancellationToken.None);
        var digest = Digest(digestId, (story, "censorship")) with { SubscriberKey = subscriberKey, CreatedAt = createdAt ?? T0.AddHours(1) };
        Assert.True(await store.TryClaimAsync(state, digest.CreatedAt, story, digest, CancellationToken.None));
    }

    private static ClaimedDigest Digest(string id, params (long Story, string Topic)[] entries) =>
        new(id, "ana@example.com", $"digest.{id}@feeddigest", T0.AddHours(1), entries.Select((e, i) => new DigestEntry(e.Story, e.Topic, i)).ToList(), 0);

    private Task<IReadOnlyList<UnsentDigest>> Unsent(DateTimeOffset now) =>
        store.GetUnsentDigestsAsync(now, 100, null, CancellationToken.None);
}
