using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;

namespace FeedDigest.Service.Control;

/// <summary>
/// The preview of a subscriber's digest, made the same way by the running service on a preview
/// request and by <c>digest preview</c> in its own process when no service runs, so both say the same.
/// </summary>
internal static class DigestPreview
{
    /// <summary>Looks the subscriber up in the catalog by address (in any case) and renders what their digest would hold now.</summary>
    public static async Task<PreviewReply> RenderAsync(Catalog catalog, DigestDispatcher dispatcher, string email, CancellationToken cancellationToken)
    {
        var subscriber = catalog.Subscribers.FirstOrDefault(s => string.Equals(s.Email, email, StringComparison.OrdinalIgnoreCase));
        if (subscriber is null)
        {
            return new PreviewReply(null, null, $"No subscriber {email} in the configuration; known: {string.Join(", ", catalog.Subscribers.Select(s => s.Email))}");
        }

        var digest = await dispatcher.PreviewAsync(subscriber, cancellationToken).ConfigureAwait(false);
        return new PreviewReply(subscriber.Key, digest, null);
    }
}
