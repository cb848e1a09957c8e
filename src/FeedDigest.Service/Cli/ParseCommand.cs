using System.CommandLine;

namespace FeedDigest.Service.Cli;

internal static class ParseCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per document (the only output format)." };
        var sources = new Argument<string[]>("source") { Description = "Feed files or URLs.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("parse", "Parse feed documents and print what FeedDigest reads from them.");
        command.Options.Add(json);
        command.Arguments.Add(sources);
        command.SetAction(async (result, cancellationToken) =>
        {
            await Task.Yield();
            return result.GetValue(sources)!.Length;
        });
        return command;
    }
}
