using System.CommandLine;

namespace FeedDigest.Service.Cli;

/// <summary>The <c>feeddigest</c> command line: <c>run</c> is the default.</summary>
internal static class FeedDigestCommandLine
{
    public static Task<int> InvokeAsync(string[] args)
    {
        var config = CommonOptions.Config();
        var root = new RootCommand("FeedDigest: emails each subscriber a digest of the feed stories on their topics.");
        root.Options.Add(config);
        config.Recursive = true;
        root.Subcommands.Add(RunCommand.Create(config));
        root.Subcommands.Add(ParseCommand.Create());
        root.Subcommands.Add(PollCommand.Create(config));
        root.Subcommands.Add(DigestCommand.Create(config));
        root.Subcommands.Add(ConfigCommand.Create(config));
        root.Subcommands.Add(FeedsCommand.Create(config));
        root.Subcommands.Add(TopicsCommand.Create(config));
        root.Subcommands.Add(SubscribersCommand.Create(config));
        root.Subcommands.Add(DbCommand.Create(config));
        root.Subcommands.Add(ClusterCommand.Create(config));
        root.SetAction((result, cancellationToken) => RunCommand.RunAsync(result.GetValue(config), cancellationToken));
        var parsed = root.Parse(args);
        // The service's host handles SIGTERM and Ctrl+C itself and stops within its ShutdownTimeout;
        // System.CommandLine's own handler would end the process (exit 143) two seconds after the signal,
        // cutting short the sends a stop lets finish.
        var runsService = parsed.CommandResult.Command == root || parsed.CommandResult.Command.Name == "run";
        return parsed.InvokeAsync(runsService ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null);
    }
}
