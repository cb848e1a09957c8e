using FeedDigest.Core.Subscriptions;

namespace FeedDigest.Core.Ports;

/// <summary>Subscription requests waiting for confirmation, and subscribers' own choices from the web pages.</summary>
public interface ISubscriptionStore
{
    /// <summary>
    /// Stores (or updates) the address's pending request; says whether to mail a confirmation, which
    /// it does unless one went out less than <paramref name="resendAfter"/> ago. In the same write it
    /// deletes every request whose last confirmation link is more than <paramref name="linkLifetime"/>
    /// old (and whose resend interval is over): nobody can confirm those any more.
    /// </summary>
    Task<SubscriptionRequestResult> RequestAsync(string key, string email, SubscriberPreferences preferences, DateTimeOffset now, TimeSpan resendAfter, TimeSpan linkLifetime, CancellationToken cancellationToken);

    /// <summary>
    /// Where the request stands, changing nothing (a GET of the link: mail scanners open links):
    /// <see cref="ConfirmationStatus.Pending"/>, <see cref="ConfirmationStatus.AlreadyConfirmed"/> or
    /// <see cref="ConfirmationStatus.Gone"/>. A request whose last link was mailed
    /// <paramref name="linkLifetime"/> or more ago is gone even before it is deleted, whatever the
    /// expiry signed into its link: the lifetime in force is the one that counts.
    /// </summary>
    Task<ConfirmationStatus> GetConfirmationStatusAsync(string requestId, DateTimeOffset now, TimeSpan linkLifetime, CancellationToken cancellationToken);

    /// <summary>
    /// Turns the pending request into an active subscriber (<see cref="ConfirmationStatus.Confirmed"/>,
    /// with it); otherwise says, as <see cref="GetConfirmationStatusAsync"/> does, whether it was
    /// confirmed already or is gone.
    /// </summary>
    Task<ConfirmationResult> ConfirmAsync(string requestId, DateTimeOffset now, TimeSpan linkLifetime, CancellationToken cancellationToken);

    Task<WebSubscriber?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores the subscriber's preferences as active (a configured subscriber's row wins over the configuration from then on).</summary>
    Task SavePreferencesAsync(string key, string email, SubscriberPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the subscriber as gone, web or configured alike; idempotent.</summary>
    Task UnsubscribeAsync(string key, string email, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebSubscriber>> ListAsync(CancellationToken cancellationToken);
}
