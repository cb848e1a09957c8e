namespace FeedDigest.Infrastructure.Mail;

/// <summary>DKIM signing of outgoing digests; off unless <see cref="PrivateKeyFile"/> is set.</summary>
public sealed class DkimOptions
{
    public const string SectionName = MailOptions.SectionName + ":Dkim";

    /// <summary>The signing domain (d=), normally the From address's domain.</summary>
    public string? Domain { get; set; }

    /// <summary>The selector (s=): the public key is published at SELECTOR._domainkey.DOMAIN.</summary>
    public string? Selector { get; set; }

    /// <summary>A PEM file with the RSA private key; a relative path starts at the content root. Never logged.</summary>
    public string? PrivateKeyFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(PrivateKeyFile);

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Domain))
        {
            yield return $"{SectionName}:Domain must name the signing domain when PrivateKeyFile is set.";
        }

        if (string.IsNullOrWhiteSpace(Selector))
        {
            yield return $"{SectionName}:Selector must name the DNS selector when PrivateKeyFile is set.";
        }
    }
}
