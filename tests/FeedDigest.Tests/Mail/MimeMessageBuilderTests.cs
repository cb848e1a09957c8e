using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Mail;
using MimeKit;

namespace FeedDigest.Tests.Mail;

public sealed class MimeMessageBuilderTests
{
    private static readonly MailOptions Options = new() { From = "FeedDigest <digest@news.example>" };

    [Theory]
    [InlineData("online-censorship", "Online censorship", "\"Online censorship\" <online-censorship.news.example>")]
    [InlineData("WeChat_Weibo", "微信与微博", "<wechat-weibo.news.example>")]
    public void Build_DigestOfATopic_CarriesItsListId(string topicId, string topicName, string expected)
    {
        var message = MimeMessageBuilder.Build(Digest() with { List = new MailingList(topicId, topicName) }, Options, new DkimMessageSigner("/"));

        Assert.Equal(expected, message.Headers[HeaderId.ListId]);
    }

    [Fact]
    public void Build_NoticeWithoutATopic_HasNoListId()
    {
        var message = MimeMessageBuilder.Build(Digest(), Options, new DkimMessageSigner("/"));

        Assert.False(message.Headers.Contains(HeaderId.ListId));
    }

    [Fact]
    public void Build_TextOnly_IsASingleTextPart()
    {
        var message = MimeMessageBuilder.Build(Digest() with { HtmlBody = null }, Options, new DkimMessageSigner("/"));

        Assert.Equal("text/plain", Assert.IsType<TextPart>(message.Body).ContentType.MimeType);
    }

    private static OutgoingMessage Digest() => new(
        "digest.2@feeddigest", "editor@example.org", null, "Online censorship: 1 new story · 25 Nov 2026",
        "<p>Story</p>", "Story", new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
}
