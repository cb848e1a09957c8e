using System.Text.Json;
using System.Text.Json.Serialization;
using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;

namespace FeedDigest.Service.Control;

/// <summary>
/// The running service's control socket: a Unix domain socket beside the database, open to the
/// account the service runs as only. Commands such as <c>poll --once</c> and <c>digest preview</c>
/// ask the service through it instead of acting on the same feeds from a second process.
/// </summary>
/// <remarks>
/// The protocol is one request line (<see cref="PollRequest"/>, or a preview request made by
/// <see cref="PreviewRequestFor"/>) and one JSON line in reply, then the connection closes.
/// Nothing else is accepted.
/// </remarks>
internal static class ControlSocket
{
    public const string FileName = "feeddigest.sock";

    /// <summary>Poll every configured feed now and reply with a <see cref="PollReply"/>.</summary>
    public const string PollRequest = "poll";

    /// <summary>How the service's error for a request it does not know begins, in every release (a command newer than the service reads it).</summary>
    public const string UnknownRequest = "unknown request";

    /// <summary>
    /// Render the digest a subscriber would get now, without sending or claiming anything, and reply
    /// with a <see cref="PreviewReply"/>. The word is followed by a space and the subscriber's address
    /// as a JSON string, so that no address can end the request's line early.
    /// </summary>
    public const string PreviewRequest = "preview";

    /// <summary>The request line asking for the preview of the subscriber with that address.</summary>
    public static string PreviewRequestFor(string email) => $"{PreviewRequest} {JsonSerializer.Serialize(email, ControlJson.Default.String)}";

    /// <summary>Whether the line asks for a preview, well formed or not.</summary>
    public static bool IsPreviewRequest(string request) =>
        request == PreviewRequest || request.StartsWith(PreviewRequest + " ", StringComparison.Ordinal);

    /// <summary>The address a preview request names; null when it names none (no JSON string after the word).</summary>
    public static string? PreviewedAddress(string request)
    {
        try
        {
            return JsonSerializer.Deserialize(request.AsSpan(PreviewRequest.Length), ControlJson.Default.String);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string PathFor(StorageOptions storage, string contentRoot) =>
        SqliteDatabaseMaintenance.PathBesideDatabase(storage, contentRoot, FileName);

    /// <summary>
    /// The socket a service on this configuration listens on, read from the configuration files and
    /// the environment alone (without building the host, which costs a command more than asking);
    /// null when they cannot be read, which the command then reports itself.
    /// </summary>
    public static string? PathFromConfiguration(string? configFile, string contentRoot)
    {
        try
        {
            // The one setting read directly: the options binder's reflection cost a command more than its request.
            var storage = new StorageOptions();
            if (FeedDigestHost.ReadSettings(configFile, contentRoot)[$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"] is { } connectionString)
            {
                storage.ConnectionString = connectionString;
            }

            return PathFor(storage, contentRoot);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>The reply to <see cref="ControlSocket.PollRequest"/>: the poll's figures, or why it did not run.</summary>
internal sealed record PollReply(int ProcessId, PollOutcome? Outcome, string? Error);

/// <summary>The reply to <see cref="ControlSocket.PreviewRequest"/>, and what the command makes in its own process when no service runs.</summary>
/// <param name="SubscriberKey">The subscriber's key (their lower-cased address), which names the file written by default; null when there is no preview.</param>
/// <param name="Digest">The digest rendered; null when no new story matches the subscriber's topics, or when there is no preview.</param>
/// <param name="Error">Why there is no preview (no such subscriber, or the service could not render it), as the command prints it.</param>
internal sealed record PreviewReply(string? SubscriberKey, OutgoingMessage? Digest, string? Error);

/// <summary>The requests' and replies' JSON, generated at build time: a command reads one reply and would otherwise pay for reflection over it first.</summary>
[JsonSerializable(typeof(PollReply))]
[JsonSerializable(typeof(PreviewReply))]
[JsonSerializable(typeof(string))]
internal sealed partial class ControlJson : JsonSerializerContext;
