using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FeedDigest.Core.Subscriptions;
using Microsoft.Extensions.Time.Testing;

namespace FeedDigest.Tests.Subscriptions;

public sealed class LinkTokenSignerTests
{
    private const string Secret = "a-test-secret-of-at-least-32-characters!";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Verify_TokenForSubjectAndPurpose_GivesSubject()
    {
        var signer = new LinkTokenSigner(Secret, clock);
        var token = signer.Create(LinkTokenPurpose.Unsubscribe, "reader@example.org", expiresAt: null);

        var check = signer.Verify(token, LinkTokenPurpose.Unsubscribe);

        Assert.Equal(LinkTokenStatus.Valid, check.Status);
        Assert.Equal("reader@example.org", check.Subject);
    }

    [Fact]
    public void Verify_TokenMadeForAnotherPurpose_IsRefused()
    {
        var signer = new LinkTokenSigner(Secret, clock);
        var manage = signer.Create(LinkTokenPurpose.Manage, "reader@example.org", expiresAt: null);

        var check = signer.Verify(manage, LinkTokenPurpose.Unsubscribe);

        Assert.Equal(LinkTokenStatus.WrongPurpose, check.Status);
        Assert.Null(check.Subject);
    }

    [Fact]
    public void Verify_ConfirmationAfterExpiry_IsRefused()
    {
        var signer = new LinkTokenSigner(Secret, clock);
        var token = signer.Create(LinkTokenPurpose.Confirm, "request-1", clock.GetUtcNow().AddHours(48));

        clock.Advance(TimeSpan.FromHours(47));
        Assert.True(signer.Verify(token, LinkTokenPurpose.Confirm).IsValid);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(LinkTokenStatus.Expired, signer.Verify(token, LinkTokenPurpose.Confirm).Status);
    }

    [Fact]
    public void Verify_SubjectSwappedIntoGenuineSignature_IsForged()
    {
        var signer = new LinkTokenSigner(Secret, clock);
        var token = signer.Create(LinkTokenPurpose.Unsubscribe, "reader@example.org", expiresAt: null);
        var signature = token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var otherPayload = signer.Create(LinkTokenPurpose.Unsubscribe, "victim@example.org", expiresAt: null).Split('.')[0];

        Assert.Equal(LinkTokenStatus.Forged, signer.Verify($"{otherPayload}.{signature}", LinkTokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void Verify_TokenSignedWithAnotherSecret_IsForged()
    {
        var other = new LinkTokenSigner("another-secret-of-at-least-32-characters", clock);
        var token = other.Create(LinkTokenPurpose.Unsubscribe, "reader@example.org", expiresAt: null);

        Assert.Equal(LinkTokenStatus.Forged, new LinkTokenSigner(Secret, clock).Verify(token, LinkTokenPurpose.Unsubscribe).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".")]
    [InlineData("!!!.???")]
    [InlineData("dW5zdWJzY3JpYmUKMApyZWFkZXJAZXhhbXBsZS5vcmc.")]
    public void Verify_Garbage_IsForged(string? token)
    {
        Assert.Equal(LinkTokenStatus.Forged, new LinkTokenSigner(Secret, clock).Verify(token, LinkTokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void Verify_TokenInTheBase64UrlFormOfEarlierDigests_GivesSubject()
    {
        // As tokens were made before they were hex: the links in digests already sent never expire.
        var payload = Encoding.UTF8.GetBytes("unsubscribe\n0\nreader@example.org");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), payload);
        var token = $"{Base64Url(payload)}.{Base64Url(signature)}";

        var check = new LinkTokenSigner(Secret, clock).Verify(token, LinkTokenPurpose.Unsubscribe);

        Assert.Equal(LinkTokenStatus.Valid, check.Status);
        Assert.Equal("reader@example.org", check.Subject);
    }

    [Fact]
    public void Create_ManySubjects_NoPartLooksLikeABitcoinAddressToSpamFilters()
    {
        // SpamAssassin's __BITCOIN_ID (72_active.cf): a word of 30 to 35 base58 characters starting with 1 or 3.
        var bitcoinId = new Regex(@"\b[13][a-km-zA-HJ-NP-Z1-9]{29,34}\b");
        var signer = new LinkTokenSigner(Secret, clock);
        for (var i = 0; i < 2000; i++)
        {
            var token = signer.Create(LinkTokenPurpose.Unsubscribe, $"reader{i}@example.org", expiresAt: null);

            Assert.Matches("^[0-9a-f]{36,}\\.[0-9a-f]{64}$", token);
            Assert.DoesNotMatch(bitcoinId, token);
        }
    }

    [Fact]
    public void Constructor_ShortSecret_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new LinkTokenSigner("too-short", clock));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
