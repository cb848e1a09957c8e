using FeedDigest.Core.Digests;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// The issue's SMTP failures, each through the real poller, store, dispatcher and MailKit against a
/// server on 127.0.0.1 told to fail: 421 on connect, 451 on RCPT and a connection dropped mid-DATA
/// are retried from the outbox until the digest goes out once, under its Message-ID; 550 on RCPT is
/// counted against the subscriber, who is suspended after Digests:SuspendAfterPermanentFailures in a
/// row, with one notice to the admin (tried again at the next run if its send throws), until resumed.
/// </summary>
public sealed class SmtpFailureTests : IAsyncLifetime, IDisposable
{
    private const string Subscriber = "editor@example.org";
    private const string Admin = "admin@example.org";
    private readonly TempDirectory directory = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private LoopbackFeedServer feeds = null!;
    private int storyCount;

    public async Task InitializeAsync() => feeds = await LoopbackFeedServer.StartAsync();

    public async Task DisposeAsync() => await feeds.DisposeAsync();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task RecipientRefused550_ThreeDigestsInARow_SuspendsTheSubscriber_TellsTheAdminOnce_UntilResumed()
    {
        await using var smtp = InProcessSmtpServer.Start();
        smtp.RecipientReply = address => address == Subscriber ? 550 : null;
        using var host = await BuildAsync(smtp.Port);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        var store = host.Services.GetRequiredService<IDigestStore>();

        for (var day = 1; day <= 3; day++)
        {
            await NewStoryAndNextDayAsync(host);
            Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
            Assert.Equal(day < 3 ? 0 : 1, smtp.Messages.Count);
        }

        Assert.Equal(3, smtp.RefusedRecipients.Count);
        var notice = Assert.Single(smtp.Messages);
        Assert.Equal(Admin, notice.To.Mailboxes.Single().Address);
        Assert.Equal($"FeedDigest: subscriber {Subscriber} suspended", notice.Subject);
        Assert.Contains("refused editor@example.org 3 times in a row", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("550", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains($"feeddigest digest resume --subscriber {Subscriber}", notice.TextBody, StringComparison.Ordinal);
        var suspension = Assert.Single(await store.GetSuspensionsAsync(default));
        Assert.Equal((Subscriber, 3), (suspension.SubscriberKey, suspension.FailuresInARow));

        // Suspended: new stories bring no digest and no attempt at the address, and the admin is not told again.
        await NewStoryAndNextDayAsync(host);
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        Assert.Equal(3, smtp.RefusedRecipients.Count);
        Assert.Single(smtp.Messages);

        // The admin fixed the mailbox and resumed the subscriber: the next new story goes out.
        smtp.RecipientReply = null;
        Assert.True(await store.ResumeAsync(Subscriber, default));
        Assert.Empty(await store.GetSuspensionsAsync(default));
        await NewStoryAndNextDayAsync(host);
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        var digest = smtp.Messages.Last();
        Assert.Equal(Subscriber, digest.To.Mailboxes.Single().Address);
        Assert.Contains($"Censorship story {storyCount}", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain($"Censorship story {storyCount - 1}", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecipientRefused550_WithADeliveryBetween_CountsOnlyFailuresInARow()
    {
        await using var smtp = InProcessSmtpServer.Start();
        using var host = await BuildAsync(smtp.Port);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        var outcomes = new[] { 550, 550, 0, 550, 550 };

        foreach (var code in outcomes)
        {
            smtp.RecipientReply = address => code == 0 ? null : code;
            await NewStoryAndNextDayAsync(host);
            await dispatcher.RunAsync(default);
        }

        Assert.Equal(4, smtp.RefusedRecipients.Count);
        Assert.Empty(await host.Services.GetRequiredService<IDigestStore>().GetSuspensionsAsync(default));
        Assert.Equal(Subscriber, Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task RecipientDeferred451_IsRetriedWithBackOff_AndGoesOutOnceUnderItsMessageId()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var deferrals = 2;
        smtp.RecipientReply = _ => Interlocked.Decrement(ref deferrals) >= 0 ? 451 : null;
        using var host = await BuildAsync(smtp.Port);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        var store = host.Services.GetRequiredService<IDigestStore>();
        await NewStoryAndNextDayAsync(host);

        Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
        var pending = Assert.Single(await store.GetUnsentDigestsAsync(clock.GetUtcNow().AddHours(1), 10, null, default));
        // Not due before its back-off (RetryInterval 1 s, doubling): a run now sends nothing.
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DigestRunReport(0, 0, 1), await dispatcher.RunAsync(default));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));

        Assert.Equal(2, smtp.RefusedRecipients.Count);
        Assert.Equal($"{pending.Digest.MessageId}@feeddigest.test", Assert.Single(smtp.Messages).MessageId);
        Assert.Empty(await store.GetSuspensionsAsync(default));
    }

    [Fact]
    public async Task ServiceNotAvailable421OnConnect_DigestWaitsInTheOutbox_AndGoesOutWhenTheServerIsBack()
    {
        var port = InProcessSmtpServer.FreePort();
        using var host = await BuildAsync(port);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await NewStoryAndNextDayAsync(host);
        string messageId;
        await using (var busy = ScriptedSmtpServer.Start(ScriptedSmtpServer.Failure.ServiceNotAvailableOnConnect, port))
        {
            Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
            Assert.True(busy.Connections >= 1);
            messageId = Assert.Single(await host.Services.GetRequiredService<IDigestStore>().GetUnsentDigestsAsync(clock.GetUtcNow().AddHours(1), 10, null, default)).Digest.MessageId;
        }

        await using var smtp = InProcessSmtpServer.Start(port);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        Assert.Equal($"{messageId}@feeddigest.test", Assert.Single(smtp.Messages).MessageId);
    }

    [Fact]
    public async Task ConnectionDroppedMidData_DigestStaysInTheOutbox_AndGoesOutOnceUnderItsMessageId()
    {
        var port = InProcessSmtpServer.FreePort();
        using var host = await BuildAsync(port);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await NewStoryAndNextDayAsync(host);
        string messageId;
        await using (var dropping = ScriptedSmtpServer.Start(ScriptedSmtpServer.Failure.DropMidData, port))
        {
            Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
            Assert.True(dropping.DataBytesBeforeDrop > 0, "the connection should have dropped after part of the message");
            messageId = Assert.Single(await host.Services.GetRequiredService<IDigestStore>().GetUnsentDigestsAsync(clock.GetUtcNow().AddHours(1), 10, null, default)).Digest.MessageId;
        }

        await using var smtp = InProcessSmtpServer.Start(port);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        var message = Assert.Single(smtp.Messages);
        Assert.Equal($"{messageId}@feeddigest.test", message.MessageId);
        Assert.Contains("Censorship story 1", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SenderRefused553_DigestWaitsInTheOutbox_AndGoesOutOnceTheSenderIsAccepted()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var refuseSender = true;
        smtp.SenderReply = _ => Volatile.Read(ref refuseSender) ? 553 : null;
        using var host = await BuildAsync(smtp.Port);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await NewStoryAndNextDayAsync(host);

        // A refusal of the sender is a setting to fix, the same for every digest: nothing is lost, no one suspended.
        Assert.Equal(new DigestRunReport(1, 0, 1), await dispatcher.RunAsync(default));
        Assert.Single(await host.Services.GetRequiredService<IDigestStore>().GetUnsentDigestsAsync(clock.GetUtcNow().AddHours(1), 10, null, default));
        Volatile.Write(ref refuseSender, false);
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(new DigestRunReport(0, 1, 0), await dispatcher.RunAsync(default));
        Assert.Contains("Censorship story 1", Assert.Single(smtp.Messages).TextBody, StringComparison.Ordinal);
        Assert.Empty(await host.Services.GetRequiredService<IDigestStore>().GetSuspensionsAsync(default));
    }

    [Fact]
    public async Task DigestsOfASubscriberWhoLeft_DoNotHoldUpTheOthers()
    {
        await using var smtp = InProcessSmtpServer.Start();
        using var host = await BuildAsync(smtp.Port);
        var store = host.Services.GetRequiredService<IDigestStore>();
        await NewStoryAndNextDayAsync(host);
        // More unsent digests than the outbox reads at once, all older, of addresses no longer configured.
        var gone = Enumerable.Range(0, 101).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"gone-{i}@example.org")).ToList();
        var story = Assert.Single(await host.Services.GetRequiredService<IFeedStore>().GetStoriesAfterAsync(0, 10, default));
        foreach (var (address, i) in gone.Select((address, i) => (address, i)))
        {
            var state = await store.GetOrCreateStateAsync(address, clock.GetUtcNow().AddDays(-3), clock.GetUtcNow().AddDays(-3), default);
            var at = clock.GetUtcNow().AddDays(-2).AddMinutes(i);
            Assert.True(await store.TryClaimAsync(state, at, state.StoryCutoff, new ClaimedDigest($"gone-{i}", address, $"gone.{i}", at, [new DigestEntry(story.Id, "censorship", 0)], 0), default));
        }

        Assert.Equal(new DigestRunReport(1, 1, 0), await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default));

        Assert.Equal(Subscriber, Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
        // They are kept, not failed: each goes out if its subscriber comes back.
        Assert.Equal(101, (await store.GetUnsentDigestsAsync(clock.GetUtcNow(), 200, gone, default)).Count);
    }

    [Fact]
    public async Task AnAddressThatCannotBeWritten_IsRefusedForThatSubscriberAlone()
    {
        await using var smtp = InProcessSmtpServer.Start();
        const string Unwritable = "a.@example.com";
        using var host = await BuildAsync(smtp.Port, Unwritable);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync(Unwritable, clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        await NewStoryAndNextDayAsync(host);

        var report = await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default);

        Assert.Equal(new DigestRunReport(2, 1, 1), report);
        Assert.Equal(Subscriber, Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
        // Counted against that address, as a refusal by the server would be.
        Assert.Empty(await host.Services.GetRequiredService<IDigestStore>().GetUnsentDigestsAsync(clock.GetUtcNow().AddYears(1), 10, [Unwritable], default));
    }

    [Fact]
    public async Task DigestSentButNotRecorded_IsNotSentAgain_AndIsRecordedOnceTheStoreCanWrite()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss());
        var settings = TestHost.Settings(feedUri, smtp.Port);
        using var host = FeedDigestHost.CreateBuilder(
            configFile: null,
            withScheduler: false,
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                builder.Services.Replace(ServiceDescriptor.Singleton<IDigestStore>(provider => new FullDiskOnMarkSent(new SqliteDigestStore(provider.GetRequiredService<SqliteConnectionFactory>()))));
                builder.Logging.ClearProviders();
            },
            directory.Path).Build();
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var store = (FullDiskOnMarkSent)host.Services.GetRequiredService<IDigestStore>();
        await store.GetOrCreateStateAsync(Subscriber, clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await NewStoryAndNextDayAsync(host);

        store.Full = true;
        Assert.Equal(1, (await dispatcher.RunAsync(default)).DigestsSent);
        // Runs while the disk stays full, past the outbox's hold: the digest is not sent again.
        for (var run = 0; run < 3; run++)
        {
            clock.Advance(TimeSpan.FromMinutes(15));
            await dispatcher.RunAsync(default);
        }

        Assert.Single(smtp.Messages);
        store.Full = false;
        await dispatcher.RunAsync(default);
        Assert.Empty(await store.GetUnsentDigestsAsync(clock.GetUtcNow().AddYears(1), 10, null, default));
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task ADigestTheTransportThrowsOn_WaitsInTheOutbox_AndTheOthersGoOut()
    {
        await using var smtp = InProcessSmtpServer.Start();
        const string Broken = "broken@example.org";
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss());
        var settings = TestHost.Settings(feedUri, smtp.Port);
        settings["FeedDigest:Subscribers:1:Email"] = Broken;
        settings["FeedDigest:Subscribers:1:Topics:0"] = "censorship";
        settings["FeedDigest:Subscribers:1:SendAt"] = "07:00";
        settings["FeedDigest:Subscribers:1:TimeZone"] = "Asia/Shanghai";
        using var host = FeedDigestHost.CreateBuilder(
            configFile: null,
            withScheduler: false,
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                // The real transport, with a bug for one address: an exception where a result was expected.
                var real = builder.Services.Last(d => d.ServiceType == typeof(IMailSender));
                builder.Services.Remove(real);
                builder.Services.AddSingleton<IMailSender>(provider => new ThrowsFor(Broken, (IMailSender)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
                builder.Logging.ClearProviders();
            },
            directory.Path).Build();
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        var store = host.Services.GetRequiredService<IDigestStore>();
        // The broken address is claimed first (its state is older), so its digest comes first in the outbox.
        await store.GetOrCreateStateAsync(Broken, clock.GetUtcNow().AddMinutes(-1), clock.GetUtcNow().AddDays(-1), default);
        await store.GetOrCreateStateAsync(Subscriber, clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        await NewStoryAndNextDayAsync(host);

        Assert.Equal(new DigestRunReport(2, 1, 1), await host.Services.GetRequiredService<DigestDispatcher>().RunAsync(default));

        Assert.Equal(Subscriber, Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
        Assert.Single(await store.GetUnsentDigestsAsync(clock.GetUtcNow().AddYears(1), 10, [Broken], default));
    }

    [Fact]
    public async Task ASuspensionNoticeTheTransportThrowsOn_TheRunStillCompletes_AndTheNoticeGoesOutOnALaterRun()
    {
        await using var smtp = InProcessSmtpServer.Start();
        const string Other = "other@example.org";
        smtp.RecipientReply = address => address == Subscriber ? 550 : null;
        AuthenticationRequiredFor? transport = null;
        var logs = new CollectingLoggerProvider();
        using var host = await BuildAsync(smtp.Port, Other, builder =>
        {
            var real = builder.Services.Last(d => d.ServiceType == typeof(IMailSender));
            builder.Services.Remove(real);
            builder.Services.AddSingleton<IMailSender>(provider => transport = new AuthenticationRequiredFor(Admin, (IMailSender)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
            builder.Logging.AddProvider(logs);
        });
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync(Other, clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();

        // The third refusal suspends the subscriber; the notice's send throws, the run reports all the same.
        for (var day = 1; day <= 3; day++)
        {
            await NewStoryAndNextDayAsync(host);
            Assert.Equal(new DigestRunReport(2, 1, 1), await dispatcher.RunAsync(default));
        }

        Assert.Equal(3, smtp.Messages.Count(m => m.To.Mailboxes.Single().Address == Other));
        Assert.DoesNotContain(smtp.Messages, m => m.To.Mailboxes.Single().Address == Admin);
        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Warning
            && line.Message.Contains($"FeedDigest:Admin:Email = {Admin}", StringComparison.Ordinal)
            && line.Message.Contains($"subscriber {Subscriber}", StringComparison.Ordinal)
            && line.Message.Contains("5.7.0 Authentication required", StringComparison.Ordinal));

        // The mail settings fixed: the next run tells the admin, once.
        transport!.Fixed = true;
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        Assert.Equal(new DigestRunReport(0, 0, 0), await dispatcher.RunAsync(default));
        var notice = Assert.Single(smtp.Messages, m => m.To.Mailboxes.Single().Address == Admin);
        Assert.Equal($"FeedDigest: subscriber {Subscriber} suspended", notice.Subject);
    }

    /// <summary>The real transport, throwing for one address as MailKit does on "530 Authentication required", until <see cref="Fixed"/>.</summary>
    private sealed class AuthenticationRequiredFor(string address, IMailSender inner) : IMailSender
    {
        public bool Fixed { get; set; }

        public Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
            message.ToAddress == address && !Fixed ? throw new MailKit.ServiceNotAuthenticatedException("5.7.0 Authentication required") : inner.SendAsync(message, cancellationToken);
    }

    [Fact]
    public async Task AStoryEditedAfterItWentOut_GoesOutOnceMore_MarkedUpdated_WithIncludeOnceAndClustering()
    {
        await using var smtp = InProcessSmtpServer.Start();
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss(("s1", $"Censorship story 1 {Words(1, "t")}", $"Report on censorship: {Words(1, "s")}.")));
        var settings = TestHost.Settings(feedUri, smtp.Port);
        settings["FeedDigest:Stories:EditedStories"] = "IncludeOnce";
        using var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync(Subscriber, clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        var poller = host.Services.GetRequiredService<FeedPoller>();
        var dispatcher = host.Services.GetRequiredService<DigestDispatcher>();
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));

        // The headline is corrected: the story keeps its cluster, which the subscriber got already.
        feeds.Set("wire.xml", FeedDocuments.Rss(("s1", $"Censorship story 1, corrected {Words(1, "t")}", $"Report on censorship: {Words(1, "s")}.")));
        await poller.PollAsync(allFeeds: true, default);
        clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(new DigestRunReport(1, 1, 0), await dispatcher.RunAsync(default));
        Assert.Contains("[Updated] Censorship story 1, corrected", smtp.Messages.Last().TextBody, StringComparison.Ordinal);
    }

    private sealed class ThrowsFor(string address, IMailSender inner) : IMailSender
    {
        public Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
            message.ToAddress == address ? throw new InvalidOperationException("a bug in the transport") : inner.SendAsync(message, cancellationToken);
    }

    /// <summary>The real store, whose "sent" write fails while <see cref="Full"/> is set, as on a full disk.</summary>
    private sealed class FullDiskOnMarkSent(IDigestStore inner) : IDigestStore
    {
        public Task<IReadOnlyList<long>> GetDeliveredAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) =>
            inner.GetDeliveredAmongAsync(subscriberKey, storyIds, cancellationToken);

        public Task<IReadOnlyList<(string SubscriberKey, long StoryId)>> GetRecipientsAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) =>
            inner.GetRecipientsAsync(storyIds, cancellationToken);

        public Task<IReadOnlyList<long>> GetHeadlinesAmongAsync(string subscriberKey, IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) =>
            inner.GetHeadlinesAmongAsync(subscriberKey, storyIds, cancellationToken);

        public bool Full { get; set; }

        public Task MarkSentAsync(string digestId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
            Full ? throw new IOException("disk full") : inner.MarkSentAsync(digestId, sentAt, cancellationToken);

        public Task<SubscriberDigestState> GetOrCreateStateAsync(string subscriberKey, DateTimeOffset now, DateTimeOffset lookbackStart, CancellationToken cancellationToken) => inner.GetOrCreateStateAsync(subscriberKey, now, lookbackStart, cancellationToken);

        public Task<IReadOnlyList<SubscriberDigestState>> GetOrCreateStatesAsync(IReadOnlyList<string> subscriberKeys, DateTimeOffset now, DateTimeOffset lookbackStart, CancellationToken cancellationToken) => inner.GetOrCreateStatesAsync(subscriberKeys, now, lookbackStart, cancellationToken);

        public Task<bool> TryClaimAsync(SubscriberDigestState expected, DateTimeOffset slot, long newCutoff, ClaimedDigest? digest, CancellationToken cancellationToken) => inner.TryClaimAsync(expected, slot, newCutoff, digest, cancellationToken);

        public Task<IReadOnlyList<UnsentDigest>> GetUnsentDigestsAsync(DateTimeOffset now, int limit, IReadOnlyCollection<string>? subscriberKeys, CancellationToken cancellationToken) => inner.GetUnsentDigestsAsync(now, limit, subscriberKeys, cancellationToken);

        public Task LeaseAsync(string digestId, DateTimeOffset until, CancellationToken cancellationToken) => inner.LeaseAsync(digestId, until, cancellationToken);

        public Task<IReadOnlyList<ScheduledAttempt>> GetAttemptsAfterAsync(DateTimeOffset after, CancellationToken cancellationToken) => inner.GetAttemptsAfterAsync(after, cancellationToken);

        public Task<bool> RescheduleAttemptAsync(ScheduledAttempt attempt, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) => inner.RescheduleAttemptAsync(attempt, nextAttemptAt, cancellationToken);

        public Task<DateTimeOffset?> GetLastRunAsync(CancellationToken cancellationToken) => inner.GetLastRunAsync(cancellationToken);

        public Task RecordRunAsync(DateTimeOffset at, CancellationToken cancellationToken) => inner.RecordRunAsync(at, cancellationToken);

        public Task<IReadOnlyList<long>> GetDeliveredStoryIdsAsync(string subscriberKey, DateTimeOffset since, CancellationToken cancellationToken) => inner.GetDeliveredStoryIdsAsync(subscriberKey, since, cancellationToken);

        public Task MarkFailedAsync(string digestId, string failure, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken) => inner.MarkFailedAsync(digestId, failure, nextAttemptAt, cancellationToken);

        public Task<RecipientRefusal> RecordRecipientRefusedAsync(string subscriberKey, string failure, DateTimeOffset at, int suspendAfter, CancellationToken cancellationToken) => inner.RecordRecipientRefusedAsync(subscriberKey, failure, at, suspendAfter, cancellationToken);

        public Task<IReadOnlyList<SubscriberSuspension>> GetUntoldSuspensionsAsync(CancellationToken cancellationToken) => inner.GetUntoldSuspensionsAsync(cancellationToken);

        public Task MarkSuspensionToldAsync(string subscriberKey, CancellationToken cancellationToken) => inner.MarkSuspensionToldAsync(subscriberKey, cancellationToken);

        public Task<IReadOnlyList<SubscriberSuspension>> GetSuspensionsAsync(CancellationToken cancellationToken) => inner.GetSuspensionsAsync(cancellationToken);

        public Task<bool> ResumeAsync(string subscriberKey, CancellationToken cancellationToken) => inner.ResumeAsync(subscriberKey, cancellationToken);
    }

    private async Task<IHost> BuildAsync(int smtpPort, string? secondSubscriber = null, Action<HostApplicationBuilder>? configure = null)
    {
        var feedUri = feeds.Set("wire.xml", FeedDocuments.Rss());
        var settings = TestHost.Settings(feedUri, smtpPort);
        settings["FeedDigest:Admin:Email"] = Admin;
        if (secondSubscriber is not null)
        {
            settings["FeedDigest:Subscribers:1:Email"] = secondSubscriber;
            settings["FeedDigest:Subscribers:1:Topics:0"] = "censorship";
            settings["FeedDigest:Subscribers:1:SendAt"] = "07:00";
            settings["FeedDigest:Subscribers:1:TimeZone"] = "Asia/Shanghai";
        }

        var host = TestHost.Build(directory.Path, settings, clock, withScheduler: false, configure);
        await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
        await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync(Subscriber, clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
        return host;
    }

    /// <summary>Adds one more matching story to the feed, polls it, and moves the clock past the subscriber's next daily slot.</summary>
    private async Task NewStoryAndNextDayAsync(IHost host)
    {
        storyCount++;
        feeds.Set("wire.xml", FeedDocuments.Rss(Enumerable.Range(1, storyCount)
            .Select(i => ($"s{i}", $"Censorship story {i} {Words(i, "t")}", $"Report on censorship: {Words(i, "s")}."))
            .ToArray()));
        Assert.Equal(1, (await host.Services.GetRequiredService<FeedPoller>().PollAsync(allFeeds: true, default)).NewStories);
        clock.Advance(TimeSpan.FromDays(1));
    }

    /// <summary>Words of the story's own, so that no two stories fall into one cluster (a cluster is sent once).</summary>
    private static string Words(int story, string field) =>
        string.Join(' ', "abcdefgh".Select(letter => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{field}{story}{letter}")));
}
