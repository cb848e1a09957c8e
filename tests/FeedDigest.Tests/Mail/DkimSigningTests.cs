using System.Security.Cryptography;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Mail;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace FeedDigest.Tests.Mail;

/// <summary>DKIM signatures made by the message builder, checked with MimeKit's verifier against the key pair's public half.</summary>
public sealed class DkimSigningTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("feeddigest-dkim-");
    private readonly RSA key = RSA.Create(2048);

    public void Dispose()
    {
        key.Dispose();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Build_WithDkim_SignsTheHeadersReceiversJudge_AndTheSignatureVerifies()
    {
        var options = Options();

        var message = MimeMessageBuilder.Build(Digest(), options, new DkimMessageSigner(directory.FullName));

        var signature = message.Headers[HeaderId.DkimSignature] ?? string.Empty;
        Assert.Contains("d=news.example", signature, StringComparison.Ordinal);
        Assert.Contains("s=digest2026", signature, StringComparison.Ordinal);
        var tags = System.Text.RegularExpressions.Regex.Replace(signature, @"\s+", string.Empty).Split(';');
        var signed = tags.Single(t => t.StartsWith("h=", StringComparison.Ordinal))[2..].ToLowerInvariant().Split(':');
        Assert.Equal(["from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type", "list-id"], signed);
        Assert.True(await VerifyAsync(message));
    }

    [Fact]
    public async Task Build_WithDkim_ASubjectChangedAfterSigning_FailsVerification()
    {
        var message = MimeMessageBuilder.Build(Digest(), Options(), new DkimMessageSigner(directory.FullName));

        message.Subject = "Something else";

        Assert.False(await VerifyAsync(message));
    }

    [Fact]
    public void Build_WithoutDkim_HasNoSignature_AndCarriesReplyTo()
    {
        var options = new MailOptions { From = "FeedDigest <digest@news.example>", ReplyTo = "Desk <desk@news.example>" };

        var message = MimeMessageBuilder.Build(Digest(), options, new DkimMessageSigner(directory.FullName));

        Assert.False(message.Headers.Contains(HeaderId.DkimSignature));
        Assert.Equal("desk@news.example", message.ReplyTo.Mailboxes.Single().Address);
    }

    [Fact]
    public void Build_KeyFileMissing_IsADkimKeyErrorNamingTheSetting()
    {
        var options = Options();
        options.Dkim.PrivateKeyFile = "missing.pem";

        var error = Assert.Throws<DkimKeyException>(() => MimeMessageBuilder.Build(Digest(), options, new DkimMessageSigner(directory.FullName)));

        Assert.StartsWith("FeedDigest:Mail:Dkim:PrivateKeyFile: cannot read ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyWithoutDomainOrSelector_NamesBoth()
    {
        var options = new MailOptions { Dkim = { PrivateKeyFile = "dkim.pem" } };

        var problems = options.Validate().ToList();

        Assert.Contains(problems, p => p.StartsWith("FeedDigest:Mail:Dkim:Domain", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("FeedDigest:Mail:Dkim:Selector", StringComparison.Ordinal));
    }

    private MailOptions Options()
    {
        var file = Path.Combine(directory.FullName, "dkim.pem");
        File.WriteAllText(file, key.ExportRSAPrivateKeyPem());
        return new MailOptions
        {
            From = "FeedDigest <digest@news.example>",
            ReplyTo = "Desk <desk@news.example>",
            Dkim = { Domain = "news.example", Selector = "digest2026", PrivateKeyFile = "dkim.pem" },
        };
    }

    private static OutgoingMessage Digest() => new(
        "digest.1@feeddigest", "editor@example.org", "Editor", "Online censorship: 2 new stories · 25 Nov 2026",
        "<p>Regulators widen online censorship — 审查</p>", "Regulators widen online censorship — 审查", new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.FromHours(8)))
    {
        List = new MailingList("online-censorship", "Online censorship"),
    };

    private async Task<bool> VerifyAsync(MimeMessage message)
    {
        // Through a serialized copy, as a receiver sees the message.
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        stream.Position = 0;
        var received = await MimeMessage.LoadAsync(stream);
        var verifier = new DkimVerifier(new PublicKeyLocator(PublicKeyFactory.CreateKey(key.ExportSubjectPublicKeyInfo())));
        return await verifier.VerifyAsync(received, received.Headers[received.Headers.IndexOf(HeaderId.DkimSignature)]);
    }

    private sealed class PublicKeyLocator(AsymmetricKeyParameter publicKey) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            domain == "news.example" && selector == "digest2026" ? publicKey : throw new InvalidOperationException($"no key for {selector}._domainkey.{domain}");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
