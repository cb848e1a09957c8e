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

    [Fact]
    public void Build_DigestWithUnsubscribeLinks_CarriesOneClickHeaders()
    {
        var unsubscribe = new ListUnsubscribe(new Uri("https://digest.example/unsubscribe?token=abc.def"), new Uri("mailto:leave@news.example?subject=unsubscribe%20editor%40example.org"));

        var message = MimeMessageBuilder.Build(Digest() with { Unsubscribe = unsubscribe }, Options, new DkimMessageSigner("/"));

        // RFC 2369: each URL in angle brackets, the https one first; RFC 8058: the one-click POST body.
        Assert.Equal(
            "<https://digest.example/unsubscribe?token=abc.def>, <mailto:leave@news.example?subject=unsubscribe%20editor%40example.org>",
            message.Headers[HeaderId.ListUnsubscribe]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers[HeaderId.ListUnsubscribePost]);
    }

    [Fact]
    public void Build_NoticeWithoutUnsubscribeLinks_HasNoListUnsubscribe()
    {
        var message = MimeMessageBuilder.Build(Digest(), Options, new DkimMessageSigner("/"));

        Assert.False(message.Headers.Contains(HeaderId.ListUnsubscribe));
        Assert.False(message.Headers.Contains(HeaderId.ListUnsubscribePost));
    }

    private static OutgoingMessage Digest() => new(
        "digest.2@feeddigest", "editor@example.org", null, "Online censorship: 1 new story · 25 Nov 2026",
        "<p>Story</p>", "Story", new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
}
