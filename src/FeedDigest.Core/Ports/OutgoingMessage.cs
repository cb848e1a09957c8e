namespace FeedDigest.Core.Ports;

/// <summary>A rendered message (a digest or a notice to the admin), ready for a mail transport.</summary>
/// <param name="HtmlBody">Null for a plain-text message.</param>
public sealed record OutgoingMessage(
    string MessageId,
    string ToAddress,
    string? ToName,
    string Subject,
    string? HtmlBody,
    string TextBody,
    DateTimeOffset Date);
