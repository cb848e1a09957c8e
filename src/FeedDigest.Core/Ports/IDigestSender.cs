using FeedDigest.Core.Digests;

namespace FeedDigest.Core.Ports;

public interface IDigestSender
{
    /// <summary>Delivers one rendered digest; a refused or unreachable server comes back as a value.</summary>
    Task<DeliveryResult> SendAsync(OutgoingDigest digest, CancellationToken cancellationToken);
}
