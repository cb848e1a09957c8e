using System.Net.Sockets;
using FeedDigest.Core.Ports;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>
/// Sends digests through an SMTP server with MailKit; server refusals come back as values. One
/// connection serves a run's digests one after the other (a new connection per message is what
/// gets a bulk sender throttled) and is closed after <see cref="SmtpOptions.IdleTimeout"/> without
/// a message. Messages are spaced to keep under <see cref="SmtpOptions.MaxMessagesPerMinute"/>.
/// </summary>
internal sealed class SmtpMailSender(IOptionsMonitor<MailOptions> optionsMonitor, DkimMessageSigner signer, TimeProvider timeProvider) : IMailSender, IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;
    private SmtpOptions? connectedWith;
    private ITimer? idleTimer;
    private DateTimeOffset? lastSentAt;

    public async Task<DeliveryResult> SendAsync(OutgoingMessage digest, CancellationToken cancellationToken)
    {
        var options = optionsMonitor.CurrentValue;
        var smtp = options.Smtp;
        if (MimeMessageBuilder.RecipientProblem(digest) is { } problem)
        {
            return new DeliveryResult.PermanentFailure(problem, RecipientRefused: true);
        }

        MimeMessage message;
        try
        {
            message = MimeMessageBuilder.Build(digest, options, signer);
        }
        catch (DkimKeyException exception)
        {
            // Kept in the outbox: it goes out once the key is fixed.
            return new DeliveryResult.TransientFailure(exception.Message);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            idleTimer?.Dispose();
            await WaitForRateAsync(smtp, cancellationToken).ConfigureAwait(false);
            var reused = client is { IsConnected: true } && ReferenceEquals(connectedWith, smtp);
            var result = await TrySendAsync(message, smtp, cancellationToken).ConfigureAwait(false);
            if (reused && result is DeliveryResult.TransientFailure)
            {
                // The server may have closed a connection it found idle: one more try on a new one.
                result = await TrySendAsync(message, smtp, cancellationToken).ConfigureAwait(false);
            }

            lastSentAt = timeProvider.GetUtcNow();
            idleTimer = timeProvider.CreateTimer(_ => _ = CloseWhenIdleAsync(), null, smtp.IdleTimeout, Timeout.InfiniteTimeSpan);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            idleTimer?.Dispose();
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        gate.Dispose();
    }

    /// <summary>For a host disposed synchronously: the connection is dropped without a QUIT.</summary>
    public void Dispose()
    {
        idleTimer?.Dispose();
        client?.Dispose();
        (client, connectedWith) = (null, null);
    }

    private async Task WaitForRateAsync(SmtpOptions smtp, CancellationToken cancellationToken)
    {
        if (smtp.MaxMessagesPerMinute <= 0 || lastSentAt is not { } last)
        {
            return;
        }

        var wait = last + TimeSpan.FromMinutes(1.0 / smtp.MaxMessagesPerMinute) - timeProvider.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DeliveryResult> TrySendAsync(MimeMessage message, SmtpOptions smtp, CancellationToken cancellationToken)
    {
        try
        {
            var connected = await ConnectAsync(smtp, cancellationToken).ConfigureAwait(false);
            await connected.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return new DeliveryResult.Delivered();
        }
        catch (SmtpCommandException exception) when ((int)exception.StatusCode >= 500 && exception.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
        {
            // The server refused the subscriber's address; the connection stays good for the next.
            return new DeliveryResult.PermanentFailure($"{smtp.Host}:{smtp.Port} refused the recipient: {(int)exception.StatusCode} {exception.Message}", RecipientRefused: true);
        }
        catch (SmtpCommandException exception) when ((int)exception.StatusCode >= 500)
        {
            // A refusal of the sender or of the message (MAIL FROM, DATA) is the same for every digest:
            // a setting or the server's policy to fix, not the subscriber's address. Failing it for
            // good would lose the digest's stories; it waits in the outbox, retried with back-off.
            return new DeliveryResult.TransientFailure(
                $"{smtp.Host}:{smtp.Port} refused the sender or the message: {(int)exception.StatusCode} {exception.Message}; check Mail:From and the server's rules for it");
        }
        catch (ServiceNotAuthenticatedException exception)
        {
            // 530: the server wants a login before it takes mail.
            await CloseAsync().ConfigureAwait(false);
            return new DeliveryResult.TransientFailure($"{smtp.Host}:{smtp.Port} requires authentication ({exception.Message}); set Mail:Smtp:UserName and Mail:Smtp:Password");
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or AuthenticationException or SslHandshakeException or TimeoutException
            // A UserName set for a server that offers no AUTH: a setting to fix, the digest waits in the outbox.
            or NotSupportedException)
        {
            await CloseAsync().ConfigureAwait(false);
            return new DeliveryResult.TransientFailure($"{smtp.Host}:{smtp.Port}: {exception.Message}");
        }
    }

    private async Task<SmtpClient> ConnectAsync(SmtpOptions smtp, CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true } && ReferenceEquals(connectedWith, smtp))
        {
            return client;
        }

        await CloseAsync().ConfigureAwait(false);
        var fresh = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            var security = Enum.Parse<SecureSocketOptions>(smtp.Security, ignoreCase: true);
            await fresh.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await fresh.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            fresh.Dispose();
            throw;
        }

        (client, connectedWith) = (fresh, smtp);
        return fresh;
    }

    private async Task CloseWhenIdleAsync()
    {
        if (!await gate.WaitAsync(0).ConfigureAwait(false))
        {
            // A send is under way: it schedules the next idle close itself.
            return;
        }

        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CloseAsync()
    {
        if (client is null)
        {
            return;
        }

        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException or SmtpCommandException)
        {
            // The connection is being dropped either way.
        }
        finally
        {
            client.Dispose();
            (client, connectedWith) = (null, null);
        }
    }
}
