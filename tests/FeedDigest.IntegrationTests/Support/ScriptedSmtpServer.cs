using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>
/// A raw TCP server on 127.0.0.1 that misbehaves in the ways an SMTP library's server cannot be told
/// to: it answers 421 to the connection itself, or takes a message's DATA and drops the connection
/// half-way through it.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private readonly Failure failure;
    private int connections;

    private ScriptedSmtpServer(int port, Failure failure)
    {
        this.failure = failure;
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public enum Failure
    {
        /// <summary>"421 Service not available" as the greeting, then the connection closes (RFC 5321 §3.1).</summary>
        ServiceNotAvailableOnConnect,

        /// <summary>EHLO, MAIL, RCPT and DATA accepted; after part of the message the connection drops without a reply.</summary>
        DropMidData,
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref connections);

    /// <summary>How many bytes of message data arrived before a drop (to see it really was mid-DATA).</summary>
    public int DataBytesBeforeDrop { get; private set; }

    public static ScriptedSmtpServer Start(Failure failure, int port = 0) => new(port, failure);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        listener.Dispose();
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            Interlocked.Increment(ref connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                if (failure == Failure.ServiceNotAvailableOnConnect)
                {
                    await WriteAsync(stream, "421 4.3.2 localhost Service not available, closing transmission channel");
                    return;
                }

                await WriteAsync(stream, "220 localhost ESMTP scripted");
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (await reader.ReadLineAsync(stopping.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    if (verb == "DATA")
                    {
                        await WriteAsync(stream, "354 Start mail input; end with <CRLF>.<CRLF>");
                        // Take the headers and a little of the body, then drop the connection: no reply to the DATA.
                        var taken = 0;
                        while (taken < 1024 && await reader.ReadLineAsync(stopping.Token) is { } data)
                        {
                            taken += data.Length + 2;
                        }

                        DataBytesBeforeDrop = taken;
                        client.Client.LingerState = new LingerOption(true, 0);
                        return;
                    }

                    await WriteAsync(stream, verb switch
                    {
                        "EHLO" or "HELO" => "250 localhost",
                        "QUIT" => "221 Bye",
                        "RSET" or "NOOP" or "MAIL" or "RCPT" => "250 OK",
                        _ => "502 Command not implemented",
                    });
                    if (verb == "QUIT")
                    {
                        return;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task WriteAsync(NetworkStream stream, string line) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), stopping.Token);
}
