using System.Text;
using FeedDigest.Core.Feeds;

namespace FeedDigest.Tests.Feeds;

public sealed class FeedDiscoveryTests
{
    [Fact]
    public void FindFeeds_PageAdvertisingRssAndAtom_ReturnsAbsoluteLinksRssFirst()
    {
        var found = FeedDiscovery.FindFeeds("""
            <html><head>
            <link rel="stylesheet" href="/style.css">
            <link rel="alternate" type="application/atom+xml" href="/atom.xml">
            <link rel="alternate" type="application/rss+xml" href="feed/">
            <link rel="alternate" hreflang="fr" href="/fr/">
            </head></html>
            """, new Uri("https://blog.example/posts/"));

        Assert.Equal([new Uri("https://blog.example/posts/feed/"), new Uri("https://blog.example/atom.xml")], found);
    }

    [Fact]
    public void FindFeeds_BaseElement_ResolvesAgainstIt()
    {
        var found = FeedDiscovery.FindFeeds("""<head><base href="https://cdn.example/"><link rel="alternate" type="application/rss+xml" href="rss"></head>""", new Uri("https://blog.example/"));

        Assert.Equal([new Uri("https://cdn.example/rss")], found);
    }

    [Theory]
    [InlineData("text/html", "<rss/>", true)]
    [InlineData(null, "\n  <!DOCTYPE html><html>", true)]
    [InlineData("application/rss+xml", "<?xml version=\"1.0\"?><rss/>", false)]
    public void LooksLikeHtml_ByMediaTypeOrDoctype(string? mediaType, string body, bool expected) =>
        Assert.Equal(expected, FeedDiscovery.LooksLikeHtml(mediaType, Encoding.UTF8.GetBytes(body)));
}
