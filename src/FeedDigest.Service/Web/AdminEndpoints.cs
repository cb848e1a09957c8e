using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Subscriptions;
using FeedDigest.Service.Cli;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Web;

/// <summary>The admin pages: feed health, topics and their recent matches, subscribers, deliveries, and the next digest's preview; behind a login.</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/login", (HttpContext context, WebPages pages, IAntiforgery antiforgery, string? returnUrl) =>
            LoginPage(context, pages, antiforgery, string.Empty, returnUrl));
        app.MapPost("/admin/login", LoginAsync).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapPost("/admin/logout", LogoutAsync);

        var admin = app.MapGroup("/admin").RequireAuthorization();
        admin.MapGet("/", FeedsAsync);
        admin.MapGet("/topics", TopicsAsync);
        admin.MapGet("/subscribers", SubscribersAsync);
        admin.MapGet("/deliveries", DeliveriesAsync);
        admin.MapGet("/preview", PreviewAsync);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, WebPages pages, IAntiforgery antiforgery, IOptions<WebOptions> options, ILogger<WebPages> logger)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return pages.Message("Please try again", "This form has expired or did not come from this site. Reload the page and send it again.", StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = form["return_url"].ToString();
        if (!TokenMatches(form["admin_token"].ToString(), options.Value.AdminToken))
        {
            logger.LogWarning("Admin login refused from {RemoteAddress}", context.Connection.RemoteIpAddress);
            return LoginPage(context, pages, antiforgery, "That token is not right.", returnUrl, StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        // Only a local path: a login link must not send the admin to another site.
        return Results.LocalRedirect(returnUrl.StartsWith("/admin", StringComparison.Ordinal) ? returnUrl : "/admin");
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        }

        return Results.Redirect("/admin/login");
    }

    /// <summary>Compares hashes in constant time, so neither the token's length nor a matching prefix shows in the timing; no token configured lets nobody in.</summary>
    private static bool TokenMatches(string given, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static async Task<IResult> FeedsAsync(HttpContext context, WebPages pages, IAntiforgery antiforgery, ICatalogSource catalogs, IFeedStore feeds)
    {
        var catalog = catalogs.Current;
        var states = (await feeds.GetFeedStatesAsync(context.RequestAborted).ConfigureAwait(false)).ToDictionary(s => s.FeedId, StringComparer.Ordinal);
        var rows = catalog.Feeds.Select(feed =>
        {
            states.TryGetValue(feed.Id, out var state);
            return Row(
                Cell(feed.Id),
                Cell(FeedsCommand.StatusOf(state)),
                Cell(Time(state?.LastSuccessAt)),
                Cell((state?.ConsecutiveErrors ?? 0).ToString(CultureInfo.InvariantCulture)),
                Cell(state?.LastError ?? "-"),
                Cell(state is null || state.Gone ? "-" : Time(state.NextCheckAt)),
                Cell((state?.EffectiveUri ?? feed.Source).ToString()));
        }).ToList();

        // Stored feeds no configured feed has (removed, or archived by a rename), as `feeds list` shows
        // them: not polled, their stories kept until pruned, and taken back by configuring their URL.
        var unconfigured = await feeds.GetUnconfiguredFeedsAsync(catalog.Feeds.Select(feed => feed.Id).ToList(), context.RequestAborted).ConfigureAwait(false);
        rows.AddRange(unconfigured.Select(stored => Row(
            Cell(stored.Feed.Id),
            Cell($"{(stored.Archived ? "archived by a rename: configure its URL to take it back" : "removed from the configuration")}; {stored.StoredStories.ToString(CultureInfo.InvariantCulture)} stories still stored"),
            Cell(Time(stored.LastSuccessAt)),
            Cell("-"),
            Cell("-"),
            Cell("not polled"),
            Cell(stored.Feed.Source.ToString()))));
        return Table(context, pages, antiforgery, "Feeds", string.Empty, ["feed", "status", "last success", "errors in a row", "last error", "next check", "URL"], rows, "No feeds are configured.");
    }

    private static async Task<IResult> TopicsAsync(HttpContext context, WebPages pages, IAntiforgery antiforgery, ICatalogSource catalogs, IFeedStore feeds, TimeProvider clock)
    {
        const int recentDays = 7;
        const int shownPerTopic = 5;
        var catalog = catalogs.Current;
        var stories = await TopicsCommand.RecentStoriesAsync(feeds, clock.GetUtcNow().AddDays(-recentDays), 5000, context.RequestAborted).ConfigureAwait(false);
        var matches = catalog.Topics.ToDictionary(t => t.Id, _ => new List<string>(), StringComparer.Ordinal);
        var counts = catalog.Topics.ToDictionary(t => t.Id, _ => 0, StringComparer.Ordinal);
        foreach (var story in stories.AsEnumerable().Reverse())
        {
            foreach (var topic in catalog.TopicMatcher.Match(story))
            {
                counts[topic.Id]++;
                if (matches[topic.Id].Count < shownPerTopic)
                {
                    matches[topic.Id].Add($"{story.FirstSeenAt.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)} {HtmlText.ForDisplay(story.Title)}");
                }
            }
        }

        var rows = catalog.Topics.Select(topic => Row(
            Cell(topic.Id),
            Cell(topic.Name),
            Cell(counts[topic.Id].ToString(CultureInfo.InvariantCulture)),
            Cell(matches[topic.Id].Count == 0 ? "-" : string.Join(" | ", matches[topic.Id])))).ToList();
        return Table(context, pages, antiforgery, "Topics", $"Stories first seen in the last {recentDays} days (newest 5,000) that each topic matches, newest first.", ["topic", "name", "matches", "latest"], rows, "No topics are configured.");
    }

    private static async Task<IResult> SubscribersAsync(HttpContext context, WebPages pages, IAntiforgery antiforgery, ICatalogSource catalogs, SubscriberDirectory directory, ISubscriptionStore store)
    {
        var catalog = catalogs.Current;
        var active = await directory.GetSubscribersAsync(catalog, context.RequestAborted).ConfigureAwait(false);
        var stored = (await store.ListAsync(context.RequestAborted).ConfigureAwait(false)).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var configured = catalog.Subscribers.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var rows = active.Select(s => Row(
                Cell(s.Email, $"/admin/preview?subscriber={Uri.EscapeDataString(s.Email)}"),
                Cell(Source(s.Key)),
                Cell(s.Paused ? "paused" : "active"),
                Cell(string.Join(", ", s.TopicIds)),
                Cell(s.Schedule.Description)))
            .Concat(stored.Values.Where(s => s.Status == WebSubscriberStatus.Unsubscribed).Select(s => Row(
                Cell(s.Email), Cell(Source(s.Key)), Cell("unsubscribed " + Time(s.UpdatedAt)), Cell("-"), Cell("-"))))
            .ToList();
        return Table(context, pages, antiforgery, "Subscribers", "Choose an address to preview the digest they would get now.", ["email", "from", "status", "topics", "schedule"], rows, "Nobody is subscribed.");

        string Source(string key) => (configured.Contains(key), stored.ContainsKey(key)) switch
        {
            (true, true) => "configuration, changed on the web",
            (true, false) => "configuration",
            _ => "web",
        };
    }

    private static async Task<IResult> DeliveriesAsync(HttpContext context, WebPages pages, IAntiforgery antiforgery, IOperationsStore operations)
    {
        var deliveries = await operations.GetRecentDeliveriesAsync(200, context.RequestAborted).ConfigureAwait(false);
        var rows = deliveries.Select(d => Row(
            Cell(Time(d.CreatedAt)),
            Cell(d.SubscriberKey),
            Cell(d.Status),
            Cell(d.Attempts.ToString(CultureInfo.InvariantCulture)),
            Cell(Time(d.SentAt)),
            Cell(d.LastError ?? "-"))).ToList();
        return Table(context, pages, antiforgery, "Deliveries", "The newest 200 digests: sent, waiting in the outbox (pending) or refused for good (failed).", ["claimed", "subscriber", "status", "attempts", "sent", "last error"], rows, "No digest has been claimed yet.");
    }

    private static async Task<IResult> PreviewAsync(HttpContext context, WebPages pages, ICatalogSource catalogs, SubscriberDirectory directory, DigestDispatcher dispatcher, string? subscriber)
    {
        var key = subscriber?.Trim().ToLowerInvariant() ?? string.Empty;
        if (await directory.FindAsync(catalogs.Current, key, context.RequestAborted).ConfigureAwait(false) is not { } found)
        {
            return pages.Message("No such subscriber", "Nobody with that address gets digests.", StatusCodes.Status404NotFound);
        }

        // The same code path as `feeddigest digest preview`: nothing is claimed or sent.
        var message = await dispatcher.PreviewAsync(found, context.RequestAborted).ConfigureAwait(false);
        return pages.Render("preview", "Preview", new { email = found.Email, subject = message?.Subject ?? string.Empty, html = message?.HtmlBody ?? string.Empty, text = message?.TextBody ?? string.Empty }, admin: true);
    }

    private static IResult LoginPage(HttpContext context, WebPages pages, IAntiforgery antiforgery, string error, string? returnUrl, int status = StatusCodes.Status200OK) =>
        pages.Render("login", "Admin login", new { csrf = antiforgery.GetAndStoreTokens(context).RequestToken, error, return_url = returnUrl ?? "/admin" }, status);

    private static IResult Table(HttpContext context, WebPages pages, IAntiforgery antiforgery, string heading, string intro, string[] columns, List<object> rows, string empty) =>
        pages.Render("table", heading, new { csrf = antiforgery.GetAndStoreTokens(context).RequestToken, heading, intro, columns, rows, empty }, admin: true);

    private static object Row(params object[] cells) => new { cells };

    private static object Cell(string text, string? link = null) => new { text, link };

    private static string Time(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "-";
}
