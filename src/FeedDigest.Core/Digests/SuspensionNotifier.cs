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
        return await AdminMail.TrySendAsync(
            mailSender, adminOptions.CurrentValue.Email, "subscriber-suspended", subject, text, $"that subscriber {suspension.SubscriberKey} was suspended", timeProvider.GetUtcNow(), logger, cancellationToken).ConfigureAwait(false);
    }
}
