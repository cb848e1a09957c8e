using FeedDigest.Core.Digests;
using FeedDigest.Core.Subscriptions;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Web;

internal static class WebServiceCollectionExtensions
{
    /// <summary>
    /// The signed links every digest carries, and with <paramref name="withServer"/> (the service, not
    /// a one-shot command) Kestrel serving the pages, in the same process as the jobs. Both look at
    /// Web:Enabled when used, not here: settings added after this call (a test's) still count.
    /// </summary>
    public static IServiceCollection AddFeedDigestWeb(this IServiceCollection services, IConfiguration configuration, bool withServer)
    {
        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>>(new OptionsValidator<WebOptions>(o => o.Validate()));
        services.AddSingleton(provider => new LinkTokenSigner(
            TokenSecret.Resolve(provider.GetRequiredService<IOptions<WebOptions>>().Value, provider.GetRequiredService<IHostEnvironment>().ContentRootPath),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDigestLinks>(provider => new DigestLinks(
            provider.GetRequiredService<IOptions<WebOptions>>(),
            new Lazy<LinkTokenSigner>(provider.GetRequiredService<LinkTokenSigner>)));
        if (withServer)
        {
            services.AddSingleton<WebServer>();
            services.AddHostedService(provider => provider.GetRequiredService<WebServer>());
        }

        return services;
    }
}
