using System.CommandLine;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest digest preview --subscriber EMAIL</c>: writes the HTML the next digest would have.</summary>
internal static class DigestCommand
{
    public static Command Create(Option<string?> config)
    {
        var subscriberOption = new Option<string>("--subscriber") { Description = "The subscriber's email address.", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write the HTML (default: data/preview-<email>.html)." };
        var preview = new Command("preview", "Write the HTML of the digest a subscriber would get now, without sending or claiming anything.");
        preview.Options.Add(subscriberOption);
        preview.Options.Add(output);
        preview.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var email = result.GetValue(subscriberOption)!.Trim();
            var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
            var subscriber = catalog.Subscribers.FirstOrDefault(s => string.Equals(s.Email, email, StringComparison.OrdinalIgnoreCase));
            if (subscriber is null)
            {
                await Console.Error.WriteLineAsync($"No subscriber {email} in the configuration; known: {string.Join(", ", catalog.Subscribers.Select(s => s.Email))}").ConfigureAwait(false);
                return 1;
            }

            var digest = await host.Services.GetRequiredService<DigestDispatcher>().PreviewAsync(subscriber, cancellationToken).ConfigureAwait(false);
            if (digest is null)
            {
                Console.WriteLine($"No new stories match {email}'s topics: the next digest would be empty, so none would be sent.");
                return 0;
            }

            var extension = digest.HtmlBody is null ? "txt" : "html";
            var path = Path.GetFullPath(result.GetValue(output) ?? Path.Combine("data", $"preview-{subscriber.Key}.{extension}"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, digest.HtmlBody ?? digest.TextBody, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{digest.Subject}\nWritten to {path}");
            return 0;
        }));
        var command = new Command("digest", "Digest tools.");
        command.Subcommands.Add(preview);
        return command;
    }
}
