using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Core.Digests;

/// <summary>
/// Tells the admin, by one email, that a subscriber was suspended because their mail server kept
/// refusing their address (who, since when, the last refusal, how to resume). Without an admin
/// address configured it only logs. A notice that cannot be sent is logged and reported as not sent,
/// never thrown: it must not stop a digest run.
/// </summary>
public sealed class SuspensionNotifier(IMailSender mailSender, IOptionsMonitor<AdminOptions> adminOptions, TimeProvider timeProvider, ILogger<SuspensionNotifier> logger)
{
    /// <summary>Returns whether the admin was told (or nobody is configured to be told), so a failed notice is tried again.</summary>
    public async Task<bool> NotifySuspendedAsync(SubscriberSuspension suspension, Subscriber? subscriber, CancellationToken cancellationToken)
    {
        var email = subscriber?.Email ?? suspension.SubscriberKey;
        var subject = $"FeedDigest: subscriber {email} suspended";
        var text =
            $"The mail server refused {email} {suspension.FailuresInARow} times in a row, so FeedDigest suspended the subscriber " +
            $"at {suspension.SuspendedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}: no digests are composed or sent to them until you resume them.\n\n" +
            $"Last refusal: {suspension.LastFailure}\n\n" +
            $"Check the address (a typo, a closed mailbox). Once it is fixed or confirmed, resume the subscriber with\n\n    feeddigest digest resume --subscriber {email}\n\n" +
            "or remove them from the configuration.";
        var admin = adminOptions.CurrentValue.Email;
        if (string.IsNullOrWhiteSpace(admin))
        {
            logger.LogWarning("{Subject}. Set FeedDigest:Admin:Email to be told by email", subject);
            return true;
        }

        var html = $"<p>{System.Net.WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";
        var message = new OutgoingMessage($"subscriber-suspended.{Guid.NewGuid():N}", admin, null, subject, html, text, timeProvider.GetUtcNow());
        DeliveryResult result;
        try
        {
            result = await mailSender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A sender should return a refusal as a value, but one that throws (MailKit's
            // ServiceNotAuthenticatedException for "530 Authentication required") must not reach the
            // dispatcher: the run would end without its report over a notice. The notice stays untold
            // and is tried again at the next run.
            logger.LogWarning(
                exception,
                "Could not tell the admin ({AdminSetting} = {Admin}) that subscriber {SubscriberId} was suspended: sending the notice failed ({Error}); will try again. Check the mail settings",
                $"{AdminOptions.SectionName}:Email", admin, suspension.SubscriberKey, exception.Message);
            return false;
        }

        if (result is DeliveryResult.Delivered)
        {
            logger.LogInformation("Told the admin: {Subject}", subject);
            return true;
        }

        logger.LogWarning("Could not tell the admin that subscriber {SubscriberId} was suspended: {Result}; will try again", suspension.SubscriberKey, result);
        return false;
    }
}
