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

    /// <summary>Turns the pending request into an active subscriber; null when there is no such request (already confirmed, or never made).</summary>
    Task<WebSubscriber?> ConfirmAsync(string requestId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<WebSubscriber?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores the subscriber's preferences as active (a configured subscriber's row wins over the configuration from then on).</summary>
    Task SavePreferencesAsync(string key, string email, SubscriberPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the subscriber as gone, web or configured alike; idempotent.</summary>
    Task UnsubscribeAsync(string key, string email, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebSubscriber>> ListAsync(CancellationToken cancellationToken);
}
