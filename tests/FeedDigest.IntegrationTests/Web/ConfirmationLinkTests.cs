using System.Net;
using System.Text.RegularExpressions;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Subscriptions;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.IntegrationTests.Web;

/// <summary>
/// What a confirmation link says once its request cannot be confirmed, through the real pages over
/// HTTP: a subscriber confirmed already is told so; a request that expired (under the lifetime in
/// force, whatever the link's own expiry), was deleted unconfirmed, or whose subscriber left since is
/// answered as an expired link is (410), with the way back to the subscribe page.
/// </summary>
public sealed partial class ConfirmationLinkTests
{
    private const string Reader = "reader@example.net";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly (string, string, string) Story = ("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed.");

    /// <summary>The admin has shortened the links' lifetime from the default 48 hours to one.</summary>
    private static readonly Dictionary<string, string?> ShortenedLifetime = new() { ["FeedDigest:Web:ConfirmationLinkLifetime"] = "01:00:00" };

    [Fact]
    public async Task Confirm_RequestDeletedUnconfirmedWhileItsLinkStillValidates_IsNotCalledConfirmed()
    {
        await using var site = await WebSite.StartAsync(ShortenedLifetime, Story);
        var store = site.Host.Services.GetRequiredService<ISubscriptionStore>();
        using var client = CookieClient(site);
        await SubscribeAsync(client, Reader);
        var earlier = LinkMailedUnderTheLongerLifetime(site, await ConfirmationLinkAsync(site, Reader));
        var (_, page) = await GetAsync(client, earlier);
        var csrf = CsrfIn(page);

        // Two hours on, anyone's next request deletes the reader's, whose last link is older than the lifetime.
        site.Clock.Advance(TimeSpan.FromHours(2));
        await SubscribeAsync(client, "other@example.net");
        Assert.Equal(0, site.PendingRequests(Reader));

        AssertExpiredOrUsed(await PostConfirmAsync(client, csrf, earlier));
        AssertExpiredOrUsed(await GetAsync(client, earlier));
        Assert.Null(await store.GetAsync(Reader, default));
    }

    [Fact]
    public async Task Confirm_LinkMailedUnderALongerLifetime_ExpiresWithTheLifetimeInForce()
    {
        await using var site = await WebSite.StartAsync(ShortenedLifetime, Story);
        var store = site.Host.Services.GetRequiredService<ISubscriptionStore>();
        using var client = CookieClient(site);
        await SubscribeAsync(client, Reader);
        var mailed = await ConfirmationLinkAsync(site, Reader);
        var earlier = LinkMailedUnderTheLongerLifetime(site, mailed);

        // Opened in time: the button.
        var (status, page) = await GetAsync(client, earlier);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Confirm my subscription", page, StringComparison.Ordinal);
        var csrf = CsrfIn(page);

        // Pressed two hours later: past the lifetime in force, though the link's own expiry holds and the request is still stored.
        site.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, site.PendingRequests(Reader));
        AssertExpiredOrUsed(await PostConfirmAsync(client, csrf, earlier));
        AssertExpiredOrUsed(await GetAsync(client, earlier));
        Assert.Null(await store.GetAsync(Reader, default));

