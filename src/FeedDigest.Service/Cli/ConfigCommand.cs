using System.CommandLine;
using System.Globalization;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Cli;

/// <summary>
/// <c>feeddigest config validate [FILE]</c>: checks every setting with the same validators the service
/// uses, and says whether a service running on this database runs on the last good configuration.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create(Option<string?> config)
    {
        var file = new Argument<string?>("file") { Description = "The file to check (default: --config, else appsettings.json).", Arity = ArgumentArity.ZeroOrOne };
        var validate = new Command("validate", "Check the configuration without starting the service; exit status 1 names what is wrong.");
        validate.Arguments.Add(file);
        validate.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(file) ?? result.GetValue(config), withScheduler: false, async host =>
        {
            var status = 0;
            try
            {
                await HostRunner.ValidateAsync(host, cancellationToken).ConfigureAwait(false);
                Console.WriteLine("The configuration is valid.");
            }
            catch (OptionsValidationException exception)
            {
                await Console.Error.WriteLineAsync("The configuration is not valid; fix these settings:").ConfigureAwait(false);
                foreach (var failure in exception.Failures)
                {
                    await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
                }

                status = 1;
            }

            ReportRunningService(host);
            return status;
        }));
        var command = new Command("config", "Configuration tools.");
        command.Subcommands.Add(validate);
        return command;
    }

    private static void ReportRunningService(IHost host)
    {
        var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var path = ConfigurationStatus.PathFor(storage, host.Services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        if (ConfigurationStatus.Read(path) is not { } running)
        {
            Console.WriteLine("No service is running on this database.");
            return;
        }

        if (!running.RunningOnLastGood)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The running service (pid {running.ProcessId}) runs on the configuration as written."));
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The running service (pid {running.ProcessId}) runs on the LAST GOOD configuration: it refused these edits:"));
        foreach (var refusal in running.Refusals)
        {
            foreach (var problem in refusal.Problems)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {refusal.RefusedAt:yyyy-MM-dd HH:mm:ss'Z'} {refusal.Source}: {problem}"));
            }
        }
    }
}
