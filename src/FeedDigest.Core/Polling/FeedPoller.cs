using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Polling;

/// <summary>
/// One poll: picks the feeds that are due, fetches them politely, parses and stores their stories,
/// and decides when each is checked next. A failing feed is recorded and backed off; the others go on.
/// </summary>
public sealed class FeedPoller(
    ICatalogSource catalogSource,
    IFeedStore feedStore,
    IFeedFetcher fetcher,
    IOptionsMonitor<PollingOptions> optionsMonitor,
    TimeProvider timeProvider,
    ILogger<FeedPoller> logger)
{
    private const int MaxStoredSummaryLength = 4000;
    private Catalog? syncedCatalog;

    /// <param name="allFeeds">Check every configured feed now, not only those that are due.</param>
    public async Task<PollReport> PollAsync(bool allFeeds, CancellationToken cancellationToken)
    {
        var catalog = catalogSource.Current;
        var options = optionsMonitor.CurrentValue;
        var now = timeProvider.GetUtcNow();
        if (!ReferenceEquals(catalog, syncedCatalog))
        {
            await feedStore.SyncFeedsAsync(catalog.Feeds, now, cancellationToken).ConfigureAwait(false);
            syncedCatalog = catalog;
        }

        var due = allFeeds
            ? await feedStore.GetFeedStatesAsync(cancellationToken).ConfigureAwait(false)
            : await feedStore.GetDueFeedsAsync(now, options.MaxFeedsPerTick, cancellationToken).ConfigureAwait(false);
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

        return new PollReport(due.Count, failed, newStories);
    }

    /// <summary>One feed's bug (an exception where a value was expected) must not stop the other feeds.</summary>
    private async Task<(bool Ok, int NewStories)> PollFeedGuardedAsync(Feed feed, FeedState state, PollingOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await PollFeedAsync(feed, state, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Feed {FeedId} ({FeedUrl}) hit an internal error; the other feeds go on. Please report this with the feed's URL", feed.Id, feed.Source);
            var now = timeProvider.GetUtcNow();
            await RecordFailureAsync(feed, state, $"internal error: {exception.Message}", null, now, feed.PollInterval ?? options.DefaultInterval, options, cancellationToken).ConfigureAwait(false);
            return (false, 0);
        }
    }

    private async Task<(bool Ok, int NewStories)> PollFeedAsync(Feed feed, FeedState state, PollingOptions options, CancellationToken cancellationToken)
    {
        var result = await fetcher.FetchAsync(new FetchRequest(feed.Source, state.ETag, state.LastModified), cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var interval = feed.PollInterval ?? options.DefaultInterval;
        switch (result)
        {
            case FetchResult.NotModified notModified:
                logger.LogDebug("Feed {FeedId} ({FeedUrl}) not modified", feed.Id, feed.Source);
                await feedStore.SaveStateAsync(
                    state with
                    {
                        ETag = notModified.ETag ?? state.ETag,
                        LastModified = notModified.LastModified ?? state.LastModified,
                        LastCheckedAt = now,
                        LastSuccessAt = now,
                        NextCheckAt = NextCheckCalculator.AfterSuccess(now, interval, notModified.MaxAge, options),
                        ConsecutiveErrors = 0,
                        LastError = null,
                    },
                    cancellationToken).ConfigureAwait(false);
                return (true, 0);

            case FetchResult.Content content:
                var parsed = FeedParser.Parse(content.Body, content.FinalUri, content.Charset);
                if (parsed.Items.Count == 0 && parsed.Bozo)
                {
                    var error = $"unreadable feed: {string.Join("; ", parsed.Errors.Take(3))}";
                    await RecordFailureAsync(feed, state, error, null, now, interval, options, cancellationToken).ConfigureAwait(false);
                    return (false, 0);
                }

                if (parsed.Bozo)
                {
                    logger.LogInformation("Feed {FeedId} ({FeedUrl}) is malformed but readable: {Errors}", feed.Id, feed.Source, string.Join("; ", parsed.Errors.Take(3)));
                }

                var stories = parsed.Items.Select(item => ToStory(feed.Id, item, now)).ToList();
                var added = await feedStore.SaveFetchAsync(
                    state with
                    {
                        ETag = content.ETag,
                        LastModified = content.LastModified,
                        LastCheckedAt = now,
                        LastSuccessAt = now,
                        NextCheckAt = NextCheckCalculator.AfterSuccess(now, interval, content.MaxAge, options),
                        ConsecutiveErrors = 0,
                        LastError = null,
                    },
                    stories,
                    cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Feed {FeedId} ({FeedUrl}): {ItemCount} items, {NewCount} new", feed.Id, feed.Source, stories.Count, added);
                return (true, added);

            case FetchResult.Failed failure:
                await RecordFailureAsync(feed, state, $"{failure.Kind}: {failure.Message}", failure.RetryAfter, now, interval, options, cancellationToken).ConfigureAwait(false);
                return (false, 0);

            default:
                throw new InvalidOperationException($"Unknown fetch result {result.GetType().Name}.");
        }
    }

    private async Task RecordFailureAsync(Feed feed, FeedState state, string error, TimeSpan? retryAfter, DateTimeOffset now, TimeSpan interval, PollingOptions options, CancellationToken cancellationToken)
    {
        var errors = state.ConsecutiveErrors + 1;
        var next = NextCheckCalculator.AfterFailure(now, interval, errors, retryAfter, options);
        logger.LogWarning(
            "Feed {FeedId} ({FeedUrl}) failed ({ErrorCount} in a row): {Error}. Next try at {NextCheckAt:u}; check the URL or remove the feed if this persists",
            feed.Id, feed.Source, errors, error, next);
        await feedStore.SaveStateAsync(
            state with { LastCheckedAt = now, NextCheckAt = next, ConsecutiveErrors = errors, LastError = error },
            cancellationToken).ConfigureAwait(false);
    }

    private static NewStory ToStory(string feedId, ParsedItem item, DateTimeOffset now)
    {
        var title = HtmlText.CollapseWhiteSpace(item.Title ?? string.Empty);
        var summary = HtmlText.ToPlainText(item.Summary ?? item.Content);
        if (title.Length == 0)
        {
            title = summary.Length > 0 ? HtmlText.Truncate(summary, 80) : "(untitled)";
        }

        return new NewStory(
            feedId,
            StoryKey.For(item),
            title,
            item.Link,
            HtmlText.Truncate(summary.Length > 0 ? summary : string.Empty, MaxStoredSummaryLength),
            item.Author,
            item.Categories,
            item.Published,
            item.Updated,
            now);
    }
}
