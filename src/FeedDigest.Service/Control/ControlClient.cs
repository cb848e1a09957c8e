using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace FeedDigest.Service.Control;

/// <summary>Asks the service listening on a control socket (<see cref="ControlServer"/>) to do something.</summary>
internal static class ControlClient
{
    /// <summary>
    /// Asks the service to poll every feed and waits for its reply; null when no service listens
    /// there (no socket, or one a stopped service left behind).
    /// </summary>
    public static async Task<PollReply?> TryPollAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            return null;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(ControlSocket.PollRequest + "\n"), cancellationToken).ConfigureAwait(false);
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

        return line is null
            ? new PollReply(0, null, "the service closed the connection before replying (is it stopping?)")
            : JsonSerializer.Deserialize(line, ControlJson.Default.PollReply);
    }

    /// <summary>Whether a service listens on the socket.</summary>
    public static async Task<bool> AnswersAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
        return socket is not null;
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
