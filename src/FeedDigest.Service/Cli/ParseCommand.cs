using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedDigest.Core.Parsing;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary>
/// <c>feeddigest parse --json SOURCE...</c>: prints what FeedDigest reads from each document, one
/// JSON object per line. Conformance is scored through it, so its shape is a stable contract.
/// </summary>
internal static class ParseCommand
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per document (the only format so far)." };
        var sources = new Argument<string[]>("source") { Description = "Feed files or URLs.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("parse", "Parse feed documents and print what FeedDigest reads from them.");
        command.Options.Add(json);
        command.Arguments.Add(sources);
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(sources) ?? [], cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] sources, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddOptions<PollingOptions>();
        services.AddFeedFetching();
        await using var provider = services.BuildServiceProvider();
        var fetcher = provider.GetRequiredService<IFeedFetcher>();
        var exitCode = 0;
        using var stdout = Console.OpenStandardOutput();
        foreach (var source in sources)
        {
            var uri = ToUri(source);
            var result = await fetcher.FetchAsync(new FetchRequest(uri, null, null), cancellationToken).ConfigureAwait(false);
            ParsedFeed parsed;
            switch (result)
            {
                case FetchResult.Content content:
                    parsed = FeedParser.Parse(content.Body, content.FinalUri, content.Charset);
                    break;
                case FetchResult.Failed failed:
                    parsed = ParsedFeed.Unreadable(FeedFormat.Unknown, $"cannot open {source}: {failed.Kind}: {failed.Message}");
                    exitCode = 1;
                    break;
                default:
                    parsed = ParsedFeed.Unreadable(FeedFormat.Unknown, $"cannot open {source}: no content");
                    exitCode = 1;
                    break;
            }

            await using (var writer = new Utf8JsonWriter(stdout, WriterOptions))
            {
                Write(writer, source, parsed);
            }

            stdout.WriteByte((byte)'\n');
        }

        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    private static Uri ToUri(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file"
            ? uri
            : new Uri(Path.GetFullPath(source));

    private static void Write(Utf8JsonWriter writer, string source, ParsedFeed feed)
    {
        writer.WriteStartObject();
        writer.WriteString("source", source);
        writer.WriteString("format", feed.Format == FeedFormat.Unknown ? null : feed.Format.ToString().ToLowerInvariant());
        writer.WriteString("title", feed.Title);
        writer.WriteString("link", feed.Link);
        if (feed.TimeToLive is { } timeToLive)
        {
            writer.WriteNumber("ttl_seconds", (long)timeToLive.TotalSeconds);
        }
        else
        {
            writer.WriteNull("ttl_seconds");
        }

        writer.WriteStartArray("items");
        foreach (var item in feed.Items)
        {
            writer.WriteStartObject();
            writer.WriteString("id", item.Id);
            writer.WriteString("title", item.Title);
            writer.WriteString("link", item.Link);
            writer.WriteString("published", FormatDate(item.Published));
            writer.WriteString("updated", FormatDate(item.Updated));
            writer.WriteString("author", item.Author);
            writer.WriteString("summary", item.Summary);
            writer.WriteString("content", item.Content);
            writer.WriteStartArray("categories");
            foreach (var category in item.Categories)
            {
                writer.WriteStringValue(category);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("bozo", feed.Bozo);
        writer.WriteStartArray("errors");
        foreach (var error in feed.Errors)
        {
            writer.WriteStringValue(error);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string? FormatDate(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
