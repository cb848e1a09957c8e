using FeedDigest.Core.Ports;
using MimeKit;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>
/// Builds the MIME message: multipart/alternative with the plain text first, as RFC 2046 §5.1.4
/// orders it (or the text alone for a subscriber who asked for text), signed with DKIM last, when
/// configured, so nothing changes the message after its signature.
/// </summary>
internal static class MimeMessageBuilder
{
    /// <summary>
    /// Why the subscriber's address cannot head a message (MimeKit refuses to write, say,
    /// "a.@example.com"), or null: a refusal of that address, not a failure of the transport.
    /// </summary>
    public static string? RecipientProblem(OutgoingMessage digest)
    {
        try
        {
            _ = new MailboxAddress(digest.ToName ?? string.Empty, digest.ToAddress);
            return null;
        }
        catch (ParseException exception)
        {
            // MimeKit's own parse is the test of what it can write; it reports failure only by throwing.
            return $"\"{digest.ToAddress}\" is not a mail address a message can be sent to ({exception.Message}); correct it or remove the subscriber";
        }
    }

    public static MimeMessage Build(OutgoingMessage digest, MailOptions options, DkimMessageSigner signer)
    {
        var from = MailboxAddress.Parse(options.From);
        var message = new MimeMessage
        {
            MessageId = Qualified(digest.MessageId, from.Domain),
            Date = digest.Date,
            Subject = digest.Subject,
        };
        message.From.Add(from);
        if (!string.IsNullOrWhiteSpace(options.ReplyTo))
        {
            message.ReplyTo.Add(MailboxAddress.Parse(options.ReplyTo));
        }

        message.To.Add(new MailboxAddress(digest.ToName ?? string.Empty, digest.ToAddress));
        if (digest.List is { } list)
        {
            message.Headers.Add(HeaderId.ListId, ListId(list, message.From.Mailboxes.Single().Domain));
        }

        if (digest.Unsubscribe is { } unsubscribe)
        {
            // RFC 2369 lists the URLs in angle brackets, the preferred first; RFC 8058's
            // List-Unsubscribe-Post tells the receiver that a POST to the https URL unsubscribes in one click.
            var urls = unsubscribe.Mailto is { } mailto ? $"<{unsubscribe.OneClick.AbsoluteUri}>, <{mailto.OriginalString}>" : $"<{unsubscribe.OneClick.AbsoluteUri}>";
            message.Headers.Add(HeaderId.ListUnsubscribe, urls);
            message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        }

        message.Body = new BodyBuilder { TextBody = digest.TextBody, HtmlBody = digest.HtmlBody }.ToMessageBody();
        // Quoted-printable or base64 bodies pass every relay, including those without 8BITMIME.
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, options.Dkim);
        return message;
    }

    /// <summary>
    /// RFC 5322 §3.6.4: a Message-ID's right part names where it was made unique, and a domain the
    /// sender owns keeps it unique among all mail. A whole id, as digests claimed before this
    /// stored them, is kept.
    /// </summary>
    private static string Qualified(string messageId, string domain) =>
        messageId.Contains('@', StringComparison.Ordinal) ? messageId : $"{messageId}@{domain}";

    /// <summary>
    /// RFC 2919: "Name" &lt;label.domain&gt;. The label keeps only the characters a dot-atom allows,
    /// and the name only printable ASCII (the header is not encoded), else the label stands alone.
    /// </summary>
    private static string ListId(MailingList list, string domain)
    {
        var label = new string(list.Id.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
        var name = list.Name.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("\\", string.Empty, StringComparison.Ordinal);
        var address = $"<{label}.{domain}>";
        return name.All(c => c is >= ' ' and <= '~') && name.Length > 0 ? $"\"{name}\" {address}" : address;
    }
}
