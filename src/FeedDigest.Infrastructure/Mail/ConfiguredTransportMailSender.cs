using FeedDigest.Core.Ports;
using Microsoft.Extensions.Options;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>
/// Sends each message through the transport <see cref="MailOptions.Transport"/> names at that moment,
/// so an edit from Pickup to Smtp (or back) applies at the next message, without a restart.
/// </summary>
internal sealed class ConfiguredTransportMailSender(IOptionsMonitor<MailOptions> optionsMonitor, SmtpMailSender smtp, PickupFolderMailSender pickup) : IMailSender
{
    public Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        optionsMonitor.CurrentValue.UsesSmtp
            ? smtp.SendAsync(message, cancellationToken)
            : pickup.SendAsync(message, cancellationToken);
}
