using System.Text.Json.Serialization;
using FeedDigest.Core.Polling;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;

namespace FeedDigest.Service.Control;

/// <summary>
/// The running service's control socket: a Unix domain socket beside the database, open to the
/// account the service runs as only. A command such as <c>poll --once</c> asks the service through
/// it instead of polling the same feeds from a second process.
/// </summary>
/// <remarks>
/// The protocol is one request line (<see cref="PollRequest"/>) and one JSON line in reply, then the
/// connection closes. Nothing else is accepted.
/// </remarks>
internal static class ControlSocket
{
    public const string FileName = "feeddigest.sock";

    /// <summary>Poll every configured feed now and reply with a <see cref="PollReply"/>.</summary>
    public const string PollRequest = "poll";

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
            var builder = new ConfigurationBuilder().SetBasePath(contentRoot).AddJsonFile(FeedDigestHost.DefaultConfigFile, optional: true, reloadOnChange: false);
            if (configFile is not null)
            {
                builder.AddJsonFile(Path.GetFullPath(configFile, contentRoot), optional: false, reloadOnChange: false);
            }

            // The one setting read directly: the options binder's reflection cost a command more than its request.
            var storage = new StorageOptions();
            if (builder.AddEnvironmentVariables().Build()[$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"] is { } connectionString)
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

/// <summary>The replies' JSON, generated at build time: a command reads one reply and would otherwise pay for reflection over it first.</summary>
[JsonSerializable(typeof(PollReply))]
internal sealed partial class ControlJson : JsonSerializerContext;
