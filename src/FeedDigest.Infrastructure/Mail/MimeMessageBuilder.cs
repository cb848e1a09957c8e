using FeedDigest.Core.Ports;
using MimeKit;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>Builds the MIME message: multipart/alternative with the plain text first, as RFC 2046 §5.1.4 orders it.</summary>
internal static class MimeMessageBuilder
{
    public static MimeMessage Build(OutgoingMessage digest, MailOptions options)
    {
        var message = new MimeMessage
        {
            MessageId = digest.MessageId,
            Date = digest.Date,
            Subject = digest.Subject,
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(new MailboxAddress(digest.ToName ?? string.Empty, digest.ToAddress));
        message.Body = new BodyBuilder { TextBody = digest.TextBody, HtmlBody = digest.HtmlBody }.ToMessageBody();
        // Quoted-printable or base64 bodies pass every relay, including those without 8BITMIME.
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }
}
