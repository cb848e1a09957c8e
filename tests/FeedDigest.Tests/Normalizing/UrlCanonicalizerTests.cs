using FeedDigest.Core.Normalizing;

namespace FeedDigest.Tests.Normalizing;

public sealed class UrlCanonicalizerTests
{
    [Fact]
    public void Canonicalize_MixedCaseHost_LowerCasesHostButNotPath() =>
        Assert.Equal("https://news.example.com/World/Asia", UrlCanonicalizer.Canonicalize("https://News.EXAMPLE.com/World/Asia"));

    [Fact]
    public void Canonicalize_Fragment_IsDropped() =>
        Assert.Equal("https://news.example/a", UrlCanonicalizer.Canonicalize("https://news.example/a#comments"));

    [Fact]
    public void Canonicalize_KeepFragment_KeepsIt_AndCanonicalizesTheRest() =>
        Assert.Equal("https://news.example/changelog#v1.2", UrlCanonicalizer.Canonicalize("http://NEWS.example:80/changelog?utm_source=rss#v1.2", keepFragment: true));

    [Theory]
    [InlineData("https://news.example/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://news.example/a")]
    [InlineData("https://news.example/a?UTM_Source=rss", "https://news.example/a")]
    [InlineData("https://news.example/a?fbclid=abc", "https://news.example/a")]
    [InlineData("https://news.example/a?gclid=abc&id=7", "https://news.example/a?id=7")]
    [InlineData("https://news.example/a?id=7&utm_term=x&page=2&fbclid=y", "https://news.example/a?id=7&page=2")]
    public void Canonicalize_TrackingParameters_AreDropped(string url, string expected) =>
        Assert.Equal(expected, UrlCanonicalizer.Canonicalize(url));

    [Fact]
    public void Canonicalize_OtherQueryParameters_KeepTheirOrder() =>
        Assert.Equal("https://news.example/a?z=1&a=2&m=3", UrlCanonicalizer.Canonicalize("https://news.example/a?z=1&a=2&m=3"));

    [Fact]
    public void Canonicalize_Http_BecomesHttps() =>
        Assert.Equal("https://news.example/a", UrlCanonicalizer.Canonicalize("http://news.example/a"));

    [Theory]
    [InlineData("http://news.example:80/a", "https://news.example/a")]
    [InlineData("https://news.example:443/a", "https://news.example/a")]
    [InlineData("http://news.example:8080/a", "https://news.example:8080/a")]
    public void Canonicalize_Port_DefaultIsDroppedOthersKept(string url, string expected) =>
        Assert.Equal(expected, UrlCanonicalizer.Canonicalize(url));

    [Fact]
    public void Canonicalize_EverythingAtOnce_GivesOneSpelling() =>
        Assert.Equal(
            "https://news.example/Path?a=1&b=2",
            UrlCanonicalizer.Canonicalize("  HTTP://News.Example:80/Path?a=1&utm_source=x&b=2&fbclid=y&gclid=z#frag "));

    [Theory]
    [InlineData("  mailto:desk@news.example ", "mailto:desk@news.example")]
    [InlineData("ftp://Files.Example/Report.pdf", "ftp://Files.Example/Report.pdf")]
    [InlineData(" tag:news.example,2026:story-1 ", "tag:news.example,2026:story-1")]
    [InlineData("  not a url ", "not a url")]
    [InlineData("/relative/path?utm_source=x", "/relative/path?utm_source=x")]
    public void Canonicalize_NonHttpInput_IsReturnedTrimmed(string url, string expected) =>
        Assert.Equal(expected, UrlCanonicalizer.Canonicalize(url));

    [Theory]
    [InlineData("https://News.example/a?utm_source=rss&utm_medium=feed", "https://news.example/a")]
    [InlineData("http://news.example:8080/a?id=7&fbclid=x&page=2#comments", "http://news.example:8080/a?id=7&page=2#comments")]
    [InlineData("https://news.example/a?id=7&page=2#top", "https://news.example/a?id=7&page=2#top")]
    [InlineData("https://news.example/a?ref=homepage&id=7", "https://news.example/a?id=7")]
    public void WithoutTracking_TakesOutTrackingParametersOnly_KeepingSchemePortAndFragment(string url, string expected) =>
        Assert.Equal(expected, UrlCanonicalizer.WithoutTracking(url, new HashSet<string>(["ref"], StringComparer.OrdinalIgnoreCase)));

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("/relative?utm_source=x")]
    [InlineData(null)]
    public void WithoutTracking_AnythingButAnAbsoluteHttpLink_IsNull(string? url) =>
        Assert.Null(UrlCanonicalizer.WithoutTracking(url));
}
