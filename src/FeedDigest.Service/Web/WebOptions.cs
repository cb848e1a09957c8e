using FeedDigest.Core.Subscriptions;

namespace FeedDigest.Service.Web;

/// <summary>The web pages (subscribe, manage, unsubscribe, admin, /healthz, /metrics) served by the service itself on Kestrel.</summary>
public sealed class WebOptions
{
    public const string SectionName = "FeedDigest:Web";

    public bool Enabled { get; set; }

    /// <summary>Where Kestrel listens; loopback by default, so a reverse proxy, not the world, talks to it.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>The address the public reaches the pages at (the proxy's https URL): every link in mails and pages starts with it. Default: <see cref="Urls"/>.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The HMAC secret of the links' tokens, at least 32 characters; put it in an environment variable. Never logged.</summary>
    public string? TokenSecret { get; set; }

    /// <summary>Without <see cref="TokenSecret"/>: a file holding the secret, generated (random, mode 0600) on first start when missing.</summary>
    public string? TokenSecretFile { get; set; }

    /// <summary>Where ASP.NET Core keeps the keys of its antiforgery tokens and admin cookie.</summary>
    public string KeysDirectory { get; set; } = "data/web-keys";

    public TimeSpan ConfirmationLinkLifetime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>At most one confirmation mail per address in this time, however often it is asked for.</summary>
    public TimeSpan ConfirmationResendInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A mailto: address for List-Unsubscribe beside the https URL (mail to it is for the admin to act on); none when empty.</summary>
    public string? UnsubscribeMailto { get; set; }

    /// <summary>The admin's login token, at least 32 characters; without it the admin pages let nobody in.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Subscription requests per client address per minute.</summary>
    public int SubscribeRequestsPerMinute { get; set; } = 5;

    /// <summary>Requests per client address per minute to the pages that check a token or password (confirm, manage, unsubscribe, admin login).</summary>
    public int TokenRequestsPerMinute { get; set; } = 60;

    public Uri BaseUri => new((PublicBaseUrl ?? Urls.Split(';')[0]).TrimEnd('/') + "/");

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        foreach (var url in Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return $"{SectionName}:Urls: \"{url}\" is not an address to listen on such as \"http://127.0.0.1:8080\".";
            }
        }

        if (PublicBaseUrl is not null && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var publicUri) || publicUri.Scheme is not ("http" or "https")))
        {
            yield return $"{SectionName}:PublicBaseUrl: \"{PublicBaseUrl}\" is not an http(s) URL such as \"https://digest.example.org/\".";
        }

        if (string.IsNullOrEmpty(TokenSecret) && string.IsNullOrWhiteSpace(TokenSecretFile))
        {
            yield return $"{SectionName}:TokenSecret is missing: the web pages need a secret of at least {LinkTokenSigner.MinimumSecretLength} characters to sign links (set FeedDigest__Web__TokenSecret), or a TokenSecretFile to generate one into.";
        }
        else if (!string.IsNullOrEmpty(TokenSecret) && TokenSecret.Length < LinkTokenSigner.MinimumSecretLength)
        {
            // The length only: the secret itself is never written anywhere.
            yield return $"{SectionName}:TokenSecret is too short ({TokenSecret.Length} characters); use at least {LinkTokenSigner.MinimumSecretLength} random characters.";
        }

        if (!string.IsNullOrEmpty(AdminToken) && AdminToken.Length < LinkTokenSigner.MinimumSecretLength)
        {
            yield return $"{SectionName}:AdminToken is too short ({AdminToken.Length} characters); use at least {LinkTokenSigner.MinimumSecretLength} random characters.";
        }

        if (!string.IsNullOrWhiteSpace(UnsubscribeMailto) && !System.Net.Mail.MailAddress.TryCreate(UnsubscribeMailto, out _))
        {
            yield return $"{SectionName}:UnsubscribeMailto: \"{UnsubscribeMailto}\" is not an email address.";
        }

        if (ConfirmationLinkLifetime <= TimeSpan.Zero || ConfirmationResendInterval < TimeSpan.Zero)
        {
            yield return $"{SectionName}:ConfirmationLinkLifetime must be above zero and ConfirmationResendInterval not below zero.";
        }

        if (SubscribeRequestsPerMinute < 1 || TokenRequestsPerMinute < 1)
        {
            yield return $"{SectionName}:SubscribeRequestsPerMinute and TokenRequestsPerMinute must be at least 1.";
        }
    }
}
