using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FeedDigest.Core.Subscriptions;

/// <summary>
/// Signs the tokens in the links FeedDigest mails out (confirm, manage, unsubscribe): HMAC-SHA256
/// over the purpose, the expiry and the subject (a subscriber's key or a request id), so a token
/// works only for the subject and purpose it was made for, and a confirmation only until it expires.
/// No state is kept: the secret alone tells a genuine token from a forged one.
/// </summary>
public sealed class LinkTokenSigner
{
    /// <summary>Below this many characters a secret is refused: 32 random characters carry enough entropy for HMAC-SHA256.</summary>
    public const int MinimumSecretLength = 32;

    private readonly byte[] key;
    private readonly TimeProvider timeProvider;

    public LinkTokenSigner(string secret, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"A token secret needs at least {MinimumSecretLength} characters.", nameof(secret));
        }

        key = Encoding.UTF8.GetBytes(secret);
        this.timeProvider = timeProvider;
    }

    /// <param name="expiresAt">Null: the token does not expire (the links in digests must keep working).</param>
    public string Create(LinkTokenPurpose purpose, string subject, DateTimeOffset? expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var payload = Encoding.UTF8.GetBytes(Payload(purpose, expiresAt?.ToUnixTimeSeconds() ?? 0, subject));
        return $"{Convert.ToHexStringLower(payload)}.{Convert.ToHexStringLower(HMACSHA256.HashData(key, payload))}";
    }

    public LinkTokenCheck Verify(string? token, LinkTokenPurpose purpose)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || !TryDecode(token[..dot], token[(dot + 1)..], out var payload, out var signature))
        {
            return new LinkTokenCheck(LinkTokenStatus.Forged, null);
        }

        // Constant time, so the time a refusal takes tells nothing about how much of a guess was right.
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature))
        {
            return new LinkTokenCheck(LinkTokenStatus.Forged, null);
        }

        var parts = Encoding.UTF8.GetString(payload).Split('\n', 3);
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return new LinkTokenCheck(LinkTokenStatus.Forged, null);
        }

        if (!string.Equals(parts[0], PurposeName(purpose), StringComparison.Ordinal))
        {
            return new LinkTokenCheck(LinkTokenStatus.WrongPurpose, null);
        }

        if (expires != 0 && timeProvider.GetUtcNow().ToUnixTimeSeconds() >= expires)
        {
            return new LinkTokenCheck(LinkTokenStatus.Expired, null);
        }

        return new LinkTokenCheck(LinkTokenStatus.Valid, parts[2]);
    }

    // A subject never holds a newline (keys are email addresses, ids are hex), so the fields cannot run together.
    private static string Payload(LinkTokenPurpose purpose, long expires, string subject) =>
        $"{PurposeName(purpose)}\n{expires.ToString(CultureInfo.InvariantCulture)}\n{subject}";

    private static string PurposeName(LinkTokenPurpose purpose) => purpose.ToString().ToLowerInvariant();

    /// <summary>
    /// A token's two parts in hex, or in base64url, as tokens were made before: the links in digests
    /// already sent never expire. A token is made in hex because each of its parts is then one word
    /// of letters and digits, longer than 35: base64url's '-' cut words out of the signature, and one
    /// of 30 to 35 base58 characters now and then (a secret's luck) made spam filters take it for a
    /// Bitcoin address (SpamAssassin's PDS_BTC_ID). A hex signature has 64 characters; a base64url one 43.
    /// </summary>
    private static bool TryDecode(string payloadText, string signatureText, out byte[] payload, out byte[] signature)
    {
        if (signatureText.Length == SHA256.HashSizeInBytes * 2)
        {
            payload = signature = [];
            return payloadText.Length % 2 == 0
                && TryFromHex(payloadText, out payload)
                && TryFromHex(signatureText, out signature);
        }

        signature = [];
        return TryFromBase64Url(payloadText, out payload) && TryFromBase64Url(signatureText, out signature);
    }

    private static bool TryFromHex(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length / 2];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            bytes = [];
            return false;
        }

        return true;
    }

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        bytes = new byte[base64.Length];
        if (text.Length % 4 == 1 || !Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = [];
            return false;
        }

        bytes = bytes[..written];
        return true;
    }
}
