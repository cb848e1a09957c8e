namespace FeedDigest.Core.Digests;

/// <summary>A rendered digest, ready for a mail transport.</summary>
public sealed record OutgoingDigest(
    string MessageId,
    string ToAddress,
    string? ToName,
    string Subject,
    string HtmlBody,
    string TextBody,
    DateTimeOffset Date);
