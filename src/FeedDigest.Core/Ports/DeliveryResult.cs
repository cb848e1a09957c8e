namespace FeedDigest.Core.Ports;

public abstract record DeliveryResult
{
    private DeliveryResult()
    {
    }

    public sealed record Delivered : DeliveryResult;

    /// <summary>Worth trying again later: a 4xx reply, a dropped connection, a server that is down.</summary>
    public sealed record TransientFailure(string Message) : DeliveryResult;

    /// <summary>Will not succeed by retrying: the server answered 5xx.</summary>
    /// <param name="RecipientRefused">
    /// The 5xx was for the recipient (at RCPT TO: no such user, mailbox disabled), so it counts
    /// against the subscriber's address; false when the sender or the message was refused.
    /// </param>
    public sealed record PermanentFailure(string Message, bool RecipientRefused = false) : DeliveryResult;
}
