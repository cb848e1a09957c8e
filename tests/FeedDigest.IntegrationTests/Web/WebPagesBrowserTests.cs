using System.Net;
using System.Text.RegularExpressions;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Subscriptions;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FeedDigest.IntegrationTests.Web;

/// <summary>
/// The web pages in a real browser (Debian's chromium) against the real host: subscribe, the
/// confirmation mail at the SMTP server, confirm, preferences, a digest, one-click unsubscribe.
/// </summary>
public sealed partial class WebPagesBrowserTests
{
    private const string Reader = "reader@example.net";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Journey_SubscribeConfirmManageDigestOneClickUnsubscribe_NoFurtherDigest()
    {
        await using var site = await WebSite.StartAsync(
            ("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."),
            ("a2", "网络审查新规出台", "新规要求实名认证。"),
            ("a3", "Shipping volumes rise", "Ports were busy."));
        var store = site.Host.Services.GetRequiredService<ISubscriptionStore>();
        var feedStore = site.Host.Services.GetRequiredService<IFeedStore>();
        Assert.True(await Eventually.WaitUntilAsync(async () => (await feedStore.GetStoriesAfterAsync(0, 100, default)).Count == 3, Patience), "the poll job did not store the feed's 3 stories");
        using var browser = Browser.Start();

        // Subscribe: the time zone field is prefilled with the browser's own zone.
        browser.Open(site.Page("subscribe"));
        var browserZone = (string?)browser.Driver.ExecuteScript("return Intl.DateTimeFormat().resolvedOptions().timeZone;");
        Assert.False(string.IsNullOrEmpty(browserZone));
        Assert.Equal(browserZone, browser.Find("#time_zone").GetAttribute("value"));
        browser.Find("#email").SendKeys(Reader);
        browser.Find("input[name=topics][value=censorship]").Click();
        browser.SetValue("#send_at", "09:00");
        browser.SetValue("#time_zone", "UTC");
        browser.Screenshot("01-subscribe");
        browser.Find("#subscribe").Click();
        Assert.Equal("Check your inbox", browser.TextAfterLoad("h1", "Check your inbox"));
        browser.Screenshot("02-check-your-inbox");

        Assert.True(await Eventually.WaitUntilAsync(() => ConfirmationsTo(site).Count == 1, Patience), "no confirmation mail arrived");
        Assert.Null(await store.GetAsync(Reader, default));

        // Asking again reveals nothing and sends no second mail.
        browser.Open(site.Page("subscribe"));
        browser.Find("#email").SendKeys(Reader);
        browser.Find("input[name=topics][value=censorship]").Click();
        browser.Find("#subscribe").Click();
        Assert.Equal("Check your inbox", browser.TextAfterLoad("h1", "Check your inbox"));
        await Task.Delay(500);
        Assert.Single(ConfirmationsTo(site));

        // The confirmation link opens a page with a button; opening it confirms nothing by itself.
        var confirmLink = LinkIn(ConfirmationsTo(site)[0].TextBody ?? string.Empty, "confirm");
        browser.Open(confirmLink);
        Assert.Equal("Confirm your subscription", browser.TextAfterLoad("h1", "Confirm your subscription"));
        browser.Screenshot("03-confirm");
        Assert.Null(await store.GetAsync(Reader, default));
        browser.Find("#confirm").Click();
        Assert.Equal("Your subscription is confirmed.", browser.TextAfterLoad("#notice", "confirmed"));
        Assert.Equal(WebSubscriberStatus.Active, (await store.GetAsync(Reader, default))?.Status);
        browser.Screenshot("04-manage-confirmed");

        // Preferences: 10:30 in Berlin, 09:30 UTC on the first day.
        browser.SetValue("#send_at", "10:30");
        browser.SetValue("#time_zone", "Europe/Berlin");
        browser.Find("#save").Click();
        Assert.Contains("10:30", browser.TextAfterLoad("#notice", "10:30"), StringComparison.Ordinal);
        browser.Screenshot("05-manage-saved");
        var saved = await store.GetAsync(Reader, default);
        Assert.Equal(("10:30", "Europe/Berlin"), (saved?.Preferences.SendAt, saved?.Preferences.TimeZone));

        // The digest goes out at the chosen time, with the unsubscribe headers and footer links. A
        // digest run notes the new subscriber first (ticks come every second of the fake clock).
        Assert.True(await Eventually.WaitWhileTickingAsync(() => site.SubscriberStateExists(Reader), site.Clock, TimeSpan.FromSeconds(1), Patience), "no digest run saw the new subscriber");
        site.Clock.Advance(TimeSpan.FromHours(9) + TimeSpan.FromMinutes(31));
        Assert.True(await Eventually.WaitWhileTickingAsync(() => DigestsTo(site, Reader).Count == 1, site.Clock, TimeSpan.FromSeconds(1), Patience), "no digest reached the new subscriber");
        var digest = DigestsTo(site, Reader)[0];
        Assert.Contains("Regulators widen online censorship campaign", digest.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", digest.Headers[HeaderId.ListUnsubscribePost]);
        var listUnsubscribe = digest.Headers[HeaderId.ListUnsubscribe] ?? string.Empty;
        var oneClick = new Uri(ListUnsubscribeUrls().Match(listUnsubscribe).Groups["https"].Value);
        Assert.StartsWith(site.Page("unsubscribe?token=").AbsoluteUri, oneClick.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("<mailto:unsubscribe@feeddigest.test?subject=", listUnsubscribe, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(oneClick.AbsoluteUri)}\"", digest.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(site.Page("manage?token=").AbsoluteUri, digest.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Unsubscribe: " + oneClick.AbsoluteUri, digest.TextBody, StringComparison.Ordinal);
        var digestFile = Path.Combine(Path.GetTempPath(), $"feeddigest-digest-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(digestFile, digest.HtmlBody);
        browser.Open(new Uri(digestFile));
        browser.Screenshot("06-digest");
        File.Delete(digestFile);

        // A GET of the List-Unsubscribe URL (a mail scanner) shows a button and changes nothing.
        browser.Open(oneClick);
        Assert.Equal("Unsubscribe", browser.TextAfterLoad("h1", "Unsubscribe"));
        browser.Screenshot("07-unsubscribe-get");
        Assert.Equal(WebSubscriberStatus.Active, (await store.GetAsync(Reader, default))?.Status);

        // The mail client's one-click POST: no cookie, no login (RFC 8058).
        using (var client = site.NewClient())
        {
            using var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
            using var response = await client.PostAsync(oneClick, body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(WebSubscriberStatus.Unsubscribed, (await store.GetAsync(Reader, default))?.Status);

        // A new matching story: the configured subscriber gets it at 23:00 UTC, the one who left does not.
        site.Feeds.Set("wire.xml", FeedDocuments.Rss(
            ("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."),
            ("a4", "Censorship of search results grows", "More terms are blocked.")));
        // Polled now, as `feeddigest poll --once` does, rather than waiting for the feed's next check.
        await site.Host.Services.GetRequiredService<FeedDigest.Core.Polling.FeedPoller>().PollAsync(allFeeds: true, default);
        Assert.Equal(4, (await feedStore.GetStoriesAfterAsync(0, 100, default)).Count);
        Assert.True(await Eventually.WaitWhileTickingAsync(() => DigestsTo(site, "editor@example.org").Count == 1, site.Clock, TimeSpan.FromMinutes(10), Patience), "the configured subscriber's digest did not come");
        Assert.Contains("Censorship of search results grows", DigestsTo(site, "editor@example.org")[0].HtmlBody, StringComparison.Ordinal);
        site.Clock.Advance(TimeSpan.FromDays(1));
        await Task.Delay(1000);
        Assert.Single(DigestsTo(site, Reader));
    }

    [Fact]
    public async Task Tokens_ForgedWrongPurposeOrExpired_AreRefusedAndChangeNothing()
    {
        await using var site = await WebSite.StartAsync(("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."));
        var store = site.Host.Services.GetRequiredService<ISubscriptionStore>();
        var signer = site.Host.Services.GetRequiredService<LinkTokenSigner>();
        var forger = new LinkTokenSigner("an-attacker-secret-0123456789abcdef-XYZ", site.Clock);
        using var client = site.NewClient();

        // The configured subscriber's own link, GET: a page with a button, nothing changed.
        var genuine = signer.Create(LinkTokenPurpose.Unsubscribe, "editor@example.org", expiresAt: null);
        using (var response = await client.GetAsync(new Uri($"unsubscribe?token={Uri.EscapeDataString(genuine)}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("List-Unsubscribe", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Null(await store.GetAsync("editor@example.org", default));

        foreach (var (token, expected) in new[]
        {
            (forger.Create(LinkTokenPurpose.Unsubscribe, "editor@example.org", null), HttpStatusCode.BadRequest),
            (signer.Create(LinkTokenPurpose.Manage, "editor@example.org", null), HttpStatusCode.BadRequest),
            (genuine[..^2] + (genuine[^2] == 'A' ? "BA" : "AA"), HttpStatusCode.BadRequest),
            ("not-a-token", HttpStatusCode.BadRequest),
        })
        {
            using var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
            using var response = await client.PostAsync(new Uri($"unsubscribe?token={Uri.EscapeDataString(token)}", UriKind.Relative), body);
            Assert.Equal(expected, response.StatusCode);
        }

        Assert.Null(await store.GetAsync("editor@example.org", default));

        // A confirmation link past its expiry, and a forged manage link.
        var expired = signer.Create(LinkTokenPurpose.Confirm, "0123456789abcdef", site.Clock.GetUtcNow().AddHours(1));
        site.Clock.Advance(TimeSpan.FromHours(2));
        using (var response = await client.GetAsync(new Uri($"confirm?token={Uri.EscapeDataString(expired)}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains("expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var response = await client.GetAsync(new Uri($"manage?token={Uri.EscapeDataString(forger.Create(LinkTokenPurpose.Manage, "editor@example.org", null))}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("editor@example.org", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A POST without the body RFC 8058 asks for unsubscribes nobody.
        using (var empty = new StringContent(string.Empty, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"))
        using (var response = await client.PostAsync(new Uri($"unsubscribe?token={Uri.EscapeDataString(genuine)}", UriKind.Relative), empty))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Null(await store.GetAsync("editor@example.org", default));
    }

    [Fact]
    public async Task Forms_WithoutAntiforgeryTokenOrTooOften_AreRefused()
    {
        await using var site = await WebSite.StartAsync(("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."));
        using var client = site.NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = "csrf@example.net", ["topics"] = "censorship", ["cadence"] = "daily", ["send_at"] = "07:00", ["time_zone"] = "UTC",
            });
            using var response = await client.PostAsync(new Uri("subscribe", UriKind.Relative), form);
            statuses.Add(response.StatusCode);
        }

        // Four a minute are allowed (the test's setting), each refused for its missing antiforgery token; the fifth is rate limited.
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
        await Task.Delay(300);
        Assert.Empty(site.Smtp.Messages);
    }

    [Fact]
    public async Task AdminPages_RefuseVisitorNotLoggedIn_ShowHealthToAdmin()
    {
        await using var site = await WebSite.StartAsync(("a1", "Regulators widen online censorship campaign", "Hundreds of accounts closed."));
        var feedStore = site.Host.Services.GetRequiredService<IFeedStore>();
        Assert.True(await Eventually.WaitUntilAsync(async () => (await feedStore.GetStoriesAfterAsync(0, 100, default)).Count == 1, Patience), "the poll job did not store the story");
        using (var client = site.NewClient())
        {
            foreach (var page in new[] { "admin", "admin/topics", "admin/subscribers", "admin/deliveries", "admin/preview?subscriber=editor%40example.org" })
            {
                using var response = await client.GetAsync(new Uri(page, UriKind.Relative));
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/admin/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
                Assert.DoesNotContain("editor@example.org", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using var health = await client.GetAsync(new Uri("healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var healthText = await health.Content.ReadAsStringAsync();
            Assert.Contains("\"database\":\"ok\"", healthText, StringComparison.Ordinal);
            Assert.Contains("\"scheduler\":\"running\"", healthText, StringComparison.Ordinal);
            var metrics = await client.GetStringAsync(new Uri("metrics", UriKind.Relative));
            Assert.Contains("feeddigest_stories_stored 1", metrics, StringComparison.Ordinal);
            Assert.Contains("feeddigest_feeds_polled 1", metrics, StringComparison.Ordinal);
            Assert.Contains("feeddigest_outbox_depth 0", metrics, StringComparison.Ordinal);
        }

        using var browser = Browser.Start();
        browser.Open(site.Page("admin/subscribers"));
        Assert.Equal("Admin login", browser.TextAfterLoad("h1", "Admin login"));
        Assert.DoesNotContain("editor@example.org", browser.Driver.PageSource, StringComparison.Ordinal);
        browser.Find("#admin_token").SendKeys("a wrong token, long enough to be a real guess");
        browser.Find("#login").Click();
        Assert.Equal("That token is not right.", browser.TextAfterLoad("#error", "not right"));
        browser.Screenshot("08-admin-login-refused");

        browser.Find("#admin_token").SendKeys(WebSite.AdminToken);
        browser.Find("#login").Click();
        Assert.Equal("Subscribers", browser.TextAfterLoad("h1", "Subscribers"));
        Assert.Contains("editor@example.org", browser.Text("#report"), StringComparison.Ordinal);
        browser.Screenshot("09-admin-subscribers");
        // A feed the admin removed from the configuration is listed too, as not polled.
        var configured = site.Host.Services.GetRequiredService<ICatalogSource>().Current.Feeds;
        await feedStore.SyncFeedsAsync([.. configured, new Feed("retired", new Uri("https://retired.example/feed.xml"), null, [], null)], site.Clock.GetUtcNow(), default);
        await feedStore.SyncFeedsAsync(configured, site.Clock.GetUtcNow(), default);
        browser.Open(site.Page("admin"));
        Assert.Contains("wire", browser.Text("#report"), StringComparison.Ordinal);
        Assert.Contains("ok", browser.Text("#report"), StringComparison.Ordinal);
        Assert.Contains("retired", browser.Text("#report"), StringComparison.Ordinal);
        Assert.Contains("removed from the configuration; 0 stories still stored", browser.Text("#report"), StringComparison.Ordinal);
        browser.Screenshot("10-admin-feeds");
        browser.Open(site.Page("admin/topics"));
        Assert.Contains("Regulators widen online censorship campaign", browser.Text("#report"), StringComparison.Ordinal);
        browser.Screenshot("11-admin-topics");
        browser.Open(site.Page("admin/deliveries"));
        browser.Screenshot("12-admin-deliveries");
        browser.Open(site.Page("admin/preview?subscriber=editor%40example.org"));
        Assert.Contains("Online censorship: 1 new story", browser.Driver.PageSource, StringComparison.Ordinal);
        browser.Screenshot("13-admin-preview");
    }

    private static List<MimeMessage> ConfirmationsTo(WebSite site) =>
        site.Smtp.Messages.Where(m => m.Subject == "Confirm your FeedDigest subscription" && m.To.Mailboxes.Any(a => a.Address == Reader)).ToList();

    private static List<MimeMessage> DigestsTo(WebSite site, string address) =>
        site.Smtp.Messages.Where(m => m.Subject != "Confirm your FeedDigest subscription" && m.To.Mailboxes.Any(a => a.Address == address)).ToList();

    private static Uri LinkIn(string text, string page) =>
        new(Regex.Match(text, $@"http://127\.0\.0\.1:\d+/{page}\?token=\S+", RegexOptions.None, TimeSpan.FromSeconds(1)).Value);

    [GeneratedRegex(@"<(?<https>https?://[^>]+)>")]
    private static partial Regex ListUnsubscribeUrls();
}
