namespace FeedDigest.Core.Subscriptions;

/// <summary>A subscriber's own choices from the web pages, stored; they win over the configuration entry with the same key.</summary>
public sealed record WebSubscriber(string Key, string Email, WebSubscriberStatus Status, SubscriberPreferences Preferences, DateTimeOffset UpdatedAt);

public enum WebSubscriberStatus
{
    Active,

    /// <summary>They left: no more digests, whether they subscribed on the web or are in the configuration.</summary>
    Unsubscribed,
}
