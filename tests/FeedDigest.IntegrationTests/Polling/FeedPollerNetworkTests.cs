using System.IO.Compression;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests.Polling;

/// <summary>
/// Feed health, back-off and the admin alert, through the real poller, fetcher and SQLite store,
/// against a loopback server answering 200, 304, 301, 410, 429 with Retry-After, 500, slowly and hugely,
/// and an alert whose send throws or is cancelled.
/// </summary>
public sealed class FeedPollerNetworkTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(Start);
    private LoopbackFeedServer server = null!;
    private InProcessSmtpServer smtp = null!;

    public async Task InitializeAsync()
    {
        server = await LoopbackFeedServer.StartAsync();
        smtp = InProcessSmtpServer.Start();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await smtp.DisposeAsync();
    }

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Poll_PermanentRedirect_FollowsAndPollsTheNewAddressFromThenOn()
    {
        var target = server.Set("new.xml", FeedDocuments.Rss(("m1", "Moved story", "x")));
        var old = server.Route("old.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = "/new.xml";
            return Task.CompletedTask;
        });
        using var host = await StartAsync(("moved", old));

        Assert.Equal(1, (await PollAsync(host)).NewStories);
        var state = await StateAsync(host, "moved");
        Assert.Equal(target, state.FetchUri);
        Assert.Equal(200, state.LastStatus);

        clock.Advance(TimeSpan.FromHours(1));
        await PollAsync(host);
        Assert.Equal(1, server.RequestLog.Count(r => r.EndsWith("/old.xml", StringComparison.Ordinal)));
        Assert.Equal(1, server.NotModifiedResponses);
    }

    [Fact]
    public async Task Poll_TemporaryRedirect_KeepsTheConfiguredAddress()
    {
        server.Set("elsewhere.xml", FeedDocuments.Rss(("t1", "Story", "x")));
        var feed = server.Route("temp.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = "/elsewhere.xml";
            return Task.CompletedTask;
        });
        using var host = await StartAsync(("temp", feed));

        Assert.Equal(1, (await PollAsync(host)).NewStories);

        Assert.Null((await StateAsync(host, "temp")).FetchUri);
    }

    [Fact]
    public async Task Poll_Gone_StopsPollingAndTellsTheAdminOnce()
    {
        var feed = server.Route("gone.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
            return Task.CompletedTask;
        });
        using var host = await StartAsync(("gone", feed));

        await PollAsync(host);
        clock.Advance(TimeSpan.FromDays(2));
        await PollAsync(host);

        var state = await StateAsync(host, "gone");
        Assert.True(state.Gone);
        Assert.Equal(410, state.LastStatus);
        Assert.Equal(1, server.Requests);
        var alert = Assert.Single(smtp.Messages);
        Assert.Equal("admin@example.org", alert.To.Mailboxes.Single().Address);
        Assert.Equal("FeedDigest: feed \"gone\" is gone", alert.Subject);
        Assert.Contains("410 Gone", alert.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_TooManyRequestsWithRetryAfter_WaitsAsLongAsTheServerAsks()
    {
        var feed = server.Route("busy.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7200";
            return Task.CompletedTask;
        });
        using var host = await StartAsync(("busy", feed));

        await PollAsync(host);

        var state = await StateAsync(host, "busy");
        Assert.InRange(state.NextCheckAt, Start.AddHours(2), Start.AddHours(2.2));
        Assert.StartsWith("RateLimited: HTTP 429", state.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_ServerErrors_BackOffExponentially_AlertAfterN_AndReportRecovery()
    {
        var failing = true;
        var feed = server.Route("flaky.xml", async context =>
        {
            if (failing)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("f1", "Back again", "x")));
        });
        using var host = await StartAsync(("flaky", feed));

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await PollAsync(host);
            var state = await StateAsync(host, "flaky");
            Assert.Equal(attempt, state.ConsecutiveErrors);
            Assert.Equal(Start, state.FailingSince);
            waits.Add(state.NextCheckAt - clock.GetUtcNow());
            clock.Advance(state.NextCheckAt - clock.GetUtcNow());
        }

        // 30 min, 60 min, 120 min (plus at most 10% jitter each).
        Assert.InRange(waits[0], TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(33));
        Assert.InRange(waits[1], TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(66));
        Assert.InRange(waits[2], TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(132));
        var alert = Assert.Single(smtp.Messages);
        Assert.Equal("FeedDigest: feed \"flaky\" is failing", alert.Subject);
        Assert.Contains("failed 3 times in a row since 2026-11-24 00:00 UTC", alert.TextBody, StringComparison.Ordinal);
        Assert.Contains("ServerError: HTTP 500", alert.TextBody, StringComparison.Ordinal);

        // A fourth failure does not tell the admin again.
        await PollAsync(host);
        Assert.Equal(4, (await StateAsync(host, "flaky")).ConsecutiveErrors);
        Assert.Single(smtp.Messages);

        failing = false;
        clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(1, (await PollAsync(host)).NewStories);
        var recovered = await StateAsync(host, "flaky");
        Assert.Equal(0, recovered.ConsecutiveErrors);
        Assert.Null(recovered.FailingSince);
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal("FeedDigest: feed \"flaky\" recovered", smtp.Messages.Last().Subject);
    }

    [Fact]
    public async Task Poll_AdminAlertWhoseSendThrows_OtherFeedsAreStored_FailureIsSaved_AlertIsTriedAgainOnTheNextFailure()
    {
        var broken = server.Route("broken.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var first = server.Set("first.xml", FeedDocuments.Rss(("a1", "First story", "x")));
        var second = server.Set("second.xml", FeedDocuments.Rss(("b1", "Second story", "x")));
        var mail = new FailingMailSender { Failure = _ => throw new MailKit.ServiceNotAuthenticatedException("5.7.0 Authentication required") };
        var logs = new CollectingLoggerProvider();
        using var host = await StartAsync(
            [("broken", broken), ("first", first), ("second", second)],
            new Dictionary<string, string?> { ["FeedDigest:Polling:AlertAfterFailures"] = "1" },
            builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IMailSender>(mail));
                builder.Logging.AddProvider(logs);
            });

        Assert.Equal(new PollReport(3, 1, 2), await PollAsync(host));

        var failing = await StateAsync(host, "broken");
        Assert.Equal((1, Start, false), (failing.ConsecutiveErrors, failing.LastCheckedAt, failing.AlertSent));
        Assert.InRange(failing.NextCheckAt, Start.AddMinutes(30), Start.AddMinutes(33));
        Assert.Equal(Start, (await StateAsync(host, "first")).LastSuccessAt);
        Assert.Equal(Start, (await StateAsync(host, "second")).LastSuccessAt);
        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Warning
            && line.Message.Contains("FeedDigest:Admin:Email = admin@example.org", StringComparison.Ordinal)
            && line.Message.Contains("feed broken", StringComparison.Ordinal)
            && line.Message.Contains("5.7.0 Authentication required", StringComparison.Ordinal));

        // The mail settings fixed: the next failure brings the alert, once.
        mail.Failure = null;
        clock.Advance(failing.NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        var alert = Assert.Single(mail.Delivered);
        Assert.Equal("FeedDigest: feed \"broken\" is failing", alert.Subject);
        var alerted = await StateAsync(host, "broken");
        Assert.Equal((2, true), (alerted.ConsecutiveErrors, alerted.AlertSent));
        clock.Advance(alerted.NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        Assert.Equal(3, (await StateAsync(host, "broken")).ConsecutiveErrors);
        Assert.Single(mail.Delivered);
    }

    [Fact]
    public async Task Poll_StoppedWhileTheAdminAlertIsBeingSent_TheFailureAndItsBackOffAreSaved()
    {
        var broken = server.Route("broken.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var mail = new FailingMailSender { Failure = token => Task.Delay(Timeout.Infinite, token) };
        using var host = await StartAsync(
            [("broken", broken)],
            new Dictionary<string, string?> { ["FeedDigest:Polling:AlertAfterFailures"] = "1" },
            builder => builder.Services.Replace(ServiceDescriptor.Singleton<IMailSender>(mail)));
        using var stopping = new CancellationTokenSource();

        var poll = host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: false, stopping.Token);
        await mail.Attempted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        var state = await StateAsync(host, "broken");
        Assert.Equal((1, false), (state.ConsecutiveErrors, state.AlertSent));
        Assert.InRange(state.NextCheckAt, Start.AddMinutes(30), Start.AddMinutes(33));
    }

    [Fact]
    public async Task Poll_RecoveryWhoseSaveFails_TheNoticeWaitsForTheSave_AndGoesOutOnce()
    {
        var failing = true;
        var feed = server.Route("flaky.xml", async context =>
        {
            if (failing)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("f1", "Back again", "x")));
        });
        FaultyFeedStore store = null!;
        var storedWhenTold = new List<(int ConsecutiveErrors, bool AlertSent)>();
        var mail = new FailingMailSender
        {
            Observe = async message =>
            {
                if (message.Subject.EndsWith("recovered", StringComparison.Ordinal))
                {
                    var stored = (await store.GetFeedStatesAsync(default)).Single(s => s.FeedId == "flaky");
                    storedWhenTold.Add((stored.ConsecutiveErrors, stored.AlertSent));
                }
            },
        };
        using var host = await StartAsync(
            [("flaky", feed)],
            new Dictionary<string, string?> { ["FeedDigest:Polling:AlertAfterFailures"] = "1" },
            builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IMailSender>(mail));
                store = FaultyFeedStore.Wrap(builder.Services);
            });

        await PollAsync(host);
        Assert.Equal("FeedDigest: feed \"flaky\" is failing", Assert.Single(mail.Delivered).Subject);
        Assert.True((await StateAsync(host, "flaky")).AlertSent);

        // The feed answers again, but saving that fails (the database locked): the admin is not told yet.
        failing = false;
        store.FailWriteAfter(0);
        clock.Advance((await StateAsync(host, "flaky")).NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        Assert.Single(mail.Delivered);
        var notSaved = await StateAsync(host, "flaky");
        Assert.Equal((2, true), (notSaved.ConsecutiveErrors, notSaved.AlertSent));

        // The next fetch is saved, and only then is the admin told, once.
        clock.Advance(notSaved.NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        clock.Advance((await StateAsync(host, "flaky")).NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);

        Assert.Equal(
            ["FeedDigest: feed \"flaky\" is failing", "FeedDigest: feed \"flaky\" recovered"],
            mail.Delivered.Select(m => m.Subject));
        Assert.Equal([(0, true)], storedWhenTold);
        var recovered = await StateAsync(host, "flaky");
        Assert.Equal((0, false), (recovered.ConsecutiveErrors, recovered.AlertSent));
    }

    [Fact]
    public async Task Poll_AlertSentButNotRecorded_TheFailureIsCountedOnce_AndTheAdminToldOnce()
    {
        var broken = server.Route("broken.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var mail = new FailingMailSender();
        var logs = new CollectingLoggerProvider();
        FaultyFeedStore store = null!;
        using var host = await StartAsync(
            [("broken", broken)],
            new Dictionary<string, string?> { ["FeedDigest:Polling:AlertAfterFailures"] = "1" },
            builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IMailSender>(mail));
                builder.Logging.AddProvider(logs);
                store = FaultyFeedStore.Wrap(builder.Services);
            });

        // The failure is saved; the alert goes out; writing down that it went out fails.
        store.FailWriteAfter(1);
        Assert.Equal(new PollReport(1, 1, 0), await PollAsync(host));

        var state = await StateAsync(host, "broken");
        Assert.Equal((1, false), (state.ConsecutiveErrors, state.AlertSent));
        Assert.InRange(state.NextCheckAt, Start.AddMinutes(30), Start.AddMinutes(33));
        Assert.Equal("FeedDigest: feed \"broken\" is failing", Assert.Single(mail.Delivered).Subject);
        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Warning
            && line.Message.Contains("Feed broken", StringComparison.Ordinal)
            && line.Message.Contains("\"failing\" notice, but that could not be recorded", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Poll_NoticesSentButNotRecorded_AreNotSentAgainAtTheNextFetch_AndAreRecordedThen()
    {
        var failing = true;
        var feed = server.Route("shaky.xml", async context =>
        {
            if (failing)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("s1", "Back", "x")));
        });
        var (host, store, mail) = await StartAlertingOnFirstFailureAsync("shaky", feed);
        using var hostToDispose = host;

        // The failure is saved, the alert goes out, and writing down that it went out fails.
        store.FailWriteAfter(1);
        await PollAsync(host);
        Assert.False((await StateAsync(host, "shaky")).AlertSent);

        // Still failing: the admin was told already, and now the store says so too.
        clock.Advance((await StateAsync(host, "shaky")).NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        var told = await StateAsync(host, "shaky");
        Assert.Equal((2, true), (told.ConsecutiveErrors, told.AlertSent));
        Assert.Equal(["FeedDigest: feed \"shaky\" is failing"], mail.Delivered.Select(m => m.Subject));

        // It recovers: the recovery is saved, the notice goes out, and its record fails; the next
        // fetch sends no second notice.
        failing = false;
        store.FailWriteAfter(1);
        clock.Advance(told.NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        Assert.True((await StateAsync(host, "shaky")).AlertSent);
        clock.Advance((await StateAsync(host, "shaky")).NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);

        Assert.Equal(
            ["FeedDigest: feed \"shaky\" is failing", "FeedDigest: feed \"shaky\" recovered"],
            mail.Delivered.Select(m => m.Subject));
        Assert.Equal((0, false), ((await StateAsync(host, "shaky")).ConsecutiveErrors, (await StateAsync(host, "shaky")).AlertSent));
    }

    /// <summary>
    /// A notice sent but not recorded is remembered by the feed's Url: a rename (same Url, new Id)
    /// moves the stored state, failures and all, to the new Id, and the renamed feed's next failure
    /// does not tell the admin again.
    /// </summary>
    [Fact]
    public async Task Poll_FailingNoticeNotRecorded_ThenTheFeedIsRenamed_TheAdminIsNotToldAgain()
    {
        var feed = server.Route("renamed.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var (host, store, mail) = await StartAlertingOnFirstFailureAsync("shaky", feed);
        using var hostToDispose = host;

        // The failure is saved, the alert goes out, and writing down that it went out fails.
        store.FailWriteAfter(1);
        await PollAsync(host);
        Assert.Equal(["FeedDigest: feed \"shaky\" is failing"], mail.Delivered.Select(m => m.Subject));

        // The admin renames the feed (same Url): the store keeps its state (failures) under the new Id.
        Reload(host, "FeedDigest:Feeds:0:Id", "wobbly");
        clock.Advance((await StateAsync(host, "shaky")).NextCheckAt - clock.GetUtcNow());
        await PollAsync(host);
        Assert.Equal(2, (await StateAsync(host, "wobbly")).ConsecutiveErrors);

        // Still failing, and the admin was told: no second notice.
        Assert.Equal(["FeedDigest: feed \"shaky\" is failing"], mail.Delivered.Select(m => m.Subject));
    }

    /// <summary>
    /// A feed's Url changed in the configuration is a new source, and the store forgets its failures
    /// and its notice: a failure of the new Url is told to the admin, even when the notice about the
    /// old Url went out and was not recorded.
    /// </summary>
    [Fact]
    public async Task Poll_FailingNoticeNotRecorded_ThenTheUrlIsChangedToOneThatAlsoFails_TheAdminIsToldOfTheNewUrl()
    {
        var oldUrl = server.Route("old-broken.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var newUrl = server.Route("new-broken.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        var (host, store, mail) = await StartAlertingOnFirstFailureAsync("shaky", oldUrl);
        using var hostToDispose = host;

        store.FailWriteAfter(1);
        await PollAsync(host);
        Assert.Equal(["FeedDigest: feed \"shaky\" is failing"], mail.Delivered.Select(m => m.Subject));

        // The admin gives the feed another Url: the store starts it afresh (no errors, no notice owed).
        Reload(host, "FeedDigest:Feeds:0:Url", newUrl.AbsoluteUri);
        await PollAsync(host);
        var state = await StateAsync(host, "shaky");
        Assert.Equal((1, newUrl), (state.ConsecutiveErrors, state.EffectiveUri));

        // The new Url fails from its first fetch: the admin is told, as when the record had succeeded.
        Assert.Equal(2, mail.Delivered.Count);
    }

    [Fact]
    public async Task Poll_CacheControlMaxAgeLongerThanInterval_IsHonoured()
    {
        var feed = server.Route("cached.xml", async context =>
        {
            context.Response.Headers.CacheControl = "max-age=10800";
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("c1", "Cached", "x")));
        });
        using var host = await StartAsync(("cached", feed));

        await PollAsync(host);

        Assert.InRange((await StateAsync(host, "cached")).NextCheckAt, Start.AddHours(3), Start.AddHours(3.3));
    }

    [Fact]
    public async Task Poll_RssTtlLongerThanInterval_IsHonoured_AlsoAfterA304()
    {
        var feed = server.Set("ttl.xml", FeedDocuments.Rss(("t1", "Slow feed", "x")).Replace("<description>test</description>", "<description>test</description><ttl>240</ttl>", StringComparison.Ordinal));
        using var host = await StartAsync(("ttl", feed));

        await PollAsync(host);
        Assert.InRange((await StateAsync(host, "ttl")).NextCheckAt, Start.AddHours(4), Start.AddHours(4.4));

        clock.Advance(TimeSpan.FromHours(4.5));
        await PollAsync(host);
        Assert.Equal(1, server.NotModifiedResponses);
        Assert.InRange((await StateAsync(host, "ttl")).NextCheckAt, Start.AddHours(8.5), Start.AddHours(8.9));
    }

    [Fact]
    public async Task Poll_AfterTheClockWentBackFromAYearAhead_PollsEveryFeedNow_AndTheirLongSchedulesAreNotTakenForAnotherJump()
    {
        var wire = server.Set("wire.xml", FeedDocuments.Rss(("w1", "Story", "x")));
        // A week's TTL and a month's Retry-After: the longest schedules there are, both capped at MaxInterval.
        var slow = server.Set("slow.xml", FeedDocuments.Rss(("s1", "Slow feed", "x")).Replace("<description>test</description>", "<description>test</description><ttl>10080</ttl>", StringComparison.Ordinal));
        var busy = server.Route("busy.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "2592000";
            return Task.CompletedTask;
        });
        var logs = new CollectingLoggerProvider();
        using var host = await StartAsync([("wire", wire), ("slow", slow), ("busy", busy)], [], builder => builder.Logging.AddProvider(logs));
        await PollAsync(host);
        clock.Advance(TimeSpan.FromDays(365));
        Assert.Equal(3, (await PollAsync(host)).FeedsChecked);

        clock.AdjustTime(Start.AddHours(1));

        Assert.Equal(3, (await PollAsync(host)).FeedsChecked);
        Assert.Equal(9, server.Requests);
        var warning = Assert.Single(logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("clock appears to have gone back", StringComparison.Ordinal));
        Assert.Contains("3 feeds", warning.Message, StringComparison.Ordinal);
        foreach (var feedId in new[] { "slow", "busy" })
        {
            Assert.InRange((await StateAsync(host, feedId)).NextCheckAt, Start.AddHours(25), Start.AddHours(27.4));
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await PollAsync(host)).FeedsChecked);
        Assert.Single(logs.Lines, line => line.Message.Contains("clock appears to have gone back", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_MaxIntervalShortenedByAReload_FeedsGivenLongerWaitsAreRescheduledWithinIt_NotPolledAtOnce_AndItIsLoggedAsAConfigurationChange()
    {
        var wire = server.Set("wire.xml", FeedDocuments.Rss(("w1", "Story", "x")));
        // A week's TTL and a month's Retry-After, both capped at MaxInterval (a day).
        var slow = server.Set("slow.xml", FeedDocuments.Rss(("s1", "Slow feed", "x")).Replace("<description>test</description>", "<description>test</description><ttl>10080</ttl>", StringComparison.Ordinal));
        var busy = server.Route("busy.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "2592000";
            return Task.CompletedTask;
        });
        var logs = new CollectingLoggerProvider();
        using var host = await StartAsync([("wire", wire), ("slow", slow), ("busy", busy)], [], builder => builder.Logging.AddProvider(logs));
        await PollAsync(host);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await PollAsync(host)).FeedsChecked);

        Reload(host, "FeedDigest:Polling:MaxInterval", "02:00:00");

        Assert.Equal(0, (await PollAsync(host)).FeedsChecked);
        Assert.Equal(4, server.Requests);
        foreach (var feedId in new[] { "slow", "busy" })
        {
            // What their check at the start would have set under the new MaxInterval: two hours and jitter.
            Assert.InRange((await StateAsync(host, feedId)).NextCheckAt, Start.AddHours(2), Start.AddHours(2.2));
        }

        var change = Assert.Single(logs.Lines, line => line.Message.Contains("MaxInterval is 02:00:00", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, change.Level);
        Assert.Contains("2 feeds were given longer waits before it was shortened", change.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, line => line.Message.Contains("clock", StringComparison.OrdinalIgnoreCase));

        clock.Advance(TimeSpan.FromHours(1.2));
        Assert.Equal(3, (await PollAsync(host)).FeedsChecked);
        Assert.InRange((await StateAsync(host, "slow")).NextCheckAt, Start.AddHours(4.2), Start.AddHours(4.4));
        Assert.Single(logs.Lines, line => line.Message.Contains("MaxInterval is", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_MaxIntervalShortened_TenThousandFeedsOverdueUnderIt_AreSpreadOverTheNewInterval_NotFetchedInOneSecond()
    {
        const int Count = 10_000;
        var logs = new CollectingLoggerProvider();
        using var host = await StartAsync(
            Enumerable.Range(0, Count).Select(i => ($"feed-{i:D5}", new Uri(server.BaseUri, $"feed-{i:D5}.xml"))).ToArray(),
            [],
            builder => builder.Logging.AddProvider(logs));
        var store = host.Services.GetRequiredService<IFeedStore>();
        var catalogFeeds = host.Services.GetRequiredService<FeedDigest.Core.Configuration.ICatalogSource>().Current.Feeds;
        await store.SyncFeedsAsync(catalogFeeds, Start, default);
        // Each checked six hours ago and given a day (its TTL), under MaxInterval 24 hours.
        var checkedAt = Start.AddHours(-6);
        await store.SaveStatesAsync(
            (await store.GetFeedStatesAsync(default)).Select(state => state with
            {
                LastCheckedAt = checkedAt,
                LastSuccessAt = checkedAt,
                NextCheckAt = NextCheckCalculator.WithJitter(checkedAt.AddDays(1), checkedAt, state.FeedId),
            }).ToList(),
            default);

        Reload(host, "FeedDigest:Polling:MaxInterval", "02:00:00");

        // The few spread into this very second are due now, as they are in any other second.
        var report = await PollAsync(host);
        Assert.InRange(report.FeedsChecked, 0, 15);
        Assert.Equal(report.FeedsChecked, server.Requests);
        var next = (await store.GetFeedStatesAsync(default)).Select(state => state.NextCheckAt).ToList();
        Assert.Equal(Count, next.Count);
        Assert.All(next, at => Assert.InRange(at, Start, Start.AddHours(2)));
        Assert.InRange(next.GroupBy(at => at.Ticks / TimeSpan.TicksPerSecond).Max(second => second.Count()), 1, 15);
        Assert.InRange(next.Count(at => at < Start.AddMinutes(15)), 1000, 1500);
        var change = Assert.Single(logs.Lines, line => line.Message.Contains("MaxInterval is 02:00:00", StringComparison.Ordinal));
        Assert.Contains("10000 feeds", change.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_GzipBomb_StopsAtTheBodyLimit()
    {
        var bomb = Gzip(new byte[50 * 1024 * 1024]);
        var feed = server.Route("bomb.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(bomb);
        });
        using var host = await StartAsync(("bomb", feed));

        await PollAsync(host);

        Assert.True(bomb.Length < 100 * 1024, "the test's bomb should be small on the wire");
        Assert.StartsWith("TooLarge: the body is over the limit of 1048576 bytes", (await StateAsync(host, "bomb")).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_SlowServer_TimesOutAndOtherFeedsStillArrive()
    {
        var slow = server.Route("slow.xml", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        var fine = server.Set("fine.xml", FeedDocuments.Rss(("ok", "Fine story", "x")));
        using var host = await StartAsync(("slow", slow), ("fine", fine));

        var report = await PollAsync(host);

        Assert.Equal(new PollReport(2, 1, 1), report);
        Assert.StartsWith("Timeout:", (await StateAsync(host, "slow")).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_ManyFeedsOnOneHost_NeverMoreThanTwoRequestsAtOnce()
    {
        var feeds = Enumerable.Range(0, 8).Select(i => ($"f{i}", server.Route($"f{i}.xml", async context =>
        {
            await Task.Delay(200);
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(($"s{i}", $"Story {i}", "x")));
        }))).ToArray();
        using var host = await StartAsync(feeds);

        Assert.Equal(8, (await PollAsync(host)).NewStories);

        Assert.Equal(2, server.MaxInFlight);
    }

    [Fact]
    public async Task Poll_PageUrlInsteadOfFeed_DiscoversTheAdvertisedFeed()
    {
        var rss = server.Set("blog/feed.xml", FeedDocuments.Rss(("d1", "Discovered story", "x")));
        var page = server.Set("blog/", """
            <!DOCTYPE html><html><head><title>A blog</title>
            <link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
            </head><body>Hello</body></html>
            """, "text/html; charset=utf-8");
        using var host = await StartAsync(("blog", page));

        Assert.Equal(1, (await PollAsync(host)).NewStories);

        Assert.Equal(rss, (await StateAsync(host, "blog")).FetchUri);
    }

    [Fact]
    public async Task Poll_PerFeedSettings_SendUserAgentHeadersAndBasicAuth()
    {
        var feed = server.Route("private.xml", async context =>
        {
            if (context.Request.Headers.Authorization != "Basic cmVhZGVyOnNlY3JldA==")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("p1", "Private story", "x")));
        });
        using var host = await StartAsync(
            [("private", feed)],
            new Dictionary<string, string?>
            {
                ["FeedDigest:Feeds:0:UserAgent"] = "Special/2.0",
                ["FeedDigest:Feeds:0:Headers:0"] = "X-Api-Key: k123",
                ["FeedDigest:Feeds:0:UserName"] = "reader",
                ["FeedDigest:Feeds:0:Password"] = "secret",
            });

        Assert.Equal(1, (await PollAsync(host)).NewStories);

        var headers = server.RequestHeaders.Single();
        Assert.Equal("Special/2.0", headers["User-Agent"]);
        Assert.Equal("k123", headers["X-Api-Key"]);
    }

    [Fact]
    public async Task Poll_RedirectToAnotherOrigin_CarriesNeitherTheFeedsCredentialsNorItsHeaders()
    {
        // Another port is another origin, as another host would be.
        await using var elsewhere = await LoopbackFeedServer.StartAsync();
        var target = elsewhere.Set("collect.xml", FeedDocuments.Rss(("e1", "Story elsewhere", "x")));
        var sameOrigin = server.Route("same.xml", async context =>
        {
            if (context.Request.Headers.Authorization != "Basic cmVhZGVyOnNlY3JldA==")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(FeedDocuments.Rss(("s1", "Story here", "x")));
        });
        var feed = server.Route("private.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = context.Request.Query.ContainsKey("away") ? target.AbsoluteUri : sameOrigin.AbsoluteUri;
            return Task.CompletedTask;
        });
        var away = new Uri(feed, "?away=1");
        using var host = await StartAsync(
            [("here", feed), ("away", away)],
            new Dictionary<string, string?>
            {
                ["FeedDigest:Feeds:0:Headers:0"] = "X-Api-Key: k123",
                ["FeedDigest:Feeds:0:UserName"] = "reader",
                ["FeedDigest:Feeds:0:Password"] = "secret",
                ["FeedDigest:Feeds:1:Headers:0"] = "X-Api-Key: k123",
                ["FeedDigest:Feeds:1:UserName"] = "reader",
                ["FeedDigest:Feeds:1:Password"] = "secret",
            });

        Assert.Equal(2, (await PollAsync(host)).NewStories);
        // The permanent redirect is followed from then on, still without them.
        Assert.Equal(target, (await StateAsync(host, "away")).FetchUri);
        clock.Advance(TimeSpan.FromHours(2));
        await PollAsync(host);

        Assert.Equal(2, elsewhere.RequestHeaders.Count);
        Assert.All(elsewhere.RequestHeaders, headers =>
        {
            Assert.False(headers.ContainsKey("Authorization"));
            Assert.False(headers.ContainsKey("X-Api-Key"));
        });
        Assert.Contains(server.RequestHeaders, headers => headers.GetValueOrDefault("X-Api-Key") == "k123");
    }

    [Theory]
    [InlineData("http://feeds.example/a.xml", "http://feeds.example/b.xml", true)]
    [InlineData("http://feeds.example/a.xml", "https://feeds.example/a.xml", true)]
    [InlineData("http://FEEDS.example/a.xml", "http://feeds.example:80/b.xml", true)]
    [InlineData("https://feeds.example/a.xml", "http://feeds.example/a.xml", false)]
    [InlineData("http://feeds.example/a.xml", "http://feeds.example:8080/a.xml", false)]
    [InlineData("http://feeds.example:8080/a.xml", "https://feeds.example/a.xml", false)]
    [InlineData("https://feeds.example/a.xml", "https://cdn.feeds.example/a.xml", false)]
    [InlineData("https://feeds.example/a.xml", "https://collector.example/a.xml", false)]
    public void MayCarryCredentials_OnlyToTheConfiguredOrigin(string origin, string uri, bool expected) =>
        Assert.Equal(expected, FeedDigest.Infrastructure.Fetching.FeedFetcher.MayCarryCredentials(new Uri(uri), new Uri(origin)));

    [Fact]
    public async Task Poll_FeedWithProxy_GoesThroughTheProxy()
    {
        // The feed's host does not exist; only the proxy (our loopback server) can answer for it.
        server.Set("via-proxy.xml", FeedDocuments.Rss(("x1", "Through the proxy", "x")));
        using var host = await StartAsync(
            [("proxied", new Uri("http://feeds.invalid/via-proxy.xml"))],
            new Dictionary<string, string?> { ["FeedDigest:Feeds:0:Proxy"] = server.BaseUri.AbsoluteUri });

        Assert.Equal(1, (await PollAsync(host)).NewStories);

        Assert.Equal("feeds.invalid /via-proxy.xml", server.RequestLog.Single());
    }

    /// <summary>One feed whose first failure alerts the admin, the mail caught, and a feed store that can be made to fail a write.</summary>
    private async Task<(IHost Host, FaultyFeedStore Store, FailingMailSender Mail)> StartAlertingOnFirstFailureAsync(string id, Uri url)
    {
        var mail = new FailingMailSender();
        FaultyFeedStore store = null!;
        var host = await StartAsync(
            [(id, url)],
            new Dictionary<string, string?> { ["FeedDigest:Polling:AlertAfterFailures"] = "1" },
            builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IMailSender>(mail));
                store = FaultyFeedStore.Wrap(builder.Services);
            });
        return (host, store, mail);
    }

    private async Task<IHost> StartAsync(params (string Id, Uri Url)[] feeds) => await StartAsync(feeds, []);

    private async Task<IHost> StartAsync((string Id, Uri Url)[] feeds, Dictionary<string, string?> extra, Action<HostApplicationBuilder>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FeedDigest:Polling:MaxBodyBytes"] = "1048576",
            ["FeedDigest:Polling:FetchTimeout"] = "00:00:03",
            ["FeedDigest:Polling:AlertAfterFailures"] = "3",
            ["FeedDigest:Polling:MaxConcurrentFetches"] = "8",
            ["FeedDigest:Admin:Email"] = "admin@example.org",
            ["FeedDigest:Mail:Transport"] = "Smtp",
            ["FeedDigest:Mail:Smtp:Host"] = "127.0.0.1",
            ["FeedDigest:Mail:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FeedDigest:Mail:Smtp:Security"] = "None",
        };
        for (var i = 0; i < feeds.Length; i++)
        {
            settings[$"FeedDigest:Feeds:{i}:Id"] = feeds[i].Id;
            settings[$"FeedDigest:Feeds:{i}:Url"] = feeds[i].Url.AbsoluteUri;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false, configure);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        return host;
    }

    /// <summary>An edit of the configuration while the host runs, as the file watcher or SIGHUP brings it.</summary>
    private static void Reload(IHost host, string key, string value)
    {
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration[key] = value;
        configuration.Reload();
    }

    private static Task<PollReport> PollAsync(IHost host) =>
        host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: false, default);

    private static async Task<FeedState> StateAsync(IHost host, string feedId) =>
        (await host.Services.GetRequiredService<IFeedStore>().GetFeedStatesAsync(default)).Single(s => s.FeedId == feedId);

    /// <summary>
    /// The mail port, told how to fail instead of delivering: by throwing, as MailKit's exception
    /// for "530 Authentication required" escaped the SMTP sender, or by hanging until cancelled.
    /// </summary>
    private sealed class FailingMailSender : IMailSender
    {
        public Func<CancellationToken, Task>? Failure { get; set; }

        public TaskCompletionSource Attempted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Collections.Concurrent.ConcurrentQueue<OutgoingMessage> Delivered { get; } = new();

        /// <summary>Called with each message as it is sent, before it is delivered.</summary>
        public Func<OutgoingMessage, Task>? Observe { get; set; }

        public async Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            Attempted.TrySetResult();
            if (Failure is { } failure)
            {
                await failure(cancellationToken);
            }

            if (Observe is { } observe)
            {
                await observe(message);
            }

            Delivered.Enqueue(message);
            return new DeliveryResult.Delivered();
        }
    }

    /// <summary>
    /// The real feed store, one of whose writes of a feed's state can be made to fail once, as a
    /// database locked by another process or a full disk fails it.
    /// </summary>
    private sealed class FaultyFeedStore : IFeedStore
    {
        private IFeedStore inner = null!;
        private int writesBeforeFailure = -1;

        /// <summary>Replaces the registered store with this one around it.</summary>
        public static FaultyFeedStore Wrap(IServiceCollection services)
        {
            var registered = services.Single(d => d.ServiceType == typeof(IFeedStore)).ImplementationType!;
            var store = new FaultyFeedStore();
            services.Replace(ServiceDescriptor.Singleton<IFeedStore>(provider =>
            {
                store.inner = (IFeedStore)ActivatorUtilities.CreateInstance(provider, registered);
                return store;
            }));
            return store;
        }

        /// <summary>The feed-state write after <paramref name="writes"/> more that succeed throws, once.</summary>
        public void FailWriteAfter(int writes) => Volatile.Write(ref writesBeforeFailure, writes);

        private void MaybeFail()
        {
            if (Interlocked.Decrement(ref writesBeforeFailure) == -1)
            {
                throw new Microsoft.Data.Sqlite.SqliteException("SQLite Error 5: 'database is locked'.", 5);
            }
        }

        public Task<FeedRenames> SyncFeedsAsync(IReadOnlyList<Feed> feeds, DateTimeOffset now, CancellationToken cancellationToken) => inner.SyncFeedsAsync(feeds, now, cancellationToken);

        public Task<IReadOnlyList<FeedState>> GetDueFeedsAsync(DateTimeOffset now, DateTimeOffset latestScheduledCheck, int limit, CancellationToken cancellationToken) =>
            inner.GetDueFeedsAsync(now, latestScheduledCheck, limit, cancellationToken);

        public Task<IReadOnlyList<FeedState>> GetFeedStatesAsync(CancellationToken cancellationToken) => inner.GetFeedStatesAsync(cancellationToken);

        public Task<IReadOnlyList<UnconfiguredFeed>> GetUnconfiguredFeedsAsync(IReadOnlyCollection<string> configuredIds, CancellationToken cancellationToken) =>
            inner.GetUnconfiguredFeedsAsync(configuredIds, cancellationToken);

        public Task<IReadOnlyList<FeedState>> GetFeedsDueAfterAsync(DateTimeOffset after, CancellationToken cancellationToken) => inner.GetFeedsDueAfterAsync(after, cancellationToken);

        public Task<IReadOnlyList<FeedState>> GetFeedsCheckedAfterAsync(DateTimeOffset after, CancellationToken cancellationToken) => inner.GetFeedsCheckedAfterAsync(after, cancellationToken);

        public Task SaveStatesAsync(IReadOnlyList<FeedState> states, CancellationToken cancellationToken) => inner.SaveStatesAsync(states, cancellationToken);

        public Task<DateTimeOffset?> GetLastPollAsync(CancellationToken cancellationToken) => inner.GetLastPollAsync(cancellationToken);

        public Task RecordPollAsync(DateTimeOffset at, CancellationToken cancellationToken) => inner.RecordPollAsync(at, cancellationToken);

        public Task<StoriesSaved> SaveFetchAsync(FeedState state, IReadOnlyList<NewStory> stories, EditedStoryPolicy editedStories, CancellationToken cancellationToken)
        {
            MaybeFail();
            return inner.SaveFetchAsync(state, stories, editedStories, cancellationToken);
        }

        public Task SaveStateAsync(FeedState state, CancellationToken cancellationToken)
        {
            MaybeFail();
            return inner.SaveStateAsync(state, cancellationToken);
        }

        public Task SaveAlertSentAsync(string feedId, bool alertSent, CancellationToken cancellationToken)
        {
            MaybeFail();
            return inner.SaveAlertSentAsync(feedId, alertSent, cancellationToken);
        }

        public Task<int> PruneStoriesAsync(DateTimeOffset firstSeenBefore, CancellationToken cancellationToken) => inner.PruneStoriesAsync(firstSeenBefore, cancellationToken);

        public Task<DateTimeOffset?> GetLastPruneAsync(CancellationToken cancellationToken) => inner.GetLastPruneAsync(cancellationToken);

        public Task RecordPruneAsync(DateTimeOffset at, CancellationToken cancellationToken) => inner.RecordPruneAsync(at, cancellationToken);

        public Task<IReadOnlyList<StoryToCluster>> GetStoriesToClusterAfterIdAsync(long afterId, int limit, CancellationToken cancellationToken) =>
            inner.GetStoriesToClusterAfterIdAsync(afterId, limit, cancellationToken);

        public Task<IReadOnlyList<StoredStory>> GetStoriesAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
            inner.GetStoriesAfterAsync(afterSequence, limit, cancellationToken);

        public Task<IReadOnlyList<StoredStory>> GetStoriesAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) =>
            inner.GetStoriesAsync(storyIds, cancellationToken);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
