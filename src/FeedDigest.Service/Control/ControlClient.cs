using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FeedDigest.Service.Control;

/// <summary>Asks the service listening on a control socket (<see cref="ControlServer"/>) to do something.</summary>
internal static class ControlClient
{
    /// <summary>
    /// Asks the service to poll every feed and waits for its reply; null when no service listens
    /// there (no socket, or one a stopped service left behind).
    /// </summary>
    public static Task<PollReply?> TryPollAsync(string path, CancellationToken cancellationToken) =>
        TryAskAsync(
            path,
            ControlSocket.PollRequest,
            ControlJson.Default.PollReply,
            new PollReply(0, null, "the service closed the connection before replying (is it stopping?)"),
            cancellationToken);

    /// <summary>
    /// Asks the service to render the digest the subscriber with that address would get now and
    /// waits for its reply; null when no service listens there.
    /// </summary>
    public static Task<PreviewReply?> TryPreviewAsync(string path, string email, CancellationToken cancellationToken) =>
        TryAskAsync(
            path,
            ControlSocket.PreviewRequestFor(email),
            ControlJson.Default.PreviewReply,
            new PreviewReply(null, null, "The running service closed the connection before replying (is it stopping?); run the command again"),
            cancellationToken);

    /// <summary>Whether a service listens on the socket.</summary>
    public static async Task<bool> AnswersAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
        return socket is not null;
    }

    /// <summary>Sends one request line and reads the one JSON line of its reply; <paramref name="noReply"/> when the connection ends without one.</summary>
    private static async Task<TReply?> TryAskAsync<TReply>(string path, string request, JsonTypeInfo<TReply> replyJson, TReply noReply, CancellationToken cancellationToken)
        where TReply : class
    {
        using var socket = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            return null;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n"), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? line = null;
        try
        {
            line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The connection broke: the same as no reply.
        }

        return line is null ? noReply : JsonSerializer.Deserialize(line, replyJson);
    }

    private static async Task<Socket?> TryConnectAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException)
        {
            // Nothing listens (a socket left by a service that did not stop cleanly), or the path cannot be a socket.
            socket.Dispose();
            return null;
        }
    }
}
