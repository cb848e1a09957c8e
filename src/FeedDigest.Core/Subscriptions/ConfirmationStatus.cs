namespace FeedDigest.Core.Subscriptions;

/// <summary>Where the subscription request a confirmation link names stands.</summary>
public enum ConfirmationStatus
{
    /// <summary>It waits for its confirmation, and its last link is younger than the link lifetime in force.</summary>
    Pending,

    /// <summary>Confirmed just now: it became an active subscriber.</summary>
    Confirmed,

    /// <summary>Confirmed before, and its subscriber still gets digests.</summary>
    AlreadyConfirmed,

    /// <summary>
    /// Nothing to confirm: its link expired under the link lifetime in force (which an admin may have
    /// shortened since it was mailed), it was deleted unconfirmed, it never existed, or its subscriber
    /// has left since. Only a new request helps.
    /// </summary>
    Gone,
}
