using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Polling;

/// <summary>
/// Tells the admin, by one email each, that a feed keeps failing (which feed, since when, the error)
/// and that it recovered. Without an admin address configured it only logs. A notice that cannot be
/// sent is logged and reported as not sent, never thrown: it must not stop a poll.
/// </summary>
public sealed class FeedHealthNotifier(IMailSender mailSender, IOptionsMonitor<AdminOptions> adminOptions, TimeProvider timeProvider, ILogger<FeedHealthNotifier> logger)
{
    /// <summary>Returns whether the admin was told (so the poller can try again on the next failure if not).</summary>
    public Task<bool> NotifyFailingAsync(Feed feed, FeedState state, CancellationToken cancellationToken)
    {
        var since = state.FailingSince?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "now";
        var text = state.Gone
            ? $"The feed \"{feed.Id}\" ({state.EffectiveUri}) answered 410 Gone: the site says it will not come back. FeedDigest has stopped polling it.\n\nRemove the feed from the configuration, or give it a new Url to resume."
            : $"The feed \"{feed.Id}\" ({state.EffectiveUri}) has failed {state.ConsecutiveErrors} times in a row since {since}.\n\nLast error: {state.LastError}\nNext try: {state.NextCheckAt:yyyy-MM-dd HH:mm} UTC (FeedDigest keeps trying, backing off up to Polling:MaxInterval).\n\nCheck the URL in a browser; if the feed moved, update its Url in the configuration.";
        var subject = state.Gone ? $"FeedDigest: feed \"{feed.Id}\" is gone" : $"FeedDigest: feed \"{feed.Id}\" is failing";
        return SendAsync(feed, subject, text, "failing", cancellationToken);
    }

    public Task<bool> NotifyRecoveredAsync(Feed feed, FeedState previous, CancellationToken cancellationToken)
    {
        var since = previous.FailingSince?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "earlier";
        var text = $"The feed \"{feed.Id}\" ({previous.EffectiveUri}) works again. It had been failing since {since}; stories published meanwhile were picked up with this fetch as far as the feed still lists them.";
        return SendAsync(feed, $"FeedDigest: feed \"{feed.Id}\" recovered", text, "recovered", cancellationToken);
    }

    private Task<bool> SendAsync(Feed feed, string subject, string text, string kind, CancellationToken cancellationToken) =>
        AdminMail.TrySendAsync(mailSender, adminOptions.CurrentValue.Email, $"feed-{kind}", subject, text, $"about feed {feed.Id} (the \"{kind}\" notice)", timeProvider.GetUtcNow(), logger, cancellationToken);
}
