namespace FeedDigest.Core.Subscriptions;

/// <summary>What a signed link lets its holder do; a token made for one purpose is refused for any other.</summary>
public enum LinkTokenPurpose
{
    /// <summary>Confirms a subscription request (double opt-in); expires.</summary>
    Confirm,

    /// <summary>Opens a subscriber's preferences, from the link in every digest.</summary>
    Manage,

    /// <summary>Unsubscribes at once (RFC 8058 one-click), from the List-Unsubscribe header.</summary>
    Unsubscribe,
}
