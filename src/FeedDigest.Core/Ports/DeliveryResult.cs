namespace FeedDigest.Core.Ports;

public abstract record DeliveryResult
{
    private DeliveryResult()
    {
    }

    public sealed record Delivered : DeliveryResult;

    /// <summary>Worth trying again later: a 4xx reply, a dropped connection, a server that is down.</summary>
    public sealed record TransientFailure(string Message) : DeliveryResult;

    /// <summary>Will not succeed by retrying: the server refused the recipient (5xx).</summary>
    public sealed record PermanentFailure(string Message) : DeliveryResult;
}
