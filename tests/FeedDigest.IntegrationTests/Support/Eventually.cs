using System.Diagnostics;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>Waits for something a background service does, with a deadline instead of a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout) =>
        await WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    /// <summary>
    /// Waits while letting a fake clock run: Quartz schedules on the injected TimeProvider too, so a
    /// test that jumps the clock must keep it moving for the scheduler's next ticks to come.
    /// </summary>
    public static Task<bool> WaitWhileTickingAsync(Func<bool> condition, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, TimeSpan step, TimeSpan timeout) =>
        WaitUntilAsync(
            () =>
            {
                clock.Advance(step);
                return Task.FromResult(condition());
            },
            timeout);

    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}
