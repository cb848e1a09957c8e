using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace FeedDigest.FaultRun;

/// <summary>One message the sink accepted for one recipient: its Message-ID and the story ids its links name.</summary>
public sealed record AcceptedDigest(string MessageId, string Recipient, IReadOnlySet<string> StoryIds);

/// <summary>
/// An SMTP server on 127.0.0.1 that records each message it accepts, per envelope recipient. A
/// message counts as accepted only once the server has answered 250 to its DATA: that is the moment
/// after which a crash of the sender can make the same digest go out again.
/// </summary>
public sealed partial class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly SmtpServer.SmtpServer server;
    private readonly Task running;
    private readonly Lock gate = new();
    private readonly List<AcceptedDigest> accepted = [];

    private SmtpSink(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new RecordingStore(this));
        server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stopping.Token);
    }

    public int Port { get; }

    public static SmtpSink Start()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new SmtpSink(port);
    }

    public IReadOnlyList<AcceptedDigest> Snapshot()
    {
        lock (gate)
        {
            return accepted.ToList();
        }
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
        catch (TimeoutException)
        {
        }

        stopping.Dispose();
    }

    /// <summary>The story ids in a digest: the last path segment of each link to the feed server's items.</summary>
    public static IReadOnlySet<string> StoryIds(MimeMessage message)
    {
        var body = message.TextBody ?? message.HtmlBody ?? string.Empty;
        return ItemLink().Matches(body).Select(m => m.Groups["id"].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"/items/(?<id>s\d+)")]
    private static partial Regex ItemLink();

    private sealed class RecordingStore(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var storyIds = StoryIds(message);
            lock (sink.gate)
            {
                foreach (var recipient in transaction.To)
                {
                    sink.accepted.Add(new AcceptedDigest(message.MessageId ?? string.Empty, $"{recipient.User}@{recipient.Host}".ToLowerInvariant(), storyIds));
                }
            }

            return SmtpResponse.Ok;
        }
    }
}
