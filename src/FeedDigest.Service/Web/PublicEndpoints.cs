using System.Globalization;
using System.Net.Mail;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Subscriptions;
using FeedDigest.Service.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Web;

/// <summary>Subscribe (double opt-in), confirm, manage preferences, and unsubscribe (RFC 8058 one-click).</summary>
internal static class PublicEndpoints
{
    private static readonly string[] Cadences = ["daily", "weekly", "hourly"];
    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly PageLink SignUpAgain = new("/subscribe", "Sign up again");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/subscribe"));
        app.MapGet("/subscribe", ShowSubscribe);
        app.MapPost("/subscribe", SubscribeAsync).RequireRateLimiting(WebApp.SubscribePolicy);
        app.MapGet("/confirm", ShowConfirmAsync).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapPost("/confirm", ConfirmAsync).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapGet("/manage", ShowManageAsync).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapPost("/manage", SaveAsync).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapPost("/manage/leave", LeaveAsync).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapGet("/unsubscribe", ShowUnsubscribe).RequireRateLimiting(WebApp.TokenPolicy);
        app.MapPost("/unsubscribe", OneClickUnsubscribeAsync).RequireRateLimiting(WebApp.TokenPolicy);
    }

    private static IResult ShowSubscribe(HttpContext context, WebPages pages, ICatalogSource catalogs, IAntiforgery antiforgery)
    {
        var form = new SubscriberPreferences([], "daily", "07:00", "Monday", "UTC", Paused: false);
        return SubscribePage(context, pages, catalogs.Current, antiforgery, string.Empty, form, [], prefillZone: true);
    }

    private static async Task<IResult> SubscribeAsync(
        HttpContext context, WebPages pages, ICatalogSource catalogs, IAntiforgery antiforgery, ISubscriptionStore store, IMailSender sender,
        LinkTokenSigner signer, IOptions<WebOptions> options, TimeProvider clock, ILogger<WebPages> logger)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return FormExpired(pages);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var catalog = catalogs.Current;
        var email = form["email"].ToString().Trim();
        var preferences = ReadPreferences(form);
        var problems = Validate(preferences, email, catalog, out var subscriber);
        if (subscriber is null)
        {
            return SubscribePage(context, pages, catalog, antiforgery, email, preferences, problems, prefillZone: false, StatusCodes.Status400BadRequest);
        }

        var now = clock.GetUtcNow();
        var web = options.Value;
        var request = await store.RequestAsync(subscriber.Key, subscriber.Email, preferences, now, web.ConfirmationResendInterval, web.ConfirmationLinkLifetime, context.RequestAborted).ConfigureAwait(false);
        if (request.SendConfirmation)
        {
            var link = DigestLinks.Link(web, "confirm", signer.Create(LinkTokenPurpose.Confirm, request.RequestId, now + web.ConfirmationLinkLifetime));
            var hours = web.ConfirmationLinkLifetime.TotalHours.ToString("0", CultureInfo.InvariantCulture);
            var text = $"""
                Someone, probably you, asked for FeedDigest digests at this address.

                To confirm, open this link within {hours} hours:
                {link.AbsoluteUri}

                If it was not you, ignore this mail: nothing more will come.
                """;
            var message = new OutgoingMessage($"confirm.{Guid.NewGuid():N}", subscriber.Email, null, "Confirm your FeedDigest subscription", null, text, now);
            if (await sender.SendAsync(message, context.RequestAborted).ConfigureAwait(false) is not DeliveryResult.Delivered)
            {
                logger.LogWarning("The confirmation mail for subscriber {SubscriberId} could not be sent; they can ask again after {ResendInterval}", subscriber.Key, web.ConfirmationResendInterval);
            }
        }

        // The same answer whether the address is new, pending or subscribed already: it reveals nothing.
        return pages.Message("Check your inbox", $"If {subscriber.Email} can receive our mail, a confirmation link is on its way. Your digest starts once you open it.");
    }

    private static async Task<IResult> ShowConfirmAsync(
        HttpContext context, WebPages pages, LinkTokenSigner signer, IAntiforgery antiforgery, ISubscriptionStore store, IOptions<WebOptions> options, TimeProvider clock, string? token)
    {
        // Mail scanners open links: opening this one only shows the button that confirms, or what
        // became of the request, so nobody presses a button that can only fail.
        var check = signer.Verify(token, LinkTokenPurpose.Confirm);
        if (!check.IsValid)
        {
            return InvalidLink(pages, check);
        }

        var status = await store.GetConfirmationStatusAsync(check.Subject!, clock.GetUtcNow(), options.Value.ConfirmationLinkLifetime, context.RequestAborted).ConfigureAwait(false);
        return status == ConfirmationStatus.Pending
            ? pages.Render("confirm", "Confirm your subscription", new { csrf = antiforgery.GetAndStoreTokens(context).RequestToken, token })
            : NotConfirmed(pages, status);
    }

    private static async Task<IResult> ConfirmAsync(
        HttpContext context, WebPages pages, LinkTokenSigner signer, IAntiforgery antiforgery, ISubscriptionStore store, IOptions<WebOptions> options, TimeProvider clock)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return FormExpired(pages);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var check = signer.Verify(form["token"], LinkTokenPurpose.Confirm);
        if (!check.IsValid)
        {
            return InvalidLink(pages, check);
        }

        var result = await store.ConfirmAsync(check.Subject!, clock.GetUtcNow(), options.Value.ConfirmationLinkLifetime, context.RequestAborted).ConfigureAwait(false);
        if (result is not { Status: ConfirmationStatus.Confirmed, Subscriber: { } subscriber })
        {
            return NotConfirmed(pages, result.Status);
        }

        var manage = DigestLinks.Link(options.Value, "manage", signer.Create(LinkTokenPurpose.Manage, subscriber.Key, expiresAt: null));
        return Results.Redirect($"{manage.PathAndQuery}&confirmed=1");
    }

    /// <summary>
    /// A link whose signature and expiry hold but whose request cannot be confirmed: confirmed
    /// already, or gone (its link expired under the lifetime in force, it was deleted unconfirmed,
    /// or its subscriber left since). Gone is answered as an expired link is.
    /// </summary>
    private static IResult NotConfirmed(WebPages pages, ConfirmationStatus status) =>
        status == ConfirmationStatus.AlreadyConfirmed
            ? pages.Message("Already confirmed", "This subscription was confirmed already. The link in each digest leads to your preferences.")
            : pages.Message(
                "This link does not work",
                "This confirmation link has expired or was already used. If you get the digest already, the link in each one leads to your preferences; if not, sign up again.",
                StatusCodes.Status410Gone,
                SignUpAgain);

    private static async Task<IResult> ShowManageAsync(
        HttpContext context, WebPages pages, LinkTokenSigner signer, IAntiforgery antiforgery, ICatalogSource catalogs, ISubscriptionStore store, IConfiguration configuration, string? token, string? confirmed)
    {
        var check = signer.Verify(token, LinkTokenPurpose.Manage);
        if (!check.IsValid)
        {
            return InvalidLink(pages, check);
        }

        var catalog = catalogs.Current;
        var current = await CurrentAsync(check.Subject!, catalog, store, configuration, context.RequestAborted).ConfigureAwait(false);
        if (current is not { } found)
        {
            return pages.Message("Not subscribed", "This address gets no digests now. You can subscribe again on the subscribe page.");
        }

        return ManagePage(context, pages, catalog, antiforgery, token!, found.Email, found.Preferences, [], confirmed is null ? string.Empty : "Your subscription is confirmed.");
    }

    private static async Task<IResult> SaveAsync(
        HttpContext context, WebPages pages, LinkTokenSigner signer, IAntiforgery antiforgery, ICatalogSource catalogs, ISubscriptionStore store, IConfiguration configuration, TimeProvider clock)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return FormExpired(pages);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var token = form["token"].ToString();
        var check = signer.Verify(token, LinkTokenPurpose.Manage);
        if (!check.IsValid)
        {
            return InvalidLink(pages, check);
        }

        var catalog = catalogs.Current;
        if (await CurrentAsync(check.Subject!, catalog, store, configuration, context.RequestAborted).ConfigureAwait(false) is not { } current)
        {
            return pages.Message("Not subscribed", "This address gets no digests now. You can subscribe again on the subscribe page.");
        }

        var preferences = ReadPreferences(form);
        var problems = Validate(preferences, current.Email, catalog, out var subscriber);
        if (subscriber is null)
        {
            return ManagePage(context, pages, catalog, antiforgery, token, current.Email, preferences, problems, string.Empty, StatusCodes.Status400BadRequest);
        }

        await store.SavePreferencesAsync(check.Subject!, current.Email, preferences, clock.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        return ManagePage(context, pages, catalog, antiforgery, token, current.Email, preferences, [], $"Saved: {subscriber.Schedule.Description}{(preferences.Paused ? ", paused" : string.Empty)}.");
    }

    private static async Task<IResult> LeaveAsync(
        HttpContext context, WebPages pages, LinkTokenSigner signer, IAntiforgery antiforgery, ISubscriptionStore store, TimeProvider clock)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return FormExpired(pages);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var check = signer.Verify(form["token"], LinkTokenPurpose.Manage);
        if (!check.IsValid)
        {
            return InvalidLink(pages, check);
        }

        await store.UnsubscribeAsync(check.Subject!, check.Subject!, clock.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        return Unsubscribed(pages);
    }

    private static IResult ShowUnsubscribe(HttpContext context, WebPages pages, LinkTokenSigner signer, string? token)
    {
        // A GET never unsubscribes: mail scanners and link previews follow links (RFC 8058 §4).
        var check = signer.Verify(token, LinkTokenPurpose.Unsubscribe);
        return check.IsValid
            ? pages.Render("unsubscribe", "Unsubscribe", new { action = context.Request.Path + context.Request.QueryString })
            : InvalidLink(pages, check);
    }

    /// <summary>
    /// RFC 8058: a POST to the List-Unsubscribe URL with the body List-Unsubscribe=One-Click
    /// unsubscribes at once. The token in the URL is the only credential: no cookie, no login, no
    /// antiforgery token (the mail client posting it has none, and the token already proves the link).
    /// </summary>
    private static async Task<IResult> OneClickUnsubscribeAsync(HttpContext context, WebPages pages, LinkTokenSigner signer, ISubscriptionStore store, TimeProvider clock, string? token)
    {
        var check = signer.Verify(token, LinkTokenPurpose.Unsubscribe);
        if (!check.IsValid)
        {
            return InvalidLink(pages, check);
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
        if (form is null || form["List-Unsubscribe"] != "One-Click")
        {
            return pages.Message("Not unsubscribed", "An unsubscribe request carries List-Unsubscribe=One-Click; this one did not.", StatusCodes.Status400BadRequest);
        }

        await store.UnsubscribeAsync(check.Subject!, check.Subject!, clock.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        return Unsubscribed(pages);
    }

    /// <summary>The subscriber's address and preferences as they stand: their stored choices, else their configuration entry; null when they get no digests.</summary>
    private static async Task<(string Email, SubscriberPreferences Preferences)?> CurrentAsync(
        string key, Catalog catalog, ISubscriptionStore store, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return stored.Status == WebSubscriberStatus.Active ? (stored.Email, stored.Preferences) : null;
        }

        if (catalog.Subscribers.FirstOrDefault(s => s.Key == key) is not { } configured)
        {
            return null;
        }

        // The configuration's own words (cadence, time), which the validated subscriber no longer keeps.
        var options = CatalogConfigurationReader.Read(configuration, []).Subscribers
            .FirstOrDefault(o => MailAddress.TryCreate(o.Email?.Trim(), out var address) && address.Address.Equals(key, StringComparison.OrdinalIgnoreCase));
        var cadence = options?.Cadence?.Trim().ToLowerInvariant() is { } c && Cadences.Contains(c) ? c : "daily";
        return (configured.Email, new SubscriberPreferences(
            configured.TopicIds, cadence, options?.SendAt ?? "07:00", options?.Day, options?.TimeZone ?? "UTC", configured.Paused));
    }

    private static SubscriberPreferences ReadPreferences(IFormCollection form)
    {
        var cadence = form["cadence"].ToString().Trim().ToLowerInvariant();
        return new SubscriberPreferences(
            form["topics"].OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            cadence,
            form["send_at"].ToString().Trim(),
            cadence == "weekly" ? form["day"].ToString().Trim() : null,
            form["time_zone"].ToString().Trim(),
            form["paused"] == "true");
    }

    /// <summary>The service's own subscriber validation, as for a configured subscriber; the subscriber when valid.</summary>
    private static IReadOnlyList<string> Validate(SubscriberPreferences preferences, string email, Catalog catalog, out Core.Digests.Subscriber? subscriber)
    {
        subscriber = null;
        if (!Cadences.Contains(preferences.Cadence))
        {
            return ["Choose how often: daily, weekly or hourly."];
        }

        var options = new SubscriberOptions
        {
            Email = email,
            Topics = preferences.Topics.ToList(),
            Cadence = preferences.Cadence,
            SendAt = preferences.SendAt,
            Day = preferences.Day,
            TimeZone = preferences.TimeZone,
            Paused = preferences.Paused,
        };
        return Catalog.TryCreateSubscriber(options, catalog.TopicsById.Keys, out subscriber, out var problems) ? [] : problems;
    }

    private static IResult SubscribePage(
        HttpContext context, WebPages pages, Catalog catalog, IAntiforgery antiforgery, string email, SubscriberPreferences form, IReadOnlyList<string> errors, bool prefillZone, int status = StatusCodes.Status200OK)
    {
        var fields = Fields(pages, catalog, form, prefillZone);
        return pages.Render("subscribe", "Subscribe", new { csrf = antiforgery.GetAndStoreTokens(context).RequestToken, form = new { email }, fields, errors }, status);
    }

    private static IResult ManagePage(
        HttpContext context, WebPages pages, Catalog catalog, IAntiforgery antiforgery, string token, string email, SubscriberPreferences form, IReadOnlyList<string> errors, string notice, int status = StatusCodes.Status200OK)
    {
        var fields = Fields(pages, catalog, form, prefillZone: false);
        return pages.Render("manage", "Your preferences", new { csrf = antiforgery.GetAndStoreTokens(context).RequestToken, token, email, fields, errors, notice, form = new { paused = form.Paused } }, status);
    }

    private static string Fields(WebPages pages, Catalog catalog, SubscriberPreferences form, bool prefillZone) =>
        pages.Fragment("preferences", new
        {
            topics = catalog.Topics.Select(t => new { id = t.Id, name = t.Name, chosen = form.Topics.Contains(t.Id) }).ToList(),
            cadences = Cadences.Select(c => new { value = c, label = char.ToUpperInvariant(c[0]) + c[1..] }).ToList(),
            days = Days,
            form = new { cadence = form.Cadence, day = form.Day ?? "Monday", send_at = form.SendAt, time_zone = form.TimeZone },
            prefill_zone = prefillZone,
        });

    private static IResult InvalidLink(WebPages pages, LinkTokenCheck check) =>
        check.Status == LinkTokenStatus.Expired
            ? pages.Message("This link does not work", "This link has expired. Ask again on the subscribe page for a new one.", StatusCodes.Status410Gone, SignUpAgain)
            : pages.Message("This link does not work", "This link is not valid: it may have been cut short or changed. Use the link from your mail as it is.", StatusCodes.Status400BadRequest);

    private static IResult FormExpired(WebPages pages) =>
        pages.Message("Please try again", "This form has expired or did not come from this site. Reload the page and send it again.", StatusCodes.Status400BadRequest);

    private static IResult Unsubscribed(WebPages pages) =>
        pages.Message("You are unsubscribed", "No more digests will come to this address. You can subscribe again at any time.");
}
