using System.Diagnostics;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>Waits for something a background service does, with a deadline instead of a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout) =>
        await WaitUntilAsync(() => Task.FromResult(condition()), timeout);

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
