namespace FeedDigest.Core.Digests;

/// <summary>The per-recipient links a digest carries: in its footer and in its List-Unsubscribe header.</summary>
public interface IDigestLinks
{
    /// <summary>Null when the service has no web pages to link to.</summary>
    SubscriberLinks? LinksFor(Subscriber subscriber);
}

/// <param name="Unsubscribe">The one-click URL (RFC 8058): a POST unsubscribes, a GET shows a button.</param>
/// <param name="Manage">The preferences page.</param>
/// <param name="UnsubscribeMailto">A mailto: alternative for List-Unsubscribe (RFC 2369); null when none is configured.</param>
public sealed record SubscriberLinks(Uri Unsubscribe, Uri Manage, Uri? UnsubscribeMailto);
