using FeedDigest.Infrastructure.Threading;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedDigest.Tests.Threading;

public sealed class LowPriorityThreadTests
{
    [Fact]
    public async Task RunAsync_RunsEachPieceOnItsOwnThread_OneAtATime()
    {
        using var runner = new LowPriorityThread(NullLogger<LowPriorityThread>.Instance);
        var running = 0;
        var mostAtOnce = 0;

        async Task<string?> PieceAsync(CancellationToken token)
        {
            mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            await Task.CompletedTask;
            return Thread.CurrentThread.Name;
        }

        var names = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => runner.RunAsync(PieceAsync, CancellationToken.None)));

        Assert.All(names, name => Assert.Equal("FeedDigest low priority", name));
        Assert.Equal(1, mostAtOnce);
    }

    [Fact]
    public async Task RunAsync_WorkThatFails_FailsTheCallerAndTheThreadGoesOn()
    {
        using var runner = new LowPriorityThread(NullLogger<LowPriorityThread>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync<int>(_ => throw new InvalidOperationException("a bug"), CancellationToken.None));

        Assert.Equal(42, await runner.RunAsync(_ => Task.FromResult(42), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_Cancelled_EndsAsCancelled()
    {
        using var runner = new LowPriorityThread(NullLogger<LowPriorityThread>.Instance);
        using var cancellation = new CancellationTokenSource();

        var cancelled = runner.RunAsync(
            token =>
            {
                cancellation.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.FromResult(0);
            },
            cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }
}
