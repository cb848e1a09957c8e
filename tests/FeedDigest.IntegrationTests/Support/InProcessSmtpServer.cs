using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>
/// A real SMTP server on 127.0.0.1, in-process, keeping every message it accepts. It can be told to
/// refuse recipients (<see cref="RecipientReply"/>), as a mail server does a closed mailbox.
/// </summary>
public sealed class InProcessSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly SmtpServer.SmtpServer server;
    private readonly Task running;

    private InProcessSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CollectingStore(this));
        services.Add(new RecipientFilter(this));
        server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, _) => Interlocked.Increment(ref sessions);
        running = server.StartAsync(stopping.Token);
    }

    private int sessions;

    public int Port { get; }

    /// <summary>How many SMTP connections clients opened.</summary>
    public int Sessions => Volatile.Read(ref sessions);

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    /// <summary>How long the server takes, after a message's data arrived, to answer 250: a slow server.</summary>
    public TimeSpan AcceptDelay { get; set; }

    /// <summary>How many messages' data arrived, accepted or not yet.</summary>
    public int MessagesReceiving => Volatile.Read(ref receiving);

    private int receiving;

    /// <summary>
    /// The reply code to give RCPT TO for an address (e.g. 550, 451), or null to accept it; set it to
    /// make the server refuse. Every RCPT it refuses is logged in <see cref="RefusedRecipients"/>.
    /// </summary>
    public Func<string, int?>? RecipientReply { get; set; }

    public ConcurrentQueue<string> RefusedRecipients { get; } = new();

    /// <summary>The reply code to give MAIL FROM for a sender (e.g. 553), or null to accept it.</summary>
    public Func<string, int?>? SenderReply { get; set; }

    /// <param name="port">A fixed port (to restart a server where a client expects it); 0 picks a free one.</param>
    public static InProcessSmtpServer Start(int port = 0) => new(port == 0 ? FreePort() : port);

    /// <summary>
    /// A port free now, below the system's ephemeral range where it can: a test that stops a server
    /// and starts another on the same port leaves it free meanwhile, and a port from the ephemeral
    /// range can be taken then as the local port of any outgoing connection (CI once failed so:
    /// "Address already in use"). Ports below the range are only ever bound on purpose.
    /// </summary>
    public static int FreePort()
    {
        var (ephemeralFrom, _) = EphemeralRange();
        for (var attempt = 0; attempt < 50 && ephemeralFrom > 20_000; attempt++)
        {
            var port = Random.Shared.Next(10_000, ephemeralFrom);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: another try.
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Linux's range for outgoing connections' local ports; elsewhere, none known.</summary>
    private static (int From, int To) EphemeralRange()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var parts = File.Exists(RangeFile) ? File.ReadAllText(RangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) : [];
        return parts.Length == 2 && int.TryParse(parts[0], out var from) && int.TryParse(parts[1], out var to) ? (from, to) : (0, 0);
    }

    public async ValueTask DisposeAsync()
    {
        server.Shutdown();
        await stopping.CancelAsync();
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private sealed class RecipientFilter(InProcessSmtpServer server) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            if (server.SenderReply?.Invoke(from.AsAddress()) is not { } code)
            {
                return Task.FromResult(true);
            }

            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)code, "5.7.1 Sender address rejected"));
        }

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            var address = to.AsAddress();
            if (server.RecipientReply?.Invoke(address) is not { } code)
            {
                return Task.FromResult(true);
            }

            server.RefusedRecipients.Enqueue(address);
            var text = code >= 500 ? "5.1.1 No such user here" : "4.3.0 Temporary local problem, try again later";
            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)code, text));
        }
    }

    private sealed class CollectingStore(InProcessSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref server.receiving);
            if (server.AcceptDelay > TimeSpan.Zero)
            {
                await Task.Delay(server.AcceptDelay, cancellationToken);
            }

            using var stream = new MemoryStream(buffer.ToArray());
            server.Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
