using FeedDigest.Core.Configuration;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Cli;

/// <summary>Builds the host for a command and turns a configuration mistake into a message, not a stack trace.</summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(string? configFile, bool withScheduler, Func<IHost, Task<int>> action)
    {
        if (configFile is null)
        {
            FeedDigestHost.EnsureDefaultConfigFile(Directory.GetCurrentDirectory(), Console.Out);
        }

        IHost host;
        try
        {
            host = FeedDigestHost.CreateBuilder(configFile, withScheduler).Build();
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or FileNotFoundException or InvalidOperationException)
        {
            // A JSON mistake: the parser's line, column and reason, not only "failed to load".
            var detail = exception is InvalidDataException { InnerException: { } inner } ? " " + LastGoodJsonConfigurationSource.Describe(inner) : string.Empty;
            await Console.Error.WriteLineAsync($"Cannot read the configuration: {exception.Message}{detail}").ConfigureAwait(false);
            return 1;
        }

        using (host)
        {
            try
            {
                return await action(host).ConfigureAwait(false);
            }
            catch (OptionsValidationException exception)
            {
                await Console.Error.WriteLineAsync("The configuration is not valid; fix these settings and start again:").ConfigureAwait(false);
                foreach (var failure in exception.Failures)
                {
                    await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
                }

                return 1;
            }
        }
    }

    /// <summary>Runs every options validator now, as the service does at start-up.</summary>
    public static async Task ValidateAsync(IHost host, CancellationToken cancellationToken)
    {
        // Both checks run, so one pass lists every problem in settings and in feeds, topics,
        // subscribers. The catalog (every feed, topic and subscriber read from the configuration)
        // is built on another core meanwhile; its problems are listed after the settings'.
        var catalog = Task.Run(() => CatalogProblems(host), cancellationToken);
        var failures = new List<string>();
        try
        {
            await host.Services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException exception)
        {
            failures.AddRange(exception.Failures);
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several options sections failed at once.
            failures.AddRange(exception.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures));
        }

        failures.AddRange(await catalog.ConfigureAwait(false));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(CatalogOptions.SectionName, typeof(CatalogOptions), failures);
        }
    }

    private static List<string> CatalogProblems(IHost host)
    {
        var problems = new List<string>();
        try
        {
            _ = host.Services.GetRequiredService<ICatalogSource>().Current;
        }
        catch (OptionsValidationException exception)
        {
            problems.AddRange(exception.Failures);
        }

        problems.AddRange(host.Services.GetRequiredService<DigestTemplateFolder>().Problems);
        return problems;
    }

    /// <summary>
    /// For one-shot commands: validates options eagerly and brings the schema up to date. The
    /// schema check (opening the database) runs on another core while the settings are checked:
    /// both are a one-shot command's fixed cost before its work starts. A configuration mistake is
    /// reported before anything the database says.
    /// </summary>
    public static async Task PrepareAsync(IHost host, CancellationToken cancellationToken)
    {
        // Resolved inside the task: invalid storage settings then fail it, not this call, and the
        // validation below still lists every problem.
        var migration = Task.Run(() => host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(cancellationToken), cancellationToken);
        try
        {
            await ValidateAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await migration.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await migration.ConfigureAwait(false);
    }
}
