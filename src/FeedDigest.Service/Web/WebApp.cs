using System.Threading.RateLimiting;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Subscriptions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedDigest.Service.Web;

/// <summary>Builds the web application: its middleware, safety settings and endpoints.</summary>
internal static class WebApp
{
    public const string SubscribePolicy = "subscribe";
    public const string TokenPolicy = "tokens";

    public static WebApplication Build(IServiceProvider host, WebOptions options, IHostEnvironment environment)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = environment.ContentRootPath,
            EnvironmentName = environment.EnvironmentName,
            Args = [],
        });
        builder.WebHost.UseKestrelCore();
        var services = builder.Services;
        // The service's host owns the process's lifetime (Ctrl+C, SIGTERM, systemd): the web part only follows it.
        services.AddSingleton<IHostLifetime, FollowingLifetime>();
        // The service's own singletons, not copies: one database gate, one catalog, one sender.
        services.Replace(ServiceDescriptor.Singleton(host.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(host.GetRequiredService<TimeProvider>());
        services.AddSingleton(host.GetRequiredService<IConfiguration>());
        services.AddSingleton(host.GetRequiredService<ICatalogSource>());
        services.AddSingleton(host.GetRequiredService<ISubscriptionStore>());
        services.AddSingleton(host.GetRequiredService<IOperationsStore>());
        services.AddSingleton(host.GetRequiredService<IFeedStore>());
        services.AddSingleton(host.GetRequiredService<IMailSender>());
        services.AddSingleton(host.GetRequiredService<LinkTokenSigner>());
        services.AddSingleton(host.GetRequiredService<SubscriberDirectory>());
        services.AddSingleton(host.GetRequiredService<DigestDispatcher>());
        services.AddSingleton(host.GetRequiredService<ISchedulerFactory>());
        services.AddSingleton(host.GetRequiredService<ConfigurationHealth>());
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<WebPages>();
        services.AddSingleton<OperationsMetrics>();

        services.AddRouting();
        services.AddDataProtection()
            .SetApplicationName("FeedDigest")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(options.KeysDirectory, environment.ContentRootPath)));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "feeddigest-csrf";
            antiforgery.FormFieldName = "__csrf";
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "feeddigest-admin";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = "/admin/login";
            cookie.LogoutPath = "/admin/logout";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddAuthorization();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SubscribePolicy, context => PerClient(context, options.SubscribeRequestsPerMinute));
            limiter.AddPolicy(TokenPolicy, context => PerClient(context, options.TokenRequestsPerMinute));
        });

        var app = builder.Build();
        foreach (var url in options.Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            app.Urls.Add(url);
        }

        // Behind a reverse proxy on the same machine (the default trusts loopback proxies only), the
        // client's address and scheme come from X-Forwarded-For and X-Forwarded-Proto.
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        app.Use(async (context, next) =>
        {
            // Pages are never framed by another site, nor sniffed into another type.
            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            await next(context).ConfigureAwait(false);
        });
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        PublicEndpoints.Map(app);
        AdminEndpoints.Map(app);
        OperationsEndpoints.Map(app);
        return app;
    }

    private sealed class FollowingLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
