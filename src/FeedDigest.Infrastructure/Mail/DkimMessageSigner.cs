using MimeKit;
using MimeKit.Cryptography;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>
/// Signs a finished message with DKIM (MimeKit's DkimSigner) over the headers receivers judge it
/// by. The key is read once and read again when the options or the file change, so a rotated key
/// takes effect without a restart.
/// </summary>
internal sealed class DkimMessageSigner(string contentRoot)
{
    /// <summary>Signed when present; From is required by RFC 6376 and always there.</summary>
    private static readonly HeaderId[] SignedHeaders =
    [
        HeaderId.From, HeaderId.To, HeaderId.ReplyTo, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.MimeVersion, HeaderId.ContentType, HeaderId.ListId, HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost,
    ];

    private readonly Lock gate = new();
    private (string Path, DateTime Written, string Domain, string Selector, DkimSigner Signer)? loaded;

    /// <summary>Signs <paramref name="message"/>, already prepared for transport, when DKIM is configured.</summary>
    /// <exception cref="DkimKeyException">The key file cannot be read as an RSA private key.</exception>
    public void Sign(MimeMessage message, DkimOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        var signer = GetSigner(options);
        // Content-Type lives with the body's headers in MimeKit's model but is written with the message's.
        var present = SignedHeaders.Where(id => id is HeaderId.From or HeaderId.ContentType || message.Headers.Contains(id)).ToArray();
        signer.Sign(message, present);
    }

    private DkimSigner GetSigner(DkimOptions options)
    {
        var path = Path.GetFullPath(options.PrivateKeyFile!, contentRoot);
        lock (gate)
        {
            var written = File.GetLastWriteTimeUtc(path);
            if (loaded is { } current && current.Path == path && current.Written == written && current.Domain == options.Domain && current.Selector == options.Selector)
            {
                return current.Signer;
            }

            DkimSigner signer;
            try
            {
                signer = new DkimSigner(path, options.Domain!, options.Selector!, DkimSignatureAlgorithm.RsaSha256)
                {
                    HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                    BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                };
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or ArgumentException or NotSupportedException)
            {
                throw new DkimKeyException($"{DkimOptions.SectionName}:PrivateKeyFile: cannot read {path} as an RSA private key in PEM form: {exception.Message}", exception);
            }

            loaded = (path, written, options.Domain!, options.Selector!, signer);
            return signer;
        }
    }
}

/// <summary>The configured DKIM key is missing or unreadable: a configuration problem, reported per message until fixed.</summary>
internal sealed class DkimKeyException(string message, Exception inner) : Exception(message, inner);
