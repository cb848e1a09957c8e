using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// The moment a stop stops waiting. Quartz waits for running jobs without a limit, so a send to a
/// server that hangs would hold a stop past systemd's TimeoutStopSec and end in a SIGKILL. Jobs run
/// on this token: it is cancelled once the stop has waited 90% of HostOptions.ShutdownTimeout, so
/// the work under way gets that long to finish, and what is not done (a digest claimed but not sent,
/// feeds not reached) stays in the database for the next start.
/// </summary>
internal sealed class ShutdownDeadline : IDisposable
{
    private readonly CancellationTokenSource deadline = new();
    private readonly CancellationTokenRegistration registration;
    private ITimer? timer;

    public ShutdownDeadline(IHostApplicationLifetime lifetime, IOptions<HostOptions> hostOptions, TimeProvider clock)
    {
        var grace = hostOptions.Value.ShutdownTimeout * 0.9;
        registration = lifetime.ApplicationStopping.Register(() => timer = clock.CreateTimer(_ => deadline.Cancel(), null, grace, Timeout.InfiniteTimeSpan));
    }

    public CancellationToken Token => deadline.Token;

    public void Dispose()
    {
        registration.Dispose();
        timer?.Dispose();
        deadline.Dispose();
    }
}
