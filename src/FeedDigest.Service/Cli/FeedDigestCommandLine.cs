using System.CommandLine;

namespace FeedDigest.Service.Cli;

/// <summary>The <c>feeddigest</c> command line: <c>run</c> is the default.</summary>
internal static class FeedDigestCommandLine
{
    public static Task<int> InvokeAsync(string[] args)
    {
        var root = new RootCommand("FeedDigest: emails each subscriber a digest of the feed stories on their topics.");
        root.Subcommands.Add(ParseCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
