using FeedDigest.Core.Digests;
using FeedDigest.Core.Subscriptions;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Web;

/// <summary>
/// Each digest's unsubscribe and manage links: the public base URL and the subscriber's signed
/// tokens, which do not expire. None while the web pages are off (nothing would answer them).
/// </summary>
internal sealed class DigestLinks(IOptions<WebOptions> options, Lazy<LinkTokenSigner> signers) : IDigestLinks
{
    public SubscriberLinks? LinksFor(Subscriber subscriber)
    {
        var web = options.Value;
        if (!web.Enabled)
        {
            return null;
        }

        var signer = signers.Value;
        var mailto = string.IsNullOrWhiteSpace(web.UnsubscribeMailto)
            ? null
            : new Uri($"mailto:{web.UnsubscribeMailto.Trim()}?subject={Uri.EscapeDataString("unsubscribe " + subscriber.Email)}");
        return new SubscriberLinks(
            Link(web, "unsubscribe", signer.Create(LinkTokenPurpose.Unsubscribe, subscriber.Key, expiresAt: null)),
            Link(web, "manage", signer.Create(LinkTokenPurpose.Manage, subscriber.Key, expiresAt: null)),
            mailto);
    }

    public static Uri Link(WebOptions options, string page, string token) =>
        new(options.BaseUri, $"{page}?token={Uri.EscapeDataString(token)}");
}
