using System.CommandLine;

namespace FeedDigest.Service.Cli;

internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config", "-c")
    {
        Description = "Configuration file to use instead of appsettings.json in the current folder.",
    };
}
