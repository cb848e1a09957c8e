using System.Globalization;
using FeedDigest.Core.Polling;

namespace FeedDigest.Service.Jobs;

/// <summary>What a poll did, how long it took, and how many of its stories were clustered alongside and how long after it.</summary>
internal sealed record PollOutcome(PollReport Report, TimeSpan PollTook, int Clustered, TimeSpan ClusteredAfter)
{
    /// <summary>The line <c>poll --once</c> prints.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Report.FeedsChecked} feeds checked, {Report.FeedsFailed} failed, {Report.NewStories} new stories, in {PollTook.TotalSeconds:F2} s; {Clustered} stories clustered alongside, the last of them {ClusteredAfter.TotalSeconds:F2} s after.");

    /// <summary>0 when every feed was read, 3 when some failed (their errors are in <c>feeds list</c>).</summary>
    public int ExitCode => Report.FeedsFailed == 0 ? 0 : 3;
}
