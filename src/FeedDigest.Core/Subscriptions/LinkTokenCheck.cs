namespace FeedDigest.Core.Subscriptions;

/// <summary>The outcome of checking a link token: the subject it was made for, or why it is refused.</summary>
public sealed record LinkTokenCheck(LinkTokenStatus Status, string? Subject)
{
    public bool IsValid => Status == LinkTokenStatus.Valid;
}

public enum LinkTokenStatus
{
    Valid,

    /// <summary>Not a token, or its signature does not match: altered or made with another secret.</summary>
    Forged,

    /// <summary>Genuine, but made for another purpose (a manage link used to unsubscribe, say).</summary>
    WrongPurpose,

    /// <summary>Genuine, but past its expiry.</summary>
    Expired,
}
