using FeedDigest.FaultRun;
using FeedDigest.IntegrationTests.Support;
using Xunit.Abstractions;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// The short version of the exactly-once fault run (bench/FeedDigest.FaultRun; the long one and its
/// figures are in bench/README.md): the built feeddigest process, fed by changing feeds and sending
/// to an SMTP server, is killed with SIGKILL at random moments and started again; afterwards every
/// subscriber must have every story matching their topics, none in two digests.
/// </summary>
public sealed class ExactlyOnceFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KilledAtRandomMoments_EveryMatchingStoryArrivesOnceAtEachSubscriber()
    {
        using var directory = new TempDirectory();
        var log = new StringWriter();
        var options = new FaultRunOptions
        {
            Kills = 8,
            MaxUptime = TimeSpan.FromSeconds(6),
            // Every feed polled once a minute: the last run's drain stays near a minute.
            PollIntervalSpread = TimeSpan.Zero,
            WorkDirectory = directory.Path,
        };

        var result = await FaultRunner.RunAsync(options, log, CancellationToken.None);

        output.WriteLine(log.ToString());
        output.WriteLine(result.Summary);
        Assert.True(result.Passed, string.Join(Environment.NewLine, result.Problems.Prepend(result.Summary)));
        // The run must have had something to prove: stories matched subscribers and reached them.
        Assert.True(result.ExpectedDeliveries > 20, result.Summary);
    }
}
