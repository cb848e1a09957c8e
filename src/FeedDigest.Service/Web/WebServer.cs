using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Web;

/// <summary>
/// Kestrel inside the service's host: started after the database is migrated, stopped with the
/// service. The web application has a container of its own, which hands out the service's own
/// stores, sender and signer, so pages and jobs share one database gate and one configuration.
/// </summary>
internal sealed class WebServer(IServiceProvider services, IOptions<WebOptions> options, IHostEnvironment environment, ILogger<WebServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>The addresses Kestrel listens on (a port 0 resolved), once started.</summary>
    public IReadOnlyList<Uri> Addresses =>
        app?.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).ToList() ?? [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        app = WebApp.Build(services, options.Value, environment);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            // Another process has the port: say which setting to change, as for any bad setting.
            throw new OptionsValidationException(WebOptions.SectionName, typeof(WebOptions), [$"{WebOptions.SectionName}:Urls: cannot listen on {options.Value.Urls} ({exception.Message}); choose a free port, or set {WebOptions.SectionName}:Enabled to false."]);
        }

        logger.LogInformation("Web pages listening on {Addresses}; links point to {PublicBaseUrl}", string.Join(", ", Addresses), options.Value.BaseUri);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
