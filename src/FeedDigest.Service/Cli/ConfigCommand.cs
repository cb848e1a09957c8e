using System.CommandLine;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest config validate</c>: checks every setting with the same validators the service uses.</summary>
internal static class ConfigCommand
{
    public static Command Create(Option<string?> config)
    {
        var validate = new Command("validate", "Check the configuration without starting the service; exit status 1 names what is wrong.");
        validate.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.ValidateAsync(host, cancellationToken).ConfigureAwait(false);
            Console.WriteLine("The configuration is valid.");
            return 0;
        }));
        var command = new Command("config", "Configuration tools.");
        command.Subcommands.Add(validate);
        return command;
    }
}
