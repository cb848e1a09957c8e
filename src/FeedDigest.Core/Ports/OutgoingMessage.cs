namespace FeedDigest.Core.Ports;

/// <summary>A rendered message (a digest or a notice to the admin), ready for a mail transport.</summary>
/// <param name="MessageId">
/// Unique to the message: the part left of the "@" (the sender qualifies it with the From address's
/// domain), or a whole Message-ID, sent as it is (digests claimed before ids were qualified).
/// </param>
/// <param name="HtmlBody">Null for a plain-text message.</param>
public sealed record OutgoingMessage(
    string MessageId,
    string ToAddress,
    string? ToName,
    string Subject,
    string? HtmlBody,
    string TextBody,
    DateTimeOffset Date)
{
    /// <summary>The topic the message is a list message of (List-Id); null for a notice to the admin.</summary>
    public MailingList? List { get; init; }

    /// <summary>Where the recipient unsubscribes (List-Unsubscribe, RFC 2369 and 8058); null for a notice to the admin.</summary>
    public ListUnsubscribe? Unsubscribe { get; init; }
}

/// <param name="OneClick">An https URL carrying the recipient's signed token: a POST of List-Unsubscribe=One-Click unsubscribes.</param>
/// <param name="Mailto">A mailto: URL, for clients that only mail.</param>
public sealed record ListUnsubscribe(Uri OneClick, Uri? Mailto);

/// <param name="Id">A topic id, used as the List-Id's label.</param>
public sealed record MailingList(string Id, string Name);
