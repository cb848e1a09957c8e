using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// Loads the catalog and the digest templates before anything else starts, so invalid feeds,
/// topics or subscribers, or a template that does not parse, stop start-up with their problems listed.
/// </summary>
internal sealed class CatalogStartupCheck(ICatalogSource catalogSource, DigestTemplateFolder templates) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = catalogSource.Current;
        if (templates.Problems.Count > 0)
        {
            throw new OptionsValidationException(DigestOptions.SectionName, typeof(DigestOptions), templates.Problems);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
