namespace FeedDigest.Core.Parsing;

/// <summary>The feed-level fields as the channel's elements are read (see <see cref="ItemDraft"/>).</summary>
internal sealed class FeedDraft
{
    public Candidate<string> Title;
    public Candidate<string> Link;

    /// <summary>RSS &lt;ttl&gt;, already read (<see cref="TimeToLiveReader.FromTtl"/>).</summary>
    public Candidate<TimeSpan> Ttl;

    /// <summary>The syndication module's sy:updatePeriod and sy:updateFrequency, as written (the first of each counts).</summary>
    public string? UpdatePeriod { get; set; }

    public string? UpdateFrequency { get; set; }

    /// <summary>How long the feed may be cached: &lt;ttl&gt; when it is readable, else the syndication module's period.</summary>
    public TimeSpan? TimeToLive =>
        Ttl.HasValue ? Ttl.Value : TimeToLiveReader.FromUpdatePeriod(UpdatePeriod, UpdateFrequency);
}
