using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;

namespace FeedDigest.Infrastructure.Threading;

/// <summary>
/// One thread of its own at the lowest CPU priority the operating system gives without privileges
/// (nice 19 on Linux, <see cref="ThreadPriority.Lowest"/> on Windows), running the work given to it
/// one piece at a time. A piece's awaits must complete at once to stay on it: what resumes after a
/// real wait goes on at normal priority on the thread pool (the cluster index's commit does so on
/// purpose, so that a thread the scheduler seldom runs never holds the write turn others wait for).
/// </summary>
internal sealed partial class LowPriorityThread : ILowPriorityRunner, IDisposable
{
    private const int LowestNice = 19;

    private readonly BlockingCollection<Action> queue = [];
    private readonly ILogger<LowPriorityThread> logger;
    private readonly Lock gate = new();
    private Thread? thread;

    public LowPriorityThread(ILogger<LowPriorityThread> logger) => this.logger = logger;

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartOnce();
        queue.Add(() =>
        {
            try
            {
                done.TrySetResult(work(cancellationToken).GetAwaiter().GetResult());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
        }, cancellationToken);
        return done.Task;
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        thread?.Join();
        queue.Dispose();
    }

    private void StartOnce()
    {
        lock (gate)
        {
            if (thread is not null)
            {
                return;
            }

            thread = new Thread(Run) { IsBackground = true, Name = "FeedDigest low priority" };
            thread.Start();
        }
    }

    private void Run()
    {
        Lower();
        foreach (var work in queue.GetConsumingEnumerable())
        {
            work();
        }
    }

    private void Lower()
    {
        if (OperatingSystem.IsWindows())
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
        }
        else if (OperatingSystem.IsLinux() && SetPriority(ProcessPriority, GetThreadId(), LowestNice) != 0)
        {
            // Not worth stopping for: the work runs as fast as before, only without yielding.
            logger.LogInformation("Could not lower the priority of the thread that clusters during polls (errno {Errno}); it runs at normal priority", Marshal.GetLastPInvokeError());
        }
    }

    // On Linux a thread is a task with an id of its own: setpriority's PRIO_PROCESS with that id sets its nice value alone.
    private const int ProcessPriority = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
