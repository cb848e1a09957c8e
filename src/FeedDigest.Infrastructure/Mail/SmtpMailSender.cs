using System.Net.Sockets;
using FeedDigest.Core.Ports;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>Sends digests through an SMTP server with MailKit; server refusals come back as values.</summary>
internal sealed class SmtpMailSender(IOptionsMonitor<MailOptions> optionsMonitor, DkimMessageSigner signer) : IMailSender
{
    public async Task<DeliveryResult> SendAsync(OutgoingMessage digest, CancellationToken cancellationToken)
    {
        var options = optionsMonitor.CurrentValue;
        var smtp = options.Smtp;
        MimeKit.MimeMessage message;
        try
        {
            message = MimeMessageBuilder.Build(digest, options, signer);
        }
        catch (DkimKeyException exception)
        {
            // Kept in the outbox: it goes out once the key is fixed.
            return new DeliveryResult.TransientFailure(exception.Message);
        }

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            var security = Enum.Parse<SecureSocketOptions>(smtp.Security, ignoreCase: true);
            await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return new DeliveryResult.Delivered();
        }
        catch (SmtpCommandException exception) when ((int)exception.StatusCode >= 500)
        {
            return new DeliveryResult.PermanentFailure($"{smtp.Host}:{smtp.Port} refused the message: {(int)exception.StatusCode} {exception.Message}");
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or AuthenticationException or SslHandshakeException or TimeoutException)
        {
            return new DeliveryResult.TransientFailure($"{smtp.Host}:{smtp.Port}: {exception.Message}");
        }
    }
}
