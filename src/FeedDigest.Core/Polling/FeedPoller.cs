using System.Collections.Concurrent;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Timing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Polling;

/// <summary>
/// One poll: picks the feeds that are due, fetches them politely (a global and a per-host limit on
/// requests in flight), parses and stores their stories, and decides when each is checked next. A
/// failing feed is recorded, backed off and reported to the admin; the others go on.
/// </summary>
public sealed class FeedPoller(
    FeedCatalogSync catalogSync,
    IFeedStore feedStore,
    IStoryClusterIndex clusterIndex,
    IFeedFetcher fetcher,
    FeedHealthNotifier healthNotifier,
    IOptionsMonitor<PollingOptions> optionsMonitor,
    IOptionsMonitor<StoryOptions> storyOptionsMonitor,
    TimeProvider timeProvider,
    ILogger<FeedPoller> logger)
{
    // A feed's title names it in digests: a sentence, not a page.
    private const int MaxChannelTitleLength = 120;

    private readonly HostLimiter hostLimiter = new();
    private readonly ClockHighWaterMark clockMark = new();

    // Notices that went out but whose record failed (RecordNoticeSentAsync): what the stored AlertSent
    // should be. The store still says otherwise, and its word would send them again. Kept by the
    // feed's configured Url, which a rename keeps and a new Url (a new source, its state started
    // afresh) does not, with the failing spell the notice was about: a state that moved on since
    // (started afresh, or a new spell) is not the one the notice was about.
    private readonly ConcurrentDictionary<string, NoticeNotRecorded> noticesNotRecorded = new(StringComparer.Ordinal);

    // How often each feed (by id) gave a stored story's GUID to an item at a new link with another
    // title, in this process: a site that rewrote a post does it once, a feed that gives one GUID
    // to article after article at each new one, so the second time is a warning, and then it is told.
    private readonly ConcurrentDictionary<string, int> guidReuses = new(StringComparer.Ordinal);
    private DateTimeOffset? lastPrunedAt;

    /// <param name="allFeeds">Check every configured feed now, not only those that are due.</param>
    public async Task<PollReport> PollAsync(bool allFeeds, CancellationToken cancellationToken)
    {
        // Held to the end: a sync (renames) waits until no fetch can save under an id it changes.
        using var lease = await catalogSync.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var catalog = lease.Catalog;
        var options = optionsMonitor.CurrentValue;
        var now = timeProvider.GetUtcNow();
        ForgetNoticesOfFeedsNoLongerConfigured(catalog);

        await PruneDailyAsync(now, cancellationToken).ConfigureAwait(false);
        var latestScheduledCheck = NextCheckCalculator.LatestScheduledCheck(now, options);
        await MoveChecksBackAfterAStepBackAsync(now, latestScheduledCheck, cancellationToken).ConfigureAwait(false);
        await RescheduleChecksBeyondMaxIntervalAsync(now, options, cancellationToken).ConfigureAwait(false);
        var due = allFeeds
            ? await feedStore.GetFeedStatesAsync(cancellationToken).ConfigureAwait(false)
            : await feedStore.GetDueFeedsAsync(now, latestScheduledCheck, options.MaxFeedsPerTick, cancellationToken).ConfigureAwait(false);
        WarnOfChecksSetAhead(due, latestScheduledCheck, options);
        var failed = 0;
        var newStories = 0;
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrentFetches, CancellationToken = cancellationToken },
            async (state, token) =>
            {
                if (!catalog.FeedsById.TryGetValue(state.FeedId, out var feed))
                {
                    return;
                }

                var (ok, added) = await PollFeedGuardedAsync(feed, state, options, token).ConfigureAwait(false);
                Interlocked.Add(ref newStories, added);
                if (!ok)
                {
                    Interlocked.Increment(ref failed);
                }
            }).ConfigureAwait(false);

        // The checks this poll set were set at readings up to now: a step back after them is measured from here.
        clockMark.Advance(timeProvider.GetUtcNow());
        return new PollReport(due.Count, failed, newStories);
    }

    /// <summary>
    /// A feed next due later than any schedule sets from now, and last checked after now (or never),
    /// had that time set while the clock was ahead (a wrong NTP answer, a mistyped date), and the
    /// store hands it over as due. The admin is told, or a pause in polling would go unexplained;
    /// once polled, the feed is scheduled from the clock as it is, so this is said once. (One last
    /// checked before now was given a wait MaxInterval no longer allows, and was rescheduled.)
    /// </summary>
    private void WarnOfChecksSetAhead(IReadOnlyList<FeedState> due, DateTimeOffset latestScheduledCheck, PollingOptions options)
    {
        var setAhead = due.Where(state => state.NextCheckAt > latestScheduledCheck).ToList();
        if (setAhead.Count == 0)
        {
            return;
        }

        logger.LogWarning(
            "The clock appears to have gone back: {Count} feeds were next due later than MaxInterval ({MaxInterval}) allows, up to {LatestNextCheck:u}; they are polled now and scheduled from the current time: {FeedIds}",
            setAhead.Count, options.MaxInterval, setAhead.Max(state => state.NextCheckAt), string.Join(", ", setAhead.Select(state => state.FeedId)));
    }

    /// <summary>
    /// A clock put back by less than the bound of <see cref="WarnOfChecksSetAhead"/> (half an hour,
    /// say) leaves the checks set while it was ahead that much too late, and nothing in them shows
    /// it. The poll's high-water mark of the clock does: a reading earlier than the latest one a poll
    /// acted on (here or, written down, before a restart) means the clock went back by the
    /// difference. The feeds last checked after now were checked while it was ahead: their times
    /// move back by the step (a check due by then is due now). Feeds checked earlier in a longer
    /// spell ahead cannot be told from the others, and keep their times; feeds due later than any
    /// schedule sets are left to <see cref="WarnOfChecksSetAhead"/>, due now.
    /// </summary>
    private async Task MoveChecksBackAfterAStepBackAsync(DateTimeOffset now, DateTimeOffset latestScheduledCheck, CancellationToken cancellationToken)
    {
        if (!clockMark.Loaded)
        {
            clockMark.Load(await feedStore.GetLastPollAsync(cancellationToken).ConfigureAwait(false));
        }

        var mark = clockMark.Mark;
        var step = clockMark.Observe(now);
        if (step > TimeSpan.Zero)
        {
            var setAhead = (await feedStore.GetFeedsCheckedAfterAsync(now, cancellationToken).ConfigureAwait(false))
                .Where(state => state.NextCheckAt <= latestScheduledCheck)
                .ToList();
            if (setAhead.Count > 0)
            {
                DateTimeOffset? Back(DateTimeOffset? at) => at > now ? at - step : at;
                await feedStore.SaveStatesAsync(
                    setAhead.Select(state => state with
                    {
                        LastCheckedAt = Back(state.LastCheckedAt),
                        LastSuccessAt = Back(state.LastSuccessAt),
                        FailingSince = Back(state.FailingSince),
                        NextCheckAt = state.NextCheckAt - step,
                    }).ToList(),
                    cancellationToken).ConfigureAwait(false);
                logger.LogWarning(
                    "The clock went back by {Step} (a poll read {Mark:u}, it reads {Now:u} now): the next checks of {Count} feeds checked while it was ahead move back by as much: {FeedIds}",
                    step, mark, now, setAhead.Count, string.Join(", ", setAhead.Select(state => state.FeedId)));
            }
        }

        // Written after the feeds moved: a poll stopped in between finds the step again, and the
        // feeds it moved, now checked before now, are not moved twice.
        if (clockMark.ToRecord() is { } record)
        {
            await feedStore.RecordPollAsync(record, cancellationToken).ConfigureAwait(false);
            clockMark.Recorded(record);
        }
    }

    /// <summary>
    /// A feed last checked before now whose next check lies beyond what MaxInterval allows was given
    /// that wait under a longer MaxInterval, and the setting was shortened since (a reload, or a
    /// restart). It is not due at once: ten thousand feeds would be fetched in the same second. It is
    /// rescheduled within the new bound (<see cref="NextCheckCalculator.WithinMaxInterval"/>), spread
    /// out, and the change is logged once, as what it is.
    /// </summary>
    private async Task RescheduleChecksBeyondMaxIntervalAsync(DateTimeOffset now, PollingOptions options, CancellationToken cancellationToken)
    {
        var beyond = (await feedStore.GetFeedsDueAfterAsync(now + NextCheckCalculator.LongestWait(options), cancellationToken).ConfigureAwait(false))
            .Where(state => state.LastCheckedAt <= now)
            .ToList();
        if (beyond.Count == 0)
        {
            return;
        }

        await feedStore.SaveStatesAsync(
            beyond.Select(state => state with { NextCheckAt = NextCheckCalculator.WithinMaxInterval(state.FeedId, state.LastCheckedAt, now, options) }).ToList(),
            cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "{Section}:MaxInterval is {MaxInterval}: {Count} feeds were given longer waits before it was shortened (next due up to {LatestNextCheck:u}); they are rescheduled within it, spread out, not polled at once",
            PollingOptions.SectionName, options.MaxInterval, beyond.Count, beyond.Max(state => state.NextCheckAt));
    }

    /// <summary>
    /// Old stories go once a day; their keys stay, so they never come back as new. The day counts
    /// from the last prune in any process on the store: a one-shot command does not prune again.
    /// </summary>
    private async Task PruneDailyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lastPrunedAt ??= await feedStore.GetLastPruneAsync(cancellationToken).ConfigureAwait(false);
        if (lastPrunedAt is { } last && now - last < TimeSpan.FromDays(1) && last <= now)
        {
            return;
        }

        var retention = storyOptionsMonitor.CurrentValue.Retention;
        var pruned = await feedStore.PruneStoriesAsync(now - retention, cancellationToken).ConfigureAwait(false);
        // Every day, not only when stories went: it also finishes a cluster prune a crash cut short.
        var clusters = await clusterIndex.PruneAsync(cancellationToken).ConfigureAwait(false);
        await feedStore.RecordPruneAsync(now, cancellationToken).ConfigureAwait(false);
        lastPrunedAt = now;
        if (pruned > 0)
        {
            logger.LogInformation("Pruned {Count} stories first seen more than {Retention} ago (FeedDigest:Stories:Retention); their keys are kept so they never return as new", pruned, retention);
        }

        if (clusters.Stories > 0)
        {
            logger.LogInformation("Pruned {Count} stories from their clusters; {Clusters} clusters left without stories were removed", clusters.Stories, clusters.Clusters);
        }
    }

    /// <summary>One feed's bug (an exception where a value was expected) must not stop the other feeds.</summary>
    private async Task<(bool Ok, int NewStories)> PollFeedGuardedAsync(Feed feed, FeedState state, PollingOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var slot = await hostLimiter.AcquireAsync(state.EffectiveUri, options.MaxConcurrentPerHost, cancellationToken).ConfigureAwait(false);
            if (noticesNotRecorded.TryRemove(feed.Source.AbsoluteUri, out var notice) && notice.FailingSince == state.FailingSince)
            {
                state = state with { AlertSent = notice.AlertSent };
                await RecordNoticeSentAsync(feed, state, notice.AlertSent, notice.Kind).ConfigureAwait(false);
            }

            return await PollFeedAsync(feed, state, options, discoverFeed: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Feed {FeedId} ({FeedUrl}) hit an internal error; the other feeds go on. Please report this with the feed's URL", feed.Id, feed.Source);
            await RecordFailureAsync(feed, state, $"internal error: {exception.Message}", null, options, cancellationToken).ConfigureAwait(false);
            return (false, 0);
        }
    }

    private async Task<(bool Ok, int NewStories)> PollFeedAsync(Feed feed, FeedState state, PollingOptions options, bool discoverFeed, CancellationToken cancellationToken)
    {
        var request = new FetchRequest(state.EffectiveUri, state.ETag, state.LastModified) { Settings = feed.Fetch, CredentialsOrigin = feed.Source };
        var result = await fetcher.FetchAsync(request, cancellationToken).ConfigureAwait(false);
        state = state with { LastStatus = result.StatusCode };
        if (result.MovedPermanentlyTo is { } moved)
        {
            logger.LogInformation("Feed {FeedId} moved permanently from {FeedUrl} to {NewUrl}; polling the new address. Update its Url in the configuration", feed.Id, state.EffectiveUri, moved);
            state = state with { FetchUri = moved };
        }

        switch (result)
        {
            case FetchResult.NotModified notModified:
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    // Guarded: the call boxes and allocates even when debug logging is off, for each feed of every poll.
                    logger.LogDebug("Feed {FeedId} ({FeedUrl}) not modified", feed.Id, state.EffectiveUri);
                }

                await RecordSuccessAsync(feed, state with { ETag = notModified.ETag ?? state.ETag, LastModified = notModified.LastModified ?? state.LastModified }, result.FreshFor, [], options, cancellationToken).ConfigureAwait(false);
                return (true, 0);

            case FetchResult.Content content:
                var parsed = FeedParser.Parse(content.Body, content.FinalUri, content.Charset, feed.TimeZone);
                if (parsed.Items.Count == 0 && parsed.Format == FeedFormat.Unknown && discoverFeed && FeedDiscovery.LooksLikeHtml(content.MediaType, content.Body))
                {
                    return await FollowDiscoveredFeedAsync(feed, state, content, options, cancellationToken).ConfigureAwait(false);
                }

                if (parsed.Items.Count == 0 && parsed.Bozo)
                {
                    await RecordFailureAsync(feed, state, $"unreadable feed: {string.Join("; ", parsed.Errors.Take(3))}", null, options, cancellationToken).ConfigureAwait(false);
                    return (false, 0);
                }

                if (parsed.Bozo)
                {
                    logger.LogInformation("Feed {FeedId} ({FeedUrl}) is malformed but readable: {Errors}", feed.Id, state.EffectiveUri, string.Join("; ", parsed.Errors.Take(3)));
                }

                var items = parsed.Items.Take(options.MaxItemsPerFeed).ToList();
                var stories = ToStories(feed, state, items);
                var channelTitle = HtmlText.Truncate(HtmlText.CollapseWhiteSpace(parsed.Title ?? string.Empty), MaxChannelTitleLength);
                var saved = await RecordSuccessAsync(
                    feed,
                    state with { ETag = content.ETag, LastModified = content.LastModified, TimeToLive = parsed.TimeToLive, ChannelTitle = channelTitle.Length > 0 ? channelTitle : state.ChannelTitle },
                    result.FreshFor,
                    stories,
                    options,
                    cancellationToken).ConfigureAwait(false);

                if (saved.GuidChanges > 0 && !state.GuidsUnstable)
                {
                    logger.LogWarning(
                        "Feed {FeedId} ({FeedUrl}) gave {Count} items it had sent before new GUIDs: it regenerates them, so its items are told apart by their links from now on",
                        feed.Id, state.EffectiveUri, saved.GuidChanges);
                }

                if (saved.GuidReused is { } reuse && feed.Identity == IdentityPolicy.Auto)
                {
                    TellOfGuidReuse(feed, state, reuse);
                }

                logger.LogInformation("Feed {FeedId} ({FeedUrl}): {ItemCount} items, {NewCount} new, {UpdatedCount} updated", feed.Id, state.EffectiveUri, stories.Count, saved.New, saved.Updated);
                return (true, saved.New);

            case FetchResult.Failed { Kind: FetchErrorKind.Gone } gone:
                await RecordGoneAsync(feed, state, gone, cancellationToken).ConfigureAwait(false);
                return (false, 0);

            case FetchResult.Failed failure:
                await RecordFailureAsync(feed, state, $"{failure.Kind}: {failure.Message}", failure.RetryAfter, options, cancellationToken).ConfigureAwait(false);
                return (false, 0);

            default:
                throw new InvalidOperationException($"Unknown fetch result {result.GetType().Name}.");
        }
    }

    /// <summary>
    /// An item came under a stored story's GUID at a new link with another title and was stored over
    /// it as an edit: the first time in this process as information, the second as a warning that
    /// the feed gives one GUID to article after article, then nothing more.
    /// </summary>
    private void TellOfGuidReuse(Feed feed, FeedState state, GuidReuse reuse)
    {
        switch (guidReuses.AddOrUpdate(feed.Id, 1, (_, count) => count + 1))
        {
            case 1:
                logger.LogInformation(
                    "Feed {FeedId} ({FeedUrl}) gave the GUID of its stored item \"{StoredTitle}\" to an item at a new link with another title, \"{Title}\", which was stored over it as an edit rather than as an item of its own. A site that rewrote a post under a new permalink does this once",
                    feed.Id, state.EffectiveUri, reuse.StoredTitle, reuse.Title);
                break;
            case 2:
                logger.LogWarning(
                    "Feed {FeedId} ({FeedUrl}) gave a stored item's GUID to another article again (\"{StoredTitle}\", then \"{Title}\"): it gives one GUID to article after article, each stored over the last as an edit of it, so later articles may never reach a digest. Set its Identity to link",
                    feed.Id, state.EffectiveUri, reuse.StoredTitle, reuse.Title);
                break;
        }
    }

    /// <summary>The configured URL is a web page: poll the feed it advertises instead, and remember it.</summary>
    private async Task<(bool Ok, int NewStories)> FollowDiscoveredFeedAsync(Feed feed, FeedState state, FetchResult.Content page, PollingOptions options, CancellationToken cancellationToken)
    {
        var html = System.Text.Encoding.UTF8.GetString(page.Body);
        var found = FeedDiscovery.FindFeeds(html, page.FinalUri);
        if (found.Count == 0)
        {
            await RecordFailureAsync(feed, state, $"{page.FinalUri} is a web page that advertises no feed (no <link rel=\"alternate\" type=\"application/rss+xml\">); give the feed's own URL", null, options, cancellationToken).ConfigureAwait(false);
            return (false, 0);
        }

        logger.LogInformation("Feed {FeedId}: {FeedUrl} is a web page; polling the feed it advertises, {DiscoveredUrl}", feed.Id, page.FinalUri, found[0]);
        var discovered = state with { FetchUri = found[0], ETag = null, LastModified = null };
        return await PollFeedAsync(feed, discovered, options, discoverFeed: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoriesSaved> RecordSuccessAsync(Feed feed, FeedState state, TimeSpan? freshFor, List<NewStory> stories, PollingOptions options, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var next = NextCheckCalculator.AfterSuccess(now, feed.PollInterval ?? options.DefaultInterval, freshFor, state.TimeToLive, options);
        var healthy = state with
        {
            LastCheckedAt = now,
            LastSuccessAt = now,
            NextCheckAt = NextCheckCalculator.WithJitter(next, now, feed.Id),
            ConsecutiveErrors = 0,
            LastError = null,
            FailingSince = null,
            // The admin was told it fails: on a healthy feed the flag means the recovery notice is
            // owed, and it stays set until that notice has gone out.
            AlertSent = state.AlertSent,
        };

        // Saved before the admin is told, as a failure is: a notice sent and then a save that fails
        // (a locked database, a full disk, a kill) left the feed "failing", and the next success told
        // the admin again. A notice not sent keeps the flag, to be tried again after the next fetch.
        var saved = StoriesSaved.None;
        if (stories.Count == 0)
        {
            await feedStore.SaveStateAsync(healthy, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            saved = await feedStore.SaveFetchAsync(healthy, stories, storyOptionsMonitor.CurrentValue.EditedStories, cancellationToken).ConfigureAwait(false);
        }

        if (state.AlertSent && await healthNotifier.NotifyRecoveredAsync(feed, state, cancellationToken).ConfigureAwait(false))
        {
            await RecordNoticeSentAsync(feed, healthy, alertSent: false, "recovered").ConfigureAwait(false);
        }

        return saved;
    }

    private async Task RecordFailureAsync(Feed feed, FeedState state, string error, TimeSpan? retryAfter, PollingOptions options, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var errors = state.ConsecutiveErrors + 1;
        var next = NextCheckCalculator.AfterFailure(now, feed.PollInterval ?? options.DefaultInterval, errors, retryAfter, options);
        var failing = state with
        {
            LastCheckedAt = now,
            NextCheckAt = NextCheckCalculator.WithJitter(next, now, feed.Id),
            ConsecutiveErrors = errors,
            LastError = error,
            FailingSince = state.FailingSince ?? now,
        };
        logger.LogWarning(
            "Feed {FeedId} ({FeedUrl}) failed ({ErrorCount} in a row): {Error}. Next try at {NextCheckAt:u}; check the URL or remove the feed if this persists",
            feed.Id, state.EffectiveUri, errors, error, failing.NextCheckAt);
        // Saved before the admin is told: the failure and its back-off stand whatever becomes of the
        // alert (a send that fails, or a stop that cancels it), so the feed is not first in line again.
        await feedStore.SaveStateAsync(failing, cancellationToken).ConfigureAwait(false);
        if (errors >= options.AlertAfterFailures && !state.AlertSent
            && await healthNotifier.NotifyFailingAsync(feed, failing, cancellationToken).ConfigureAwait(false))
        {
            await RecordNoticeSentAsync(feed, failing, alertSent: true, "failing").ConfigureAwait(false);
        }
    }

    /// <summary>410 Gone (RFC 9110 §15.5.11): the resource is gone for good; stop polling and tell the admin now.</summary>
    private async Task RecordGoneAsync(Feed feed, FeedState state, FetchResult.Failed gone, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var stopped = state with
        {
            LastCheckedAt = now,
            ConsecutiveErrors = state.ConsecutiveErrors + 1,
            LastError = $"{gone.Kind}: {gone.Message}; no longer polled",
            FailingSince = state.FailingSince ?? now,
            Gone = true,
            // A new notice, whatever was said about earlier failures: set once it has gone out.
            AlertSent = false,
        };
        logger.LogWarning("Feed {FeedId} ({FeedUrl}) is gone (HTTP 410): it is no longer polled. Remove it or give it a new Url", feed.Id, state.EffectiveUri);
        // Saved before the admin is told, as a failure is: the feed stops being polled whatever becomes of the alert.
        await feedStore.SaveStateAsync(stopped, cancellationToken).ConfigureAwait(false);
        if (await healthNotifier.NotifyFailingAsync(feed, stopped, cancellationToken).ConfigureAwait(false))
        {
            await RecordNoticeSentAsync(feed, stopped, alertSent: true, "gone").ConfigureAwait(false);
        }
    }

    /// <summary>A feed removed, or given another Url, starts afresh if it comes back: a notice about what it was is not its own.</summary>
    private void ForgetNoticesOfFeedsNoLongerConfigured(Catalog catalog)
    {
        foreach (var url in noticesNotRecorded.Keys)
        {
            if (!catalog.Feeds.Any(feed => feed.Source.AbsoluteUri == url))
            {
                noticesNotRecorded.TryRemove(url, out _);
            }
        }
    }

    /// <summary>
    /// Writes down that a notice about the feed went out: only <see cref="FeedState.AlertSent"/>,
    /// the rest of the state was saved before the notice. The mail has left, so a stop does not
    /// cancel the write; and a write that fails is not the feed's failure (the poller's guard would
    /// count it as one and tell the admin again at once). What was saved before the notice stands,
    /// and the notice is remembered in memory (<see cref="noticesNotRecorded"/>): the feed's next
    /// fetch goes by it, not by the store, and tries the record again. Only a restart before that
    /// record succeeds can send the notice once more.
    /// </summary>
    private async Task RecordNoticeSentAsync(Feed feed, FeedState state, bool alertSent, string kind)
    {
        try
        {
            await feedStore.SaveAlertSentAsync(state.FeedId, alertSent, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            noticesNotRecorded[feed.Source.AbsoluteUri] = new NoticeNotRecorded(alertSent, kind, state.FailingSince);
            logger.LogWarning(
                exception,
                "Feed {FeedId} ({FeedUrl}): the admin was sent the \"{Kind}\" notice, but that could not be recorded ({Error}); it is not sent again, and the record is tried again at the feed's next fetch",
                feed.Id, state.EffectiveUri, kind, exception.Message);
        }
    }

    private List<NewStory> ToStories(Feed feed, FeedState state, List<ParsedItem> items)
    {
        var storyOptions = storyOptionsMonitor.CurrentValue;
        var identity = StoryIdentity.Assign(items, feed.Identity, state.GuidsUnstable, storyOptions.TrackingParameterSet);
        // The admin changed the feed's identity policy since its items were stored: they are known
        // by the keys of the policy they were stored under, made again; the others are new.
        var previousKeys = !state.ItemsStored && state.PreviousIdentity is { } previous
            ? StoryIdentity.Assign(items, previous, state.GuidsUnstable, storyOptions.TrackingParameterSet).Keys
            : null;
        // Else a feed's first items to be stored are its archive.
        var archive = !state.ItemsStored && previousKeys is null;
        if (identity.RepeatedGuids > 0)
        {
            logger.LogInformation("Feed {FeedId} ({FeedUrl}) gives {Count} GUIDs to more than one item; those items are told apart by their links", feed.Id, state.EffectiveUri, identity.RepeatedGuids);
        }

        var now = timeProvider.GetUtcNow();
        // A feed's archive comes with its first items: only what is recent counts as new.
        var newSince = archive ? now - storyOptions.NewFeedWindow : DateTimeOffset.MinValue;
        // Furniture is judged over the whole document: what recurs in many of its items is the site's, not the story's.
        var titles = items.Select(item => HtmlText.CollapseWhiteSpace(item.Title ?? string.Empty)).ToList();
        // An empty description beside the text in content:encoded (or Atom's content) is no summary:
        // the story is stored, matched, shown and fingerprinted with the text (ToStory).
        var summaries = PageFurniture.StripAll(items.Select((item, i) => (StoryText.TextOf(item), titles[i])).ToList(), feed.Furniture);
        var stories = items.Select((item, i) => ToStory(feed.Id, item, titles[i], summaries[i].Text, identity.Keys[i], now) with { HeldBack = (item.Published ?? item.Updated ?? now) < newSince, PreviousKeys = previousKeys?[i] ?? [] }).ToList();
        var timedOut = summaries.Count(s => s.PatternTimedOut);
        if (timedOut > 0)
        {
            logger.LogWarning("Feed {FeedId} ({FeedUrl}): a RemovePatterns pattern ran past its {Timeout} ms timeout on {Count} items and was skipped for them; simplify it", feed.Id, state.EffectiveUri, FurnitureRules.PatternTimeout.TotalMilliseconds, timedOut);
        }

        return stories;
    }

    private static NewStory ToStory(string feedId, ParsedItem item, string itemTitle, string itemSummary, IReadOnlyList<string> keys, DateTimeOffset now)
    {
        var (title, summary) = StoryText.Of(itemTitle, itemSummary);
        // The item's text as the feed gives it (StoryText.TextOf, whose choice is made here once), for
        // the fingerprint's half that page furniture does not change.
        var fromContent = StoryText.IsFromContent(item);
        var givenText = HtmlText.Truncate(HtmlText.ToPlainText(fromContent ? item.Content : item.Summary ?? item.Content), StoryText.MaxSummaryLength);
        var withoutText = !fromContent && string.IsNullOrWhiteSpace(givenText);
        var (earlierTextHashes, earlierVisibleHashes) = fromContent ? EarlierHashes(item.Summary, itemTitle, title)
            : withoutText ? ([StoryIdentity.ContentHash(title, givenText)], [])
            : ([], []);
        return new NewStory(
            feedId,
            keys,
            title,
            item.Link,
            summary,
            item.Author,
            item.Categories,
            item.Published,
            item.Updated,
            now)
        {
            // An edit is a change in what the feed says and in what a reader sees of it: a new furniture
            // rule, a block that starts recurring across the document, or furniture that changes at
            // every fetch, must not send a story again (StoryIdentity.SameContent).
            ContentHash = StoryIdentity.ContentHash(title, (fromContent ? ContentTextMark : withoutText ? NoTextMark : string.Empty) + givenText, summary),
            EarlierTextHashes = earlierTextHashes,
            EarlierVisibleHashes = earlierVisibleHashes,
            IsWithoutText = withoutText,
            HasOwnTitle = itemTitle.Length > 0,
        };
    }

    // The text as the feed gives it is marked when it has no text of its own and when it comes from the
    // item's content beside a description without text: no fingerprint made now is then one an earlier
    // version made of such a description (NewStory.EarlierTextHashes), and text added to the content
    // later (a photo's caption, the article itself) is an edit. A headline alone stored by an earlier
    // version is known by its unmarked fingerprint too: before they had two halves (2026-11-28 00:49),
    // that half was all a fingerprint had.
    private const string NoTextMark = "no text:\n";
    private const string ContentTextMark = "content:\n";

    /// <summary>
    /// The fingerprints earlier versions gave an item whose text is in its content beside a
    /// <paramref name="description"/> without text: of the description as given (the text half), and
    /// of it or of nothing, as page furniture left it (the visible half); with the title as it is made
    /// now or, for an item without one, made from the description, or "(untitled)" when page furniture
    /// was all the description had.
    /// </summary>
    private static (List<string> Text, List<string> Visible) EarlierHashes(string? description, string itemTitle, string title)
    {
        var text = HtmlText.Truncate(HtmlText.ToPlainText(description), StoryText.MaxSummaryLength);
        var titles = (itemTitle.Length > 0 ? [title] : new[] { title, StoryText.Of(itemTitle, text).Title, StoryText.Untitled }).Distinct(StringComparer.Ordinal).ToList();
        return (
            titles.Select(earlierTitle => StoryIdentity.ContentHash(earlierTitle, text)).ToList(),
            titles.SelectMany(earlierTitle => new[] { StoryIdentity.ContentHash(earlierTitle, text), StoryIdentity.ContentHash(earlierTitle, string.Empty) }).Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>A notice sent whose record failed: the AlertSent it set, which notice, and the failing spell it was about (null for a recovery).</summary>
    private sealed record NoticeNotRecorded(bool AlertSent, string Kind, DateTimeOffset? FailingSince);
}
