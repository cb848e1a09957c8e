using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Subscriptions;
using FeedDigest.Core.Timing;
using FeedDigest.Core.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Digests;

/// <summary>
/// One digest run. First it claims a digest for every subscriber whose slot has come: the stories
/// first seen since their previous cut-off that match their topics, stored with a Message-ID in the
/// same transaction that moves the cut-off. Then it sends every claimed digest still in the outbox.
/// Claiming before sending means a crash can delay a digest but never lose or duplicate its stories.
/// </summary>
public sealed class DigestDispatcher(
    FeedCatalogSync catalogSync,
    SubscriberDirectory subscriberDirectory,
    IFeedStore feedStore,
    IDigestStore digestStore,
    IMailSender sender,
    DigestRenderer renderer,
    SuspensionNotifier suspensionNotifier,
    ClusteringCatchUp clustering,
    IStoryClusterIndex clusterIndex,
    IOptions<ClusteringOptions> clusteringOptions,
    IOptionsMonitor<DigestOptions> optionsMonitor,
    TimeProvider timeProvider,
    ILogger<DigestDispatcher> logger)
{
    private const int CandidatePageSize = 1000;
    private const int OutboxBatchSize = 100;

    /// <summary>
    /// How far after now a subscriber's recorded slot may be before the clock is taken to have gone
    /// back: a run in another process on the same store (a CLI run beside the service) may have
    /// claimed with a reading of the clock taken a moment after this run's.
    /// </summary>
    private static readonly TimeSpan OtherRunLeeway = TimeSpan.FromMinutes(1);

    /// <summary>A failed send is tried again after RetryInterval, doubled for each attempt before it up to this many times.</summary>
    private const int MaxRetryDoublings = 10;

    private readonly ClockHighWaterMark clockMark = new();

    // Digests the mail server took whose "sent" could not be written (a full disk): never sent again
    // by this process; the write is tried again at each run.
    private readonly ConcurrentDictionary<string, DateTimeOffset> sentNotRecorded = new(StringComparer.Ordinal);

    public async Task<DigestRunReport> RunAsync(CancellationToken cancellationToken)
    {
        // Synced first: a renamed feed's stories are stored under its new id before they are matched;
        // held to the end, so no sync changes the ids under the run's feet.
        CatalogLease lease;
        try
        {
            lease = await catalogSync.AcquireAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogNotSyncedException)
        {
            // Logged where it failed. No digest is claimed (stories may sit under ids this catalog
            // does not name), but those claimed before are built already, and go out.
            var (sentBefore, failuresBefore) = await SendUnsentAsync(catalogSync.Configured, optionsMonitor.CurrentValue, cancellationToken).ConfigureAwait(false);
            return new DigestRunReport(0, sentBefore, failuresBefore);
        }

        using var held = lease;
        var catalog = await WithFeedTitlesAsync(lease.Catalog, cancellationToken).ConfigureAwait(false);
        var options = optionsMonitor.CurrentValue;
        // Every stored story is placed in its cluster first, so the digests list each story once.
        await clustering.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        var claimed = await ClaimDueDigestsAsync(catalog, options, cancellationToken).ConfigureAwait(false);
        var (sent, failures) = await SendUnsentAsync(catalog, options, cancellationToken).ConfigureAwait(false);
        await TellSuspensionsAsync(catalog, cancellationToken).ConfigureAwait(false);
        return new DigestRunReport(claimed, sent, failures);
    }

    /// <summary>
    /// Claims a digest for every subscriber whose next slot has come; returns how many were stored.
    /// The new stories are read, clustered and matched once for all of them (from the lowest of
    /// their cut-offs), not once per subscriber; each digest is then claimed on its own, with the
    /// subscriber's cut-off moved in the same transaction.
    /// </summary>
    private async Task<int> ClaimDueDigestsAsync(Catalog catalog, DigestOptions options, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        // Read each run: a subscriber who left on the web pages gets no digest from the next run on.
        var subscribers = await subscriberDirectory.GetSubscribersAsync(catalog, cancellationToken).ConfigureAwait(false);
        var states = await digestStore.GetOrCreateStatesAsync(
            subscribers.Select(s => s.Key).ToList(), now, now - options.NewSubscriberLookback, cancellationToken).ConfigureAwait(false);
        var pairs = subscribers.Zip(states).ToList();
        await CountSlotsFromNowAfterClockWentBackAsync(pairs, now, cancellationToken).ConfigureAwait(false);
        // A subscriber whose slots were just counted from now is not due: their next slot is after now.
        var due = pairs
            .Where(pair => pair.First.Schedule.NextAfter(pair.Second.ScheduleAnchor) is { } slot && slot <= now)
            .ToList();
        if (due.Count == 0)
        {
            return 0;
        }

        var candidates = await ReadRunCandidatesAsync(catalog, due.Min(pair => pair.Second.StoryCutoff), cancellationToken).ConfigureAwait(false);
        var claimed = 0;
        foreach (var (subscriber, state) in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await TryClaimAsync(subscriber, state, candidates, catalog, options, now, cancellationToken).ConfigureAwait(false))
            {
                claimed++;
            }
        }

        return claimed;
    }

    /// <summary>
    /// A slot recorded (or a subscriber first seen) after now was recorded while the clock was ahead
    /// (a wrong NTP answer, a mistyped date), and the clock has gone back since: counted from there,
    /// the subscriber's next digest would wait until the clock catches up, months perhaps. Their
    /// slot is moved to now instead, so their next digest goes out at their next regular slot, with
    /// every story since their cut-off; none goes out early.
    /// </summary>
    private async Task CountSlotsFromNowAfterClockWentBackAsync(List<(Subscriber Subscriber, SubscriberDigestState State)> pairs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var movedBack = new List<(string Key, DateTimeOffset Anchor)>();
        foreach (var (subscriber, state) in pairs.Where(pair => pair.State.ScheduleAnchor > now + OtherRunLeeway))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A claim of no digest with the cut-off kept moves the slot alone; a run that moved the
            // subscriber first wins, as with any claim.
            if (await digestStore.TryClaimAsync(state, now, state.StoryCutoff, null, cancellationToken).ConfigureAwait(false))
            {
                movedBack.Add((subscriber.Key, state.ScheduleAnchor));
            }
        }

        if (movedBack.Count > 0)
        {
            logger.LogWarning(
                "The clock appears to have gone back: {Count} subscribers had a digest slot recorded after now ({Now:u}), up to {LatestSlot:u}; their slots are counted from now, so their next digests go out at their next regular slot: {SubscriberIds}",
                movedBack.Count, now, movedBack.Max(moved => moved.Anchor), string.Join(", ", movedBack.Select(moved => moved.Key)));
        }
    }

    /// <summary>Composes and claims one due subscriber's digest; returns whether one was stored.</summary>
    private async Task<bool> TryClaimAsync(
        Subscriber subscriber, SubscriberDigestState state, RunCandidates candidates, Catalog catalog, DigestOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The cut-off moves past every story the run read, matching or not, as it did when each
        // subscriber read their own; a story stored since is left for the next run.
        var newCutoff = Math.Max(state.StoryCutoff, candidates.LastSequence);
        IReadOnlyList<DigestEntry> entries = [];
        var omitted = 0;
        // A paused or suspended subscriber's slot passes and its stories with it: resuming brings new
        // stories, not a backlog (a suspended address may be a typo; the stories would pile up for nobody).
        var stories = subscriber.Paused || state.SuspendedAt is not null ? [] : candidates.For(subscriber, state.StoryCutoff);
        if (stories.Count > 0)
        {
            var earlier = candidates.EarlierCopies(stories, state.StoryCutoff, clusteringOptions.Value.Window);
            var (delivered, got) = await GetDeliveredAsync(subscriber, state, now, stories, earlier, candidates, cancellationToken).ConfigureAwait(false);
            var updates = await GetUpdatesWantedAsync(subscriber, stories, delivered, cancellationToken).ConfigureAwait(false);
            (entries, omitted) = DigestComposer.Compose(subscriber, catalog, stories, candidates.TopicsOf, subscriber.MaxStories ?? options.MaxStoriesPerDigest, delivered, earlier, updates, got, candidates.Resemblance);
        }

        var digest = entries.Count == 0
            ? null
            : new ClaimedDigest(Guid.NewGuid().ToString("N"), subscriber.Key, MessageIdFor(subscriber.Key, newCutoff, now), now, entries, omitted);

        // The slot recorded is "now", not the missed slot: after downtime one digest covers the gap.
        if (!await digestStore.TryClaimAsync(state, now, newCutoff, digest, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("Digest for subscriber {SubscriberId} was claimed by another run; skipped", subscriber.Key);
            return false;
        }

        if (digest is null)
        {
            logger.LogDebug("No new stories for subscriber {SubscriberId}; no digest (empty digests are never sent)", subscriber.Key);
            return false;
        }

        logger.LogInformation("Claimed digest {DigestId} with {StoryCount} stories for subscriber {SubscriberId}", digest.Id, entries.Count, subscriber.Key);
        return true;
    }

    /// <summary>
    /// Reads the stories after <paramref name="cutoff"/> twice, a page at a time. The first pass
    /// matches each story against all topics and notes the clusters of those that match; the second,
    /// up to the last story the first one read, keeps the matching stories and their cluster-mates
    /// with their clusters as they are now. So a run whose lowest cut-off is old (a weekly digest, a
    /// new subscriber's look-back, downtime) holds the few stories that matter, not every story
    /// since: reading twice costs less than holding them.
    /// </summary>
    private async Task<RunCandidates> ReadRunCandidatesAsync(Catalog catalog, long cutoff, CancellationToken cancellationToken)
    {
        var (matches, matchingClusters, last, unclustered) = await MatchAsync(catalog, cutoff, long.MaxValue, cancellationToken).ConfigureAwait(false);
        if (unclustered && clustering.Enabled)
        {
            // A poll stored stories after the run's catch-up: placed now (by this catch-up, or by the
            // poll's, which this one waits for), and read again up to the same story, or a copy
            // would be listed apart from its cluster (or sent again when its cluster was).
            await clustering.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            (matches, matchingClusters, last, _) = await MatchAsync(catalog, cutoff, last, cancellationToken).ConfigureAwait(false);
        }

        var kept = new List<StoredStory>();
        if (matches.Count == 0)
        {
            return new RunCandidates(kept, [], matches, last);
        }

        await foreach (var (page, clusters) in ReadPagesAsync(cutoff, last, cancellationToken).ConfigureAwait(false))
        {
            foreach (var story in page)
            {
                long? cluster = clusters.TryGetValue(story.Id, out var id) ? id : null;
                if (matches.ContainsKey(story.Id) || cluster is { } c && matchingClusters.Contains(c))
                {
                    kept.Add(story with { ClusterId = cluster });
                }
            }
        }

        return new RunCandidates(kept, await GetEarlierCopiesAsync(kept, cutoff, cancellationToken).ConfigureAwait(false), matches, last);
    }

    /// <summary>
    /// The copies, up to <paramref name="cutoff"/>, of the clustered <paramref name="stories"/>
    /// (those that came after it), each dated within the clustering window of its cluster's stories
    /// among them: the same story from outlets that carried it before the subscriber's last digest,
    /// unsent because no topic matched their wording (or the digest was full). A digest names them
    /// under "also".
    /// </summary>
    private async Task<IReadOnlyList<StoredStory>> GetEarlierCopiesAsync(IReadOnlyList<StoredStory> stories, long cutoff, CancellationToken cancellationToken)
    {
        var spans = RunCandidates.EarlierCopySpans(stories, clusteringOptions.Value.Window);
        if (spans.Count == 0)
        {
            return [];
        }

        var members = await clusterIndex.GetClusterStoriesAsync(spans.Values, cancellationToken).ConfigureAwait(false);
        var known = stories.Select(story => story.Id).ToHashSet();
        var earlier = await feedStore.GetStoriesAsync(members.Keys.Where(id => !known.Contains(id)).ToList(), cancellationToken).ConfigureAwait(false);
        return earlier
            .Where(story => story.Sequence <= cutoff && members.ContainsKey(story.Id))
            .Select(story => story with { ClusterId = members[story.Id] })
            .ToList();
    }

    /// <summary>
    /// The clusters of these stories; none while clustering is off (Clustering:Enabled), so every
    /// story is listed on its own, also those placed in clusters before it was turned off.
    /// </summary>
    private async Task<IReadOnlyDictionary<long, long>> ClustersOfAsync(IReadOnlyList<long> storyIds, CancellationToken cancellationToken) =>
        clustering.Enabled
            ? await clusterIndex.GetClustersAsync(storyIds, cancellationToken).ConfigureAwait(false)
            : new Dictionary<long, long>();

    /// <summary>
    /// The first reading: the stories after <paramref name="cutoff"/> (up to <paramref name="upTo"/>)
    /// that match a topic, the clusters of those, the last story read, and whether any story read
    /// had no cluster yet.
    /// </summary>
    private async Task<(Dictionary<long, IReadOnlyList<Topic>> Matches, HashSet<long> MatchingClusters, long Last, bool Unclustered)> MatchAsync(
        Catalog catalog, long cutoff, long upTo, CancellationToken cancellationToken)
    {
        var matches = new Dictionary<long, IReadOnlyList<Topic>>();
        var matchingClusters = new HashSet<long>();
        var last = cutoff;
        var unclustered = false;
        await foreach (var (page, clusters) in ReadPagesAsync(cutoff, upTo, cancellationToken).ConfigureAwait(false))
        {
            foreach (var story in page)
            {
                var clustered = clusters.TryGetValue(story.Id, out var cluster);
                unclustered |= !clustered;
                var topics = catalog.TopicMatcher.Match(story);
                if (topics.Count > 0)
                {
                    matches[story.Id] = topics;
                    if (clustered)
                    {
                        matchingClusters.Add(cluster);
                    }
                }
            }

            last = page[^1].Sequence;
        }

        return (matches, matchingClusters, last, unclustered);
    }

    /// <summary>The stories after <paramref name="cutoff"/> up to <paramref name="upTo"/>, a page at a time, with the clusters of those that have one.</summary>
    private async IAsyncEnumerable<(IReadOnlyList<StoredStory> Page, IReadOnlyDictionary<long, long> Clusters)> ReadPagesAsync(
        long cutoff, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await feedStore.GetStoriesAfterAsync(cutoff, CandidatePageSize, cancellationToken).ConfigureAwait(false);
            var page = read.Where(story => story.Sequence <= upTo).ToList();
            if (page.Count > 0)
            {
                yield return (page, await ClustersOfAsync(page.Select(s => s.Id).ToList(), cancellationToken).ConfigureAwait(false));
            }

            if (read.Count < CandidatePageSize || page.Count < read.Count)
            {
                yield break;
            }

            cutoff = read[^1].Sequence;
        }
    }

    /// <summary>
    /// What the subscriber's digest would hold if it went out now, rendered, without claiming anything;
    /// null when no new story matches their topics.
    /// </summary>
    public async Task<OutgoingMessage?> PreviewAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        // Synced first: a renamed feed's stories are stored under its new id before they are matched;
        // held to the end, so no sync changes the ids under the run's feet.
        using var lease = await catalogSync.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var catalog = await WithFeedTitlesAsync(lease.Catalog, cancellationToken).ConfigureAwait(false);
        var options = optionsMonitor.CurrentValue;
        var now = timeProvider.GetUtcNow();
        await clustering.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        var state = await digestStore.GetOrCreateStateAsync(subscriber.Key, now, now - options.NewSubscriberLookback, cancellationToken).ConfigureAwait(false);
        var candidates = await GetNewStoriesAsync(state, cancellationToken).ConfigureAwait(false);
        // The candidates with their current clusters (clusters merge, so they are read now).
        var clusters = await ClustersOfAsync(candidates.Select(s => s.Id).ToList(), cancellationToken).ConfigureAwait(false);
        var clustered = candidates.Select(s => clusters.TryGetValue(s.Id, out var cluster) ? s with { ClusterId = cluster } : s).ToList();
        // Each story matched once; the earlier copies read only for the clusters one of the
        // subscriber's topics matches: the others are not listed.
        var topicsOf = clustered.ToDictionary(story => story.Id, catalog.TopicMatcher.Match);
        var matchingClusters = clustered
            .Where(story => story.ClusterId is not null && topicsOf[story.Id].Any(topic => subscriber.TopicIds.Contains(topic.Id)))
            .Select(story => story.ClusterId)
            .ToHashSet();
        var earlier = await GetEarlierCopiesAsync(clustered.Where(story => matchingClusters.Contains(story.ClusterId)).ToList(), state.StoryCutoff, cancellationToken).ConfigureAwait(false);
        var (delivered, got) = await GetDeliveredAsync(subscriber, state, now, clustered, earlier, run: null, cancellationToken).ConfigureAwait(false);
        var updates = await GetUpdatesWantedAsync(subscriber, clustered, delivered, cancellationToken).ConfigureAwait(false);
        var (entries, omitted) = DigestComposer.Compose(subscriber, catalog, clustered, story => topicsOf[story.Id], subscriber.MaxStories ?? options.MaxStoriesPerDigest, delivered, earlier, updates, got);
        if (entries.Count == 0)
        {
            return null;
        }

        var chosen = entries.Select(e => e.StoryId).ToHashSet();
        var preview = new ClaimedDigest("preview", subscriber.Key, MessageIdFor(subscriber.Key, state.StoryCutoff, now), now, entries, omitted);
        return renderer.Render(new UnsentDigest(preview, clustered.Concat(earlier).Where(s => chosen.Contains(s.Id)).ToList(), 0), subscriber, catalog, options.SummaryLength);
    }

    /// <summary>
    /// The clusters the subscriber already got in a digest made within the clustering window before
    /// their last digest's slot (or before now, whichever is earlier). A copy joins its cluster up to
    /// the window after the copy sent; a subscriber who gets a digest a week apart gets it then, a
    /// week after the one that listed the cluster: counted from now, that digest would be forgotten
    /// and the copy sent as a new story. And the clusters of the stories the subscriber got,
    /// whenever, among the <paramref name="earlier"/> copies and the <paramref name="candidates"/>
    /// edited and queued again: a copy dated within the window of one they got (a feed that lists
    /// its items days late) is the story they got, and is not sent again (an edit of it goes out as
    /// an update). With them, the stories the subscriber got in those of the clusters that have a
    /// candidate (DigestComposer's gotStories).
    /// </summary>
    /// <param name="run">The run's shared reads (RunCandidates.ClusterMembers, Recipients, StoriesRead); null for a preview.</param>
    private async Task<(IReadOnlySet<long> Clusters, IReadOnlyList<StoredStory> Got)> GetDeliveredAsync(
        Subscriber subscriber, SubscriberDigestState state, DateTimeOffset now, IReadOnlyList<StoredStory> candidates, IReadOnlyList<StoredStory> earlier, RunCandidates? run, CancellationToken cancellationToken)
    {
        var since = (state.LastSlotAt is { } lastSlot && lastSlot < now ? lastSlot : now) - clusteringOptions.Value.Window;
        var sent = await digestStore.GetDeliveredStoryIdsAsync(subscriber.Key, since, cancellationToken).ConfigureAwait(false);
        var sentClusters = sent.Count == 0 ? new Dictionary<long, long>() : await ClustersOfAsync(sent, cancellationToken).ConfigureAwait(false);
        var delivered = sentClusters.Values.ToHashSet();
        var mayHaveGot = earlier.Concat(candidates.Where(story => story.Revision > 0)).Where(story => story.ClusterId is not null).ToList();
        List<StoredStory> gotAmongThem = [];
        if (mayHaveGot.Count > 0)
        {
            var got = (await digestStore.GetDeliveredAmongAsync(subscriber.Key, mayHaveGot.Select(story => story.Id).ToList(), cancellationToken).ConfigureAwait(false)).ToHashSet();
            gotAmongThem = mayHaveGot.Where(story => got.Contains(story.Id)).ToList();
            delivered.UnionWith(gotAmongThem.Select(story => story.ClusterId!.Value));
        }

        // What a new story of a delivered cluster is compared with, to tell a follow-up from a copy:
        // the stories the subscriber got in it, whenever (a story that runs for days outlives the
        // window above), read only for the clusters that have one.
        var withNew = candidates.Where(story => story.ClusterId is { } cluster && delivered.Contains(cluster)).Select(story => story.ClusterId!.Value).ToHashSet();
        if (withNew.Count == 0)
        {
            return (delivered, []);
        }

        // A preview reads for its one subscriber what a run reads once for all of them.
        var membersByCluster = run?.ClusterMembers ?? [];
        var recipientsByStory = run?.Recipients ?? [];
        var storiesRead = run?.StoriesRead ?? [];
        var unread = withNew.Where(cluster => !membersByCluster.ContainsKey(cluster)).ToList();
        if (unread.Count > 0)
        {
            var read = await clusterIndex.GetClusterStoriesAsync(unread.Select(cluster => new ClusterSpan(cluster, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var cluster in unread)
            {
                membersByCluster[cluster] = read.Where(member => member.Value == cluster).ToDictionary();
            }

            foreach (var (recipient, story) in await digestStore.GetRecipientsAsync(read.Keys.ToList(), cancellationToken).ConfigureAwait(false))
            {
                if (!recipientsByStory.TryGetValue(story, out var recipients))
                {
                    recipientsByStory[story] = recipients = new HashSet<string>(StringComparer.Ordinal);
                }

                recipients.Add(recipient);
            }
        }

        var members = withNew.SelectMany(cluster => membersByCluster[cluster]).ToDictionary();
        var gotIds = members.Keys.Where(story => recipientsByStory.TryGetValue(story, out var recipients) && recipients.Contains(subscriber.Key)).ToList();
        foreach (var story in await feedStore.GetStoriesAsync(gotIds.Where(id => !storiesRead.ContainsKey(id)).ToList(), cancellationToken).ConfigureAwait(false))
        {
            storiesRead[story.Id] = story;
        }

        var gotInThem = gotIds.Where(storiesRead.ContainsKey).Select(id => storiesRead[id] with { ClusterId = members[id] }).ToList();
        return (delivered, gotInThem);
    }

    /// <summary>The catalog, naming the feeds the configuration gives no Title by the titles they give themselves.</summary>
    private async Task<Catalog> WithFeedTitlesAsync(Catalog catalog, CancellationToken cancellationToken)
    {
        // Runs may come every minute: with every feed titled (as `feeds add` leaves them) nothing is read.
        if (catalog.Feeds.All(feed => feed.Title is not null))
        {
            return catalog;
        }

        var states = await feedStore.GetFeedStatesAsync(cancellationToken).ConfigureAwait(false);
        return catalog.WithFeedTitles(states.Where(state => state.ChannelTitle is not null).ToDictionary(state => state.FeedId, state => state.ChannelTitle!, StringComparer.Ordinal));
    }

    /// <summary>
    /// Of the candidates edited and queued again whose cluster the subscriber got, or that are in no
    /// cluster (clustering off), those a digest of theirs showed as a headline (DigestComposer's updatesWanted).
    /// </summary>
    private async Task<IReadOnlySet<long>> GetUpdatesWantedAsync(Subscriber subscriber, IReadOnlyList<StoredStory> candidates, IReadOnlySet<long> delivered, CancellationToken cancellationToken)
    {
        var updated = candidates.Where(story => story.Revision > 0 && (story.ClusterId is not { } cluster || delivered.Contains(cluster))).Select(story => story.Id).ToList();
        return updated.Count == 0
            ? new HashSet<long>()
            : (await digestStore.GetHeadlinesAmongAsync(subscriber.Key, updated, cancellationToken).ConfigureAwait(false)).ToHashSet();
    }

    private async Task<List<StoredStory>> GetNewStoriesAsync(SubscriberDigestState state, CancellationToken cancellationToken)
    {
        var candidates = new List<StoredStory>();
        var cutoff = state.StoryCutoff;
        while (true)
        {
            var page = await feedStore.GetStoriesAfterAsync(cutoff, CandidatePageSize, cancellationToken).ConfigureAwait(false);
            candidates.AddRange(page);
            if (page.Count < CandidatePageSize)
            {
                return candidates;
            }

            cutoff = page[^1].Sequence;
        }
    }

    private async Task<(int Sent, int Failures)> SendUnsentAsync(Catalog catalog, DigestOptions options, CancellationToken cancellationToken)
    {
        var subscribers = (await subscriberDirectory.GetSubscribersAsync(catalog, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Key, StringComparer.Ordinal);
        await RecordSentNotRecordedAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        await MoveAttemptsSetAheadAsync(now, options, cancellationToken).ConfigureAwait(false);
        // Only current subscribers' digests: one of a subscriber who left waits without holding up the rest.
        var unsent = await digestStore.GetUnsentDigestsAsync(now, OutboxBatchSize, subscribers.Keys, cancellationToken).ConfigureAwait(false);
        var sent = 0;
        var failures = 0;
        var suspended = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in unsent)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (suspended.Contains(item.Digest.SubscriberKey) || sentNotRecorded.ContainsKey(item.Digest.Id) || !subscribers.TryGetValue(item.Digest.SubscriberKey, out var subscriber))
            {
                // Suspended in this run, sent already, or gone since the batch was read: it stays unsent.
                continue;
            }

            try
            {
                switch (await SendOneAsync(item, subscriber, catalog, options, cancellationToken).ConfigureAwait(false))
                {
                    case SendOutcome.Sent:
                        sent++;
                        break;
                    case SendOutcome.Failed:
                        failures++;
                        break;
                    case SendOutcome.FailedAndSuspended:
                        suspended.Add(subscriber.Key);
                        failures++;
                        break;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A bug, or a store that cannot be written: this digest waits (its lease keeps it from
                // being sent again soon), and the others go on.
                logger.LogError(exception, "Digest {DigestId} for subscriber {SubscriberId} could not be sent or its outcome not recorded; it stays in the outbox and the other digests go on. If this repeats, please report it", item.Digest.Id, subscriber.Key);
                failures++;
            }
        }

        // The attempts this run set were set at readings up to now: a step back after them is measured from here.
        clockMark.Advance(timeProvider.GetUtcNow());
        return (sent, failures);
    }

    /// <summary>
    /// A digest's next attempt is set from the clock. One set while the clock was ahead (a wrong NTP
    /// answer, a mistyped date) would wait, once it is put right, for the real time to catch up:
    /// <list type="bullet">
    /// <item>one later than any retry is set from now (RetryInterval doubled <see cref="MaxRetryDoublings"/>
    /// times) was set ahead, or before RetryInterval was shortened: it is tried now;</item>
    /// <item>a smaller step back is seen by the run's high-water mark of the clock (a reading
    /// earlier than the latest one a run acted on, here or written down before a restart): every
    /// later attempt is moved back by the step. Those set before the clock went ahead cannot be told
    /// apart and move too: a digest tried a little early costs an attempt, one tried late keeps a
    /// subscriber waiting.</item>
    /// </list>
    /// Each is logged once: the attempts moved are due, and the step is reported once.
    /// Subscribers' slots need no mark: one recorded after now shows the step itself.
    /// </summary>
    private async Task MoveAttemptsSetAheadAsync(DateTimeOffset now, DigestOptions options, CancellationToken cancellationToken)
    {
        if (!clockMark.Loaded)
        {
            clockMark.Load(await digestStore.GetLastRunAsync(cancellationToken).ConfigureAwait(false));
        }

        var mark = clockMark.Mark;
        var step = clockMark.Observe(now);
        var latestAttempt = now + LongestRetryWait(options) + OtherRunLeeway;
        var later = await digestStore.GetAttemptsAfterAsync(step > TimeSpan.Zero ? now : latestAttempt, cancellationToken).ConfigureAwait(false);
        var setAhead = new List<ScheduledAttempt>();
        var movedBack = new List<ScheduledAttempt>();
        foreach (var attempt in later)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var beyond = attempt.NextAttemptAt > latestAttempt;
            if (await digestStore.RescheduleAttemptAsync(attempt, beyond ? now : attempt.NextAttemptAt - step, cancellationToken).ConfigureAwait(false))
            {
                (beyond ? setAhead : movedBack).Add(attempt);
            }
        }

        if (setAhead.Count > 0)
        {
            logger.LogWarning(
                "The clock appears to have gone back (or {Section}:RetryInterval was shortened): {Count} digests in the outbox were to be tried again later than any retry is set (RetryInterval {RetryInterval}, doubled up to {Doublings} times), up to {LatestAttempt:u}; they are tried now: {SubscriberIds}",
                DigestOptions.SectionName, setAhead.Count, options.RetryInterval, MaxRetryDoublings, setAhead.Max(attempt => attempt.NextAttemptAt), SubscriberList(setAhead));
        }

        if (movedBack.Count > 0)
        {
            logger.LogWarning(
                "The clock went back by {Step} (a digest run read {Mark:u}, it reads {Now:u} now): {Count} digests in the outbox are tried again that much sooner: {SubscriberIds}",
                step, mark, now, movedBack.Count, SubscriberList(movedBack));
        }

        // Written after the attempts moved: a run stopped in between moves them again, early at worst.
        if (clockMark.ToRecord() is { } record)
        {
            await digestStore.RecordRunAsync(record, cancellationToken).ConfigureAwait(false);
            clockMark.Recorded(record);
        }

        static string SubscriberList(List<ScheduledAttempt> attempts) => string.Join(", ", attempts.Select(attempt => attempt.SubscriberKey).Distinct(StringComparer.Ordinal));
    }

    private static TimeSpan LongestRetryWait(DigestOptions options) => options.RetryInterval * Math.Pow(2, MaxRetryDoublings);

    private enum SendOutcome
    {
        Sent,
        Failed,

        /// <summary>Failed, and the subscriber is suspended now: their other digests wait.</summary>
        FailedAndSuspended,
    }

    /// <summary>Sends one digest and records the outcome.</summary>
    private async Task<SendOutcome> SendOneAsync(UnsentDigest item, Subscriber subscriber, Catalog catalog, DigestOptions options, CancellationToken cancellationToken)
    {
        // First, out of the outbox for a retry interval, as after a failed attempt: if the process
        // ends before the outcome is written, the next start does not send it at once (within the
        // process, sentNotRecorded keeps it from going twice).
        await digestStore.LeaseAsync(item.Digest.Id, timeProvider.GetUtcNow() + options.RetryInterval, cancellationToken).ConfigureAwait(false);
        DeliveryResult result;
        string subject;
        try
        {
            var message = renderer.Render(item, subscriber, catalog, options.SummaryLength);
            subject = message.Subject;
            result = await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped in the middle of the send: due again at once, for the next start to send.
            await digestStore.LeaseAsync(item.Digest.Id, timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A bug in rendering or in the transport: this digest is tried again later, like one the server deferred.
            logger.LogError(exception, "Digest {DigestId} for subscriber {SubscriberId} could not be rendered or handed to the mail transport; it is tried again later. Please report this", item.Digest.Id, subscriber.Key);
            subject = string.Empty;
            result = new DeliveryResult.TransientFailure($"internal error: {exception.Message}");
        }

        var now = timeProvider.GetUtcNow();
        switch (result)
        {
            case DeliveryResult.Delivered:
                try
                {
                    await digestStore.MarkSentAsync(item.Digest.Id, now, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    sentNotRecorded[item.Digest.Id] = now;
                    logger.LogError(exception, "Digest {DigestId} for subscriber {SubscriberId} was sent, but that could not be recorded ({Error}); it is not sent again, and the record is tried again at the next run. Check the database's disk", item.Digest.Id, subscriber.Key, exception.Message);
                }

                logger.LogInformation("Sent digest {DigestId} to subscriber {SubscriberId}: {Subject}", item.Digest.Id, subscriber.Key, subject);
                return SendOutcome.Sent;
            case DeliveryResult.TransientFailure transient:
                var retryAt = now + options.RetryInterval * Math.Pow(2, Math.Min(item.Attempts, MaxRetryDoublings));
                await digestStore.MarkFailedAsync(item.Digest.Id, transient.Message, retryAt, CancellationToken.None).ConfigureAwait(false);
                logger.LogWarning("Digest {DigestId} for subscriber {SubscriberId} not sent ({Error}); it stays in the outbox and is retried at {RetryAt:u}", item.Digest.Id, subscriber.Key, transient.Message, retryAt);
                return SendOutcome.Failed;
            case DeliveryResult.PermanentFailure permanent:
                await digestStore.MarkFailedAsync(item.Digest.Id, permanent.Message, null, CancellationToken.None).ConfigureAwait(false);
                logger.LogError("Digest {DigestId} for subscriber {SubscriberId} was refused for good: {Error}; check the address", item.Digest.Id, subscriber.Key, permanent.Message);
                if (!permanent.RecipientRefused)
                {
                    return SendOutcome.Failed;
                }

                var refusal = await digestStore.RecordRecipientRefusedAsync(subscriber.Key, permanent.Message, now, options.SuspendAfterPermanentFailures, CancellationToken.None).ConfigureAwait(false);
                if (!refusal.SuspendedNow)
                {
                    return SendOutcome.Failed;
                }

                logger.LogError(
                    "Subscriber {SubscriberId} suspended: their address was refused {Count} times in a row; no more digests until an admin runs 'feeddigest digest resume --subscriber {Email}'",
                    subscriber.Key, refusal.FailuresInARow, subscriber.Email);
                // Their other digests in this batch wait in the outbox for the resume, as later batches do.
                return SendOutcome.FailedAndSuspended;
            default:
                throw new InvalidOperationException($"Unknown delivery result {result.GetType().Name}.");
        }
    }

    /// <summary>Writes down the digests sent whose "sent" could not be written before; those that still cannot wait for the next run.</summary>
    private async Task RecordSentNotRecordedAsync(CancellationToken cancellationToken)
    {
        foreach (var (digestId, sentAt) in sentNotRecorded)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await digestStore.MarkSentAsync(digestId, sentAt, CancellationToken.None).ConfigureAwait(false);
                sentNotRecorded.TryRemove(digestId, out _);
                logger.LogInformation("Digest {DigestId}, sent at {SentAt:u}, is recorded as sent now", digestId, sentAt);
            }
            catch (Exception exception)
            {
                logger.LogWarning("Digest {DigestId} was sent at {SentAt:u} and still cannot be recorded ({Error}); it is not sent again", digestId, sentAt, exception.Message);
            }
        }
    }

    /// <summary>
    /// Tells the admin about each suspension not yet told, once: a notice that could not be sent is
    /// tried again on the next run.
    /// </summary>
    private async Task TellSuspensionsAsync(Catalog catalog, CancellationToken cancellationToken)
    {
        var untold = await digestStore.GetUntoldSuspensionsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var suspension in untold)
        {
            var subscriber = catalog.Subscribers.FirstOrDefault(s => s.Key == suspension.SubscriberKey);
            if (await suspensionNotifier.NotifySuspendedAsync(suspension, subscriber, cancellationToken).ConfigureAwait(false))
            {
                await digestStore.MarkSuspensionToldAsync(suspension.SubscriberKey, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The digest's Message-ID, made from what identifies the claim: the subscriber, the cut-off it
    /// moved to (a subscriber's digests have increasing cut-offs) and when. So the same claim always
    /// has the same Message-ID, and tests and golden files see a stable one; it is stored with the
    /// claim and a retry sends it again. It is the part left of the "@": the mail sender adds the
    /// From address's domain, which the mail settings hold and Core does not.
    /// </summary>
    internal static string MessageIdFor(string subscriberKey, long cutoff, DateTimeOffset claimedAt)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{subscriberKey}\n{cutoff}")));
        return string.Create(CultureInfo.InvariantCulture, $"digest.{claimedAt.UtcDateTime:yyyyMMddHHmmss}.{Convert.ToHexStringLower(hash.AsSpan(0, 10))}");
    }
}
