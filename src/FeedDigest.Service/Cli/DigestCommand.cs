using System.CommandLine;
using System.Globalization;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Ports;
using FeedDigest.Service.Control;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary>
/// <c>feeddigest digest preview --subscriber EMAIL</c>: writes the HTML the next digest would have.
/// When the service runs on the same database, it renders the preview (through its control socket).
/// </summary>
internal static class DigestCommand
{
    public static Command Create(Option<string?> config)
    {
        var subscriberOption = new Option<string>("--subscriber") { Description = "The subscriber's email address.", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write the HTML (default: data/preview-<email>.html)." };
        var preview = new Command("preview", "Write the HTML of the digest a subscriber would get now, without sending or claiming anything.");
        preview.Options.Add(subscriberOption);
        preview.Options.Add(output);
        preview.SetAction(async (result, cancellationToken) =>
        {
            var configFile = result.GetValue(config);
            var email = result.GetValue(subscriberOption)!.Trim();
            var outFile = result.GetValue(output);
            // Rendered by the running service when there is one: a preview in this process would sync
            // the catalog (rename feeds in the store) under the service's poll after an edit.
            if (ControlSocket.PathFromConfiguration(configFile, Directory.GetCurrentDirectory()) is { } socket
                && await ControlClient.TryPreviewAsync(socket, email, cancellationToken).ConfigureAwait(false) is { } reply)
            {
                return await WritePreviewAsync(reply, email, outFile, cancellationToken).ConfigureAwait(false);
            }

            return await HostRunner.RunAsync(configFile, withScheduler: false, async host =>
            {
                await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
                var catalog = host.Services.GetRequiredService<ICatalogSource>().Current;
                var rendered = await DigestPreview.RenderAsync(catalog, host.Services.GetRequiredService<DigestDispatcher>(), email, cancellationToken).ConfigureAwait(false);
                return await WritePreviewAsync(rendered, email, outFile, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        var command = new Command("digest", "Digest tools.");
        command.Subcommands.Add(preview);
        command.Subcommands.Add(Suspended(config));
        command.Subcommands.Add(Resume(config));
        return command;
    }

    /// <summary>Writes the preview's HTML (its text for a plain-text subscriber) to the file, or says why there is none.</summary>
    private static async Task<int> WritePreviewAsync(PreviewReply reply, string email, string? outFile, CancellationToken cancellationToken)
    {
        if (reply.SubscriberKey is not { } subscriberKey)
        {
            // A service started from an earlier release answers a request it does not know so: the
            // binaries were upgraded and the service not restarted.
            await Console.Error.WriteLineAsync(reply.Error is { } error && error.StartsWith(ControlSocket.UnknownRequest, StringComparison.Ordinal)
                ? $"The running service does not render previews: it was started from an earlier release than this command (it answered: {error}). Restart the service, then run the command again."
                : reply.Error).ConfigureAwait(false);
            return 1;
        }

        if (reply.Digest is not { } digest)
        {
            Console.WriteLine($"No new stories match {email}'s topics: the next digest would be empty, so none would be sent.");
            return 0;
        }

        var extension = digest.HtmlBody is null ? "txt" : "html";
        var path = Path.GetFullPath(outFile ?? Path.Combine("data", $"preview-{AsFileName(subscriberKey)}.{extension}"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, digest.HtmlBody ?? digest.TextBody, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"{digest.Subject}\nWritten to {path}");
        return 0;
    }

    /// <summary>
    /// The subscriber's key as one file name under data/: an address may hold a slash, and the key comes
    /// from whatever answers on the control socket, so no character of it may lead out of the folder.
    /// </summary>
    private static string AsFileName(string subscriberKey)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(subscriberKey.Select(c => c is '/' or '\\' || invalid.Contains(c) ? '_' : c));
    }

    /// <summary><c>feeddigest digest suspended</c>: the subscribers suspended after permanent delivery failures.</summary>
    private static Command Suspended(Option<string?> config)
    {
        var command = new Command("suspended", "List the subscribers suspended because their mail server kept refusing their address.");
        command.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            var suspensions = await host.Services.GetRequiredService<IDigestStore>().GetSuspensionsAsync(cancellationToken).ConfigureAwait(false);
            if (suspensions.Count == 0)
            {
                Console.WriteLine("No subscriber is suspended.");
            }

            foreach (var suspension in suspensions)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{suspension.SubscriberKey}\tsuspended {suspension.SuspendedAt:yyyy-MM-dd HH:mm} UTC after {suspension.FailuresInARow} refusals in a row\t{suspension.LastFailure}"));
            }

            return 0;
        }));
        return command;
    }

    /// <summary><c>feeddigest digest resume --subscriber EMAIL</c>: lifts a suspension.</summary>
    private static Command Resume(Option<string?> config)
    {
        var subscriberOption = new Option<string>("--subscriber") { Description = "The subscriber's email address.", Required = true };
        var command = new Command("resume", "Resume a suspended subscriber: digests are composed for them again from their next slot, and those waiting in the outbox go out.");
        command.Options.Add(subscriberOption);
        command.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.PrepareAsync(host, cancellationToken).ConfigureAwait(false);
            // The key a subscriber's state is stored under is their lower-cased address (Subscriber.Key).
            var key = result.GetValue(subscriberOption)!.Trim().ToLowerInvariant();
            if (!await host.Services.GetRequiredService<IDigestStore>().ResumeAsync(key, cancellationToken).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"{key} is not suspended (see 'feeddigest digest suspended').").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"Resumed {key}: their next digest goes out at their next slot.");
            return 0;
        }));
        return command;
    }
}
