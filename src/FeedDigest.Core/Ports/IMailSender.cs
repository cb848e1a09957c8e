namespace FeedDigest.Core.Ports;

public interface IMailSender
{
    /// <summary>Delivers one rendered message; a refused or unreachable server comes back as a value.</summary>
    Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
