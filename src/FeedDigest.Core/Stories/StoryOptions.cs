namespace FeedDigest.Core.Stories;

/// <summary>How stories are recognised, kept and forgotten (configuration: <c>FeedDigest:Stories</c>).</summary>
public sealed class StoryOptions
{
    public const string SectionName = "FeedDigest:Stories";

    /// <summary>
    /// On the first fetch that brings a feed's items (not merely its first successful fetch: that may
    /// have been empty) only items published within this window count as new; older ones are
    /// stored as already seen, so adding a feed with a long archive does not flood the next digests.
    /// </summary>
    public TimeSpan NewFeedWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Stories first seen longer ago are deleted; their keys stay, so they never come back as new.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    public EditedStoryPolicy EditedStories { get; set; } = EditedStoryPolicy.Ignore;

    /// <summary>Query parameters dropped from links besides utm_*, fbclid, gclid, mc_cid, mc_eid, igshid and the like.</summary>
    public List<string> TrackingParameters { get; set; } = [];

    public IReadOnlySet<string> TrackingParameterSet => new HashSet<string>(TrackingParameters.Select(p => p.Trim()), StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Validate()
    {
        if (NewFeedWindow < TimeSpan.Zero)
        {
            yield return $"{SectionName}:NewFeedWindow must not be negative (it is {NewFeedWindow}).";
        }

        if (Retention < TimeSpan.FromDays(1))
        {
            yield return $"{SectionName}:Retention must be at least 1.00:00:00 (it is {Retention}); digests need the stories they list.";
        }

        foreach (var name in TrackingParameters.Where(string.IsNullOrWhiteSpace))
        {
            yield return $"{SectionName}:TrackingParameters holds an empty name \"{name}\".";
        }
    }
}
