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

    [Fact]
    public void Tally_TellsTheWindowFromDuplicatesAndLosses()
    {
        var published = new List<PublishedItem>
        {
            new("s00000", 0, "aurora", DateTimeOffset.UnixEpoch),
            new("s00001", 0, "aurora", DateTimeOffset.UnixEpoch),
            new("s00002", 1, "basalt", DateTimeOffset.UnixEpoch),
            new("s00003", 1, null, DateTimeOffset.UnixEpoch),
        };
        var expected = FaultRunner.Expected(published);
        var accepted = new List<AcceptedDigest>
        {
            // The window: one digest accepted twice under its Message-ID.
            new("<d1@feeddigest>", "ana@example.org", new HashSet<string> { "s00000" }),
            new("<d1@feeddigest>", "ana@example.org", new HashSet<string> { "s00000" }),
            // A duplicate: s00000 again, in another digest.
            new("<d2@feeddigest>", "ana@example.org", new HashSet<string> { "s00000", "s00001" }),
            // Unexpected: ben has no topic matching s00003.
            new("<d3@feeddigest>", "ben@example.org", new HashSet<string> { "s00003" }),
        };

        var result = FaultRunner.Tally(1, 0, published, 0, expected, accepted, [], "unused");

        // aurora reaches ana and chen, basalt ben and dora.
        Assert.Equal(6, result.ExpectedDeliveries);
        Assert.Equal(1, result.SameMessageIdRepeats);
        Assert.Equal(1, result.CrossDigestDuplicates);
        Assert.Equal(1, result.Unexpected);
        // Nothing reached chen (s00000, s00001), and s00002 reached neither ben nor dora.
        Assert.Equal(4, result.Losses);
        Assert.Equal(3, result.DigestsAccepted);
        Assert.False(result.Passed);
    }
}
