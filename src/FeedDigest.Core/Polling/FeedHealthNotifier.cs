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

    private async Task<bool> SendAsync(Feed feed, string subject, string text, string kind, CancellationToken cancellationToken)
    {
        var admin = adminOptions.CurrentValue.Email;
        if (string.IsNullOrWhiteSpace(admin))
        {
            logger.LogWarning("{Subject}. Set FeedDigest:Admin:Email to be told by email", subject);
            return true;
        }

        var now = timeProvider.GetUtcNow();
        var html = $"<p>{System.Net.WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";
        var message = new OutgoingMessage($"feed-{kind}.{Guid.NewGuid():N}", admin, null, subject, html, text, now);
        DeliveryResult result;
        try
        {
            result = await mailSender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A sender should return a refusal as a value, but one that throws (MailKit's
            // ServiceNotAuthenticatedException for "530 Authentication required") must not reach the
            // poller: the poll of every feed would stop over a notice. The alert is tried again later.
            logger.LogWarning(
                exception,
                "Could not tell the admin ({AdminSetting} = {Admin}) about feed {FeedId}: sending the \"{Kind}\" notice failed ({Error}); will try again. Check the mail settings",
                $"{AdminOptions.SectionName}:Email", admin, feed.Id, kind, exception.Message);
            return false;
        }

        if (result is DeliveryResult.Delivered)
        {
            logger.LogInformation("Told the admin: {Subject}", subject);
            return true;
        }

        logger.LogWarning("Could not tell the admin about feed {FeedId}: {Result}; will try again", feed.Id, result);
        return false;
    }
}