        // The link as mailed under the lifetime in force has expired by its own expiry: answered alike.
        var (expiredStatus, expiredPage) = await GetAsync(client, mailed);
        Assert.Equal(HttpStatusCode.Gone, expiredStatus);
        Assert.Contains("<a id=\"link\" href=\"/subscribe\">Sign up again</a>", expiredPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_LinkOpenedAgain_SaysAlreadyConfirmedWhileSubscribed_AndExpiredOrUsedOnceTheyLeft()
    {
        await using var site = await WebSite.StartAsync(Story);
        var store = site.Host.Services.GetRequiredService<ISubscriptionStore>();
        var signer = site.Host.Services.GetRequiredService<LinkTokenSigner>();
        using var client = CookieClient(site);
        await SubscribeAsync(client, Reader);
        var link = await ConfirmationLinkAsync(site, Reader);

        var (_, page) = await GetAsync(client, link);
        var csrf = CsrfIn(page);
        using (var confirmed = await client.PostAsync(new Uri("confirm", UriKind.Relative), ConfirmForm(csrf, link)))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
            Assert.StartsWith("/manage?token=", confirmed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        Assert.Equal(WebSubscriberStatus.Active, (await store.GetAsync(Reader, default))?.Status);
        AssertAlreadyConfirmed(await GetAsync(client, link));
        AssertAlreadyConfirmed(await PostConfirmAsync(client, csrf, link));

        // They leave (one-click unsubscribe): the link confirms nothing, and no longer says they are subscribed.
        var unsubscribe = signer.Create(LinkTokenPurpose.Unsubscribe, Reader, expiresAt: null);
        using (var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"))
        using (var left = await client.PostAsync(new Uri($"unsubscribe?token={Uri.EscapeDataString(unsubscribe)}", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        }

        AssertExpiredOrUsed(await GetAsync(client, link));
        AssertExpiredOrUsed(await PostConfirmAsync(client, csrf, link));
        Assert.Equal(WebSubscriberStatus.Unsubscribed, (await store.GetAsync(Reader, default))?.Status);
    }

    private static void AssertExpiredOrUsed((HttpStatusCode Status, string Page) answer)
    {
        Assert.Equal(HttpStatusCode.Gone, answer.Status);
        Assert.Contains("This confirmation link has expired or was already used. If you get the digest already, the link in each one leads to your preferences; if not, sign up again.", answer.Page, StringComparison.Ordinal);
        Assert.Contains("<a id=\"link\" href=\"/subscribe\">Sign up again</a>", answer.Page, StringComparison.Ordinal);
        Assert.DoesNotContain("Already confirmed", answer.Page, StringComparison.Ordinal);
    }

    private static void AssertAlreadyConfirmed((HttpStatusCode Status, string Page) answer)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("<h1>Already confirmed</h1>", answer.Page, StringComparison.Ordinal);
    }

    /// <summary>A browser's part: keeps the antiforgery cookie, follows no redirect.</summary>
    private static HttpClient CookieClient(WebSite site) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = site.BaseUri };

    private static async Task SubscribeAsync(HttpClient client, string email)
    {
        var (_, page) = await GetAsync(client, new Uri(client.BaseAddress!, "subscribe"));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = CsrfIn(page), ["email"] = email, ["topics"] = "censorship", ["cadence"] = "daily", ["send_at"] = "07:00", ["time_zone"] = "UTC",
        });
        using var response = await client.PostAsync(new Uri("subscribe", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Check your inbox", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<Uri> ConfirmationLinkAsync(WebSite site, string email)
    {
        Assert.True(
            await Eventually.WaitUntilAsync(() => site.Smtp.Messages.Any(m => m.Subject == "Confirm your FeedDigest subscription" && m.To.Mailboxes.Any(a => a.Address == email)), Patience),
            "no confirmation mail arrived");
        var mail = site.Smtp.Messages.Single(m => m.Subject == "Confirm your FeedDigest subscription" && m.To.Mailboxes.Any(a => a.Address == email));
        return new Uri(ConfirmLink().Match(mail.TextBody ?? string.Empty).Value);
    }

    /// <summary>The same request's link as the service mailed it while the lifetime was still 48 hours: signed to expire later.</summary>
    private static Uri LinkMailedUnderTheLongerLifetime(WebSite site, Uri mailed)
    {
        var signer = site.Host.Services.GetRequiredService<LinkTokenSigner>();
        var requestId = signer.Verify(TokenOf(mailed), LinkTokenPurpose.Confirm).Subject!;
        return site.Page($"confirm?token={Uri.EscapeDataString(signer.Create(LinkTokenPurpose.Confirm, requestId, site.Clock.GetUtcNow().AddHours(48)))}");
    }

    private static string TokenOf(Uri link) => Uri.UnescapeDataString(link.Query["?token=".Length..]);

    private static async Task<(HttpStatusCode Status, string Page)> GetAsync(HttpClient client, Uri page)
    {
        using var response = await client.GetAsync(page);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Page)> PostConfirmAsync(HttpClient client, string csrf, Uri link)
    {
        using var response = await client.PostAsync(new Uri("confirm", UriKind.Relative), ConfirmForm(csrf, link));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static FormUrlEncodedContent ConfirmForm(string csrf, Uri link) =>
        new(new Dictionary<string, string> { ["__csrf"] = csrf, ["token"] = TokenOf(link) });

    private static string CsrfIn(string page) => WebUtility.HtmlDecode(CsrfField().Match(page).Groups["value"].Value);

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/confirm\?token=\S+")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex("name=\"__csrf\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex CsrfField();
}
