using System.CommandLine;
using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;
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
        var show = new Command("show", "Print every FeedDigest and Logging setting in force and where it comes from; secrets show as (hidden).");
        show.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, host =>
        {
            var root = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
            foreach (var (key, value) in root.AsEnumerable().Where(p => p.Value is not null && IsShown(p.Key)).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                var source = root.Providers.LastOrDefault(p => p.TryGet(key, out _));
                Console.WriteLine($"{key} = {Shown(key, value!)}    [{Describe(source)}]");
            }

            return Task.FromResult(0);
        }));

        var command = new Command("config", "Configuration tools.");
        command.Subcommands.Add(validate);
        command.Subcommands.Add(show);
        return command;
    }

    /// <summary>
    /// A setting's value as <c>config show</c> prints it: secrets hidden, the value of a feed's extra
    /// header (often an API key) hidden after its name, a connection string's password and the user
    /// information of a URL (a proxy's or a feed's <c>user:password@</c>) hidden.
    /// </summary>
    internal static string Shown(string key, string value)
    {
        const string Hidden = "(hidden)";
        if (value.Length == 0)
        {
            return value;
        }

        if (IsSecret(key))
        {
            return Hidden;
        }

        if (key.Contains(":Headers:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? $"{value[..colon]}: {Hidden}" : Hidden;
        }

        if (key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase))
        {
            return WithoutPassword(value);
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? value.Replace(uri.UserInfo + "@", Hidden + "@", StringComparison.Ordinal)
            : value;
    }

    private static string WithoutPassword(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // Not a connection string it can read: nothing of it is shown.
            return "(hidden: not a readable connection string)";
        }

        foreach (var name in builder.Keys.Cast<string>().Where(name => name.Equals("Password", StringComparison.OrdinalIgnoreCase) || name.Equals("Pwd", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            builder[name] = "(hidden)";
        }

        return builder.ConnectionString;
    }

    /// <summary>A setting whose value is a secret: a password, a secret, a token, a private key (not a key file's path).</summary>
    public static bool IsSecret(string key)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        string[] secretWords = ["password", "secret", "token", "privatekey", "apikey"];
        return secretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase)) && !name.EndsWith("File", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsShown(string key) =>
        key.StartsWith(CatalogOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase);

    private static string Describe(IConfigurationProvider? provider) => provider switch
    {
        FileConfigurationProvider file => file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? string.Empty).PhysicalPath ?? file.Source.Path ?? "file",
        null => "?",
        _ => provider.ToString() ?? provider.GetType().Name,
    };

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
