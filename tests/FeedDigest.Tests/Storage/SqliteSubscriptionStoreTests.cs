using FeedDigest.Core.Subscriptions;
using FeedDigest.Infrastructure.Storage.Sqlite;

namespace FeedDigest.Tests.Storage;

public sealed class SqliteSubscriptionStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubscriberPreferences Daily = new(["censorship"], "daily", "07:00", null, "UTC", Paused: false);
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(48);

    [Fact]
    public async Task RequestAsync_AskedAgainWithinResendInterval_SendsOneConfirmation()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var resend = TimeSpan.FromMinutes(15);

        var first = await store.RequestAsync("ana@example.com", "Ana@example.com", Daily, Now, resend, Lifetime, default);
        var second = await store.RequestAsync("ana@example.com", "Ana@example.com", Daily with { SendAt = "08:00" }, Now.AddMinutes(5), resend, Lifetime, default);
        var third = await store.RequestAsync("ana@example.com", "Ana@example.com", Daily, Now.AddMinutes(20), resend, Lifetime, default);

        Assert.Equal((true, false, true), (first.SendConfirmation, second.SendConfirmation, third.SendConfirmation));
        Assert.Equal(first.RequestId, third.RequestId);
        Assert.Null(await store.GetAsync("ana@example.com", default));
    }

    [Fact]
    public async Task ConfirmAsync_PendingRequest_BecomesActiveSubscriberOnce()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var request = await store.RequestAsync("ana@example.com", "Ana@example.com", Daily with { SendAt = "08:00" }, Now, TimeSpan.FromMinutes(15), Lifetime, default);

        var confirmed = await store.ConfirmAsync(request.RequestId, Now.AddMinutes(1), Lifetime, default);
        var again = await store.ConfirmAsync(request.RequestId, Now.AddMinutes(2), Lifetime, default);

        Assert.Equal(ConfirmationStatus.Confirmed, confirmed.Status);
        Assert.Equal(WebSubscriberStatus.Active, confirmed.Subscriber?.Status);
        Assert.Equal("08:00", confirmed.Subscriber?.Preferences.SendAt);
        Assert.Equal(new ConfirmationResult(ConfirmationStatus.AlreadyConfirmed), again);
        Assert.Equal(["censorship"], (await store.GetAsync("ana@example.com", default))?.Preferences.Topics);
        Assert.Equal(new ConfirmationResult(ConfirmationStatus.Gone), await store.ConfirmAsync("no-such-request", Now, Lifetime, default));
    }

    [Fact]
    public async Task GetConfirmationStatusAsync_PendingThenConfirmed_AlreadyConfirmedUntilTheSubscriberLeaves()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var request = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now, TimeSpan.FromMinutes(15), Lifetime, default);

        var before = await store.GetConfirmationStatusAsync(request.RequestId, Now.AddMinutes(1), Lifetime, default);
        await store.ConfirmAsync(request.RequestId, Now.AddMinutes(2), Lifetime, default);
        var after = await store.GetConfirmationStatusAsync(request.RequestId, Now.AddMinutes(3), Lifetime, default);
        await store.UnsubscribeAsync("ana@example.com", "ana@example.com", Now.AddMinutes(4), default);
        var left = await store.GetConfirmationStatusAsync(request.RequestId, Now.AddMinutes(5), Lifetime, default);

        Assert.Equal((ConfirmationStatus.Pending, ConfirmationStatus.AlreadyConfirmed, ConfirmationStatus.Gone), (before, after, left));
        Assert.Equal(ConfirmationStatus.Gone, (await store.ConfirmAsync(request.RequestId, Now.AddMinutes(6), Lifetime, default)).Status);
        Assert.Equal(WebSubscriberStatus.Unsubscribed, (await store.GetAsync("ana@example.com", default))?.Status);
    }

    [Fact]
    public async Task GetConfirmationStatusAsync_SubscriberConfirmsASecondRequest_TheFirstLinkStillSaysAlreadyConfirmed()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var first = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now, TimeSpan.FromMinutes(15), Lifetime, default);
        await store.ConfirmAsync(first.RequestId, Now.AddMinutes(1), Lifetime, default);
        var second = await store.RequestAsync("ana@example.com", "ana@example.com", Daily with { SendAt = "08:00" }, Now.AddMinutes(30), TimeSpan.FromMinutes(15), Lifetime, default);
        await store.ConfirmAsync(second.RequestId, Now.AddMinutes(31), Lifetime, default);

        Assert.NotEqual(first.RequestId, second.RequestId);
        Assert.Equal(ConfirmationStatus.AlreadyConfirmed, await store.GetConfirmationStatusAsync(first.RequestId, Now.AddMinutes(32), Lifetime, default));
        Assert.Equal(ConfirmationStatus.AlreadyConfirmed, await store.GetConfirmationStatusAsync(second.RequestId, Now.AddMinutes(32), Lifetime, default));
    }

    [Fact]
    public async Task RequestAsync_PrunesConfirmationsOlderThanTheLinkLifetime_AndKeepsNewerOnes()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var old = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now, TimeSpan.FromMinutes(15), Lifetime, default);
        await store.ConfirmAsync(old.RequestId, Now.AddMinutes(1), Lifetime, default);
        var recent = await store.RequestAsync("bo@example.com", "bo@example.com", Daily, Now.AddHours(47), TimeSpan.FromMinutes(15), Lifetime, default);
        await store.ConfirmAsync(recent.RequestId, Now.AddHours(47), Lifetime, default);

        // Anyone's next request prunes: the first confirmation is a lifetime old, the second is not.
        await store.RequestAsync("cy@example.com", "cy@example.com", Daily, Now.AddHours(48).AddMinutes(2), TimeSpan.FromMinutes(15), Lifetime, default);

        Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM confirmed_requests WHERE request_id = '{recent.RequestId}'"));
        Assert.Equal(0L, await database.ScalarAsync<long>($"SELECT count(*) FROM confirmed_requests WHERE request_id = '{old.RequestId}'"));
    }

    [Fact]
    public async Task ConfirmAsync_LinkOlderThanTheLifetimeInForce_IsGone_BeforeItsRequestIsDeleted()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        // Mailed under a 48 h lifetime; the admin has shortened it to 1 h since.
        var request = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now, TimeSpan.FromMinutes(15), Lifetime, default);
        var shortened = TimeSpan.FromHours(1);

        Assert.Equal(ConfirmationStatus.Pending, await store.GetConfirmationStatusAsync(request.RequestId, Now.AddMinutes(59), shortened, default));
        Assert.Equal(ConfirmationStatus.Gone, await store.GetConfirmationStatusAsync(request.RequestId, Now.AddHours(1), shortened, default));
        Assert.Equal(new ConfirmationResult(ConfirmationStatus.Gone), await store.ConfirmAsync(request.RequestId, Now.AddHours(2), shortened, default));

        Assert.Null(await store.GetAsync("ana@example.com", default));
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT count(*) FROM subscription_requests"));
    }

    [Fact]
    public async Task UnsubscribeAsync_ConfiguredSubscriberWithoutRow_IsStoredAsGone()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);

        await store.UnsubscribeAsync("ben@example.com", "ben@example.com", Now, default);
        await store.UnsubscribeAsync("ben@example.com", "ben@example.com", Now.AddMinutes(1), default);

        var ben = Assert.Single(await store.ListAsync(default));
        Assert.Equal(WebSubscriberStatus.Unsubscribed, ben.Status);

        // Confirming a new request brings them back.
        var request = await store.RequestAsync("ben@example.com", "ben@example.com", Daily, Now.AddHours(1), TimeSpan.FromMinutes(15), Lifetime, default);
        Assert.Equal(ConfirmationStatus.Confirmed, (await store.ConfirmAsync(request.RequestId, Now.AddHours(1), Lifetime, default)).Status);
        Assert.Equal(WebSubscriberStatus.Active, (await store.GetAsync("ben@example.com", default))?.Status);
    }

    [Fact]
    public async Task RequestAsync_RequestsWhoseLinkExpired_AreDeleted_TheOthersStayAndCanBeConfirmed()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var resend = TimeSpan.FromMinutes(15);
        var expired = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now, resend, Lifetime, default);
        var pending = await store.RequestAsync("ben@example.com", "ben@example.com", Daily, Now.AddHours(1), resend, Lifetime, default);

        // Ana's link expires at Now + 48 h; the next request, anyone's, takes hers away.
        await store.RequestAsync("cara@example.com", "cara@example.com", Daily, Now + Lifetime, resend, Lifetime, default);

        Assert.Equal(2, await database.ScalarAsync<int>("SELECT count(*) FROM subscription_requests"));
        Assert.Equal(ConfirmationStatus.Gone, (await store.ConfirmAsync(expired.RequestId, Now + Lifetime, Lifetime, default)).Status);
        Assert.Null(await store.GetAsync("ana@example.com", default));
        Assert.Equal(WebSubscriberStatus.Active, (await store.ConfirmAsync(pending.RequestId, Now + Lifetime, Lifetime, default)).Subscriber?.Status);
    }

    [Fact]
    public async Task RequestAsync_ResendIntervalLongerThanTheLink_KeepsTheExpiredRequestUntilTheIntervalEnds()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var store = new SqliteSubscriptionStore(database.Connections);
        var resend = TimeSpan.FromHours(72);
        var first = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now, resend, Lifetime, default);

        // Her link has expired, but asking again inside the resend interval still mails nothing.
        await store.RequestAsync("ben@example.com", "ben@example.com", Daily, Now.AddHours(50), resend, Lifetime, default);
        var again = await store.RequestAsync("ana@example.com", "ana@example.com", Daily, Now.AddHours(60), resend, Lifetime, default);
        Assert.Equal((first.RequestId, false), (again.RequestId, again.SendConfirmation));

        await store.RequestAsync("cara@example.com", "cara@example.com", Daily, Now + resend, resend, Lifetime, default);
        Assert.Equal(ConfirmationStatus.Gone, (await store.ConfirmAsync(first.RequestId, Now + resend, Lifetime, default)).Status);
    }
}
