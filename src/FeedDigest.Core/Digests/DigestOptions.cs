namespace FeedDigest.Core.Digests;

public sealed class DigestOptions
{
    public const string SectionName = "FeedDigest:Digests";

    /// <summary>How often the digest job looks for subscribers whose digest is due.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most stories one digest lists; the digest says how many more there were.</summary>
    public int MaxStoriesPerDigest { get; set; } = 50;

    /// <summary>Summaries are cut to about this many characters, on a word boundary.</summary>
    public int SummaryLength { get; set; } = 300;

    /// <summary>A new subscriber's first digest covers stories first seen this long before they were added.</summary>
    public TimeSpan NewSubscriberLookback { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long after a failed send the digest is tried again (doubling each time).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After this many permanent failures in a row (the server refused the subscriber's address
    /// with a 5xx) the subscriber is suspended and the admin told; `feeddigest digest resume` lifts it.
    /// </summary>
    public int SuspendAfterPermanentFailures { get; set; } = 3;

    /// <summary>
    /// A folder holding <c>digest.html.liquid</c> and/or <c>digest.txt.liquid</c> to use instead of the
    /// built-in templates (a missing file keeps the built-in one); relative to the working folder.
    /// Read and checked at start: a template that does not parse stops the start with its file and error.
    /// </summary>
    public string? TemplatesFolder { get; set; }

    public IEnumerable<string> Validate()
    {
        if (SuspendAfterPermanentFailures is < 1 or > 100)
        {
            yield return $"{SectionName}:SuspendAfterPermanentFailures must be between 1 and 100 (it is {SuspendAfterPermanentFailures}).";
        }

        if (TickInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{SectionName}:TickInterval must be at least 00:00:01 (it is {TickInterval}).";
        }

        if (MaxStoriesPerDigest is < 1 or > 1000)
        {
            yield return $"{SectionName}:MaxStoriesPerDigest must be between 1 and 1000 (it is {MaxStoriesPerDigest}).";
        }

        if (SummaryLength is < 20 or > 5000)
        {
            yield return $"{SectionName}:SummaryLength must be between 20 and 5000 (it is {SummaryLength}).";
        }

        if (NewSubscriberLookback < TimeSpan.Zero)
        {
            yield return $"{SectionName}:NewSubscriberLookback must not be negative (it is {NewSubscriberLookback}).";
        }

        if (RetryInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{SectionName}:RetryInterval must be at least 00:00:01 (it is {RetryInterval}).";
        }
    }
}
