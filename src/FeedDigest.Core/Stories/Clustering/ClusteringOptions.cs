using System.Globalization;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// How stories from different feeds are grouped into one cluster per event. Only
/// <see cref="Threshold"/> and <see cref="MergeThreshold"/> were chosen by measurement (see
/// bench/README.md, "Story clustering"); the others bound the work and storage of one assignment,
/// and the score barely moves with them. Changing <see cref="Bands"/> or <see cref="RowsPerBand"/>
/// changes every band key, so stories indexed before the change are no longer found: clear the
/// clustering tables when changing them.
/// </summary>
public sealed class ClusteringOptions
{
    public const string SectionName = "FeedDigest:Clustering";

    /// <summary>
    /// Whether new stories are placed in clusters at all. Off, each story is listed on its own in
    /// digests (as it is until clustered) and clustering costs nothing; turned on again, the
    /// stories stored meanwhile are clustered at the next poll or digest run.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The least cosine similarity, over IDF-weighted terms, between a new story and a cluster's
    /// centroid for the story to join that cluster. Lower joins more (and wrongly more often).
    /// </summary>
    public double Threshold { get; set; } = 0.22;

    /// <summary>
    /// When a new story is at least <see cref="Threshold"/> similar to several clusters, the others
    /// merge into the one it joins if their centroids' cosine similarity reaches this. Stories of
    /// one event that arrived before its common words were known start separate clusters; a later
    /// story that matches both joins them. 1 merges only identical centroids (in effect, never).
    /// </summary>
    public double MergeThreshold { get; set; } = 0.3;

    /// <summary>
    /// How much more like a cluster than like the background of its writing system (a decaying
    /// average of the recent stories) a story must be to join it. Guards against feeds written from
    /// a template, whose unrelated items all resemble each other; 0 asks only that the cluster be
    /// at least as like it as the background, and the background never lowers <see cref="Threshold"/>.
    /// </summary>
    public double BackgroundMargin { get; set; } = 0.1;

    /// <summary>
    /// How alike a story must be to join a cluster mostly of its own feed's stories (<see cref="MainSource"/>).
    /// A feed written from a template (quake alerts, release notes, scores) makes its unrelated items
    /// alike enough for <see cref="Threshold"/>, and among other feeds' stories the background of its
    /// writing system is not its template. One outlet's follow-ups of a story join each other when
    /// this alike, and a cluster other outlets share at <see cref="Threshold"/>.
    /// </summary>
    public double SameSourceThreshold { get; set; } = 0.65;

    /// <summary>
    /// A story joins a cluster only through members dated within this much of it, either side.
    /// A story without a date is compared with every stored story.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(72);

    /// <summary>LSH bands over the MinHash signature; the signature has Bands × RowsPerBand values.</summary>
    public int Bands { get; set; } = 16;

    /// <summary>
    /// MinHash values per band. One finds stories sharing a single sampled term, which stories
    /// about one event with different wording need; the verification step does the filtering.
    /// </summary>
    public int RowsPerBand { get; set; } = 1;

    /// <summary>The most terms a cluster's centroid keeps (the heaviest); bounds storage and work per cluster.</summary>
    public int CentroidTerms { get; set; } = 64;

    /// <summary>
    /// The stories read per band key: those nearest in time to the story, within the window; bounds
    /// the work on common terms.
    /// Since stories are also compared with the background, 3 and 8 clusters (were 10 and 16) score
    /// as well on the DEV set and better on template feeds, for a sixth less work (bench/README.md,
    /// "Fourteenth session").
    /// </summary>
    public int CandidatesPerBand { get; set; } = 3;

    /// <summary>The most clusters verified per new story, those sharing the most band keys with it first.</summary>
    public int MaxCandidateClusters { get; set; } = 8;

    public IEnumerable<string> Validate()
    {
        if (double.IsNaN(Threshold) || Threshold is <= 0 or > 1)
        {
            yield return $"{SectionName}:Threshold must be above 0 and at most 1 (it is {Threshold.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (double.IsNaN(MergeThreshold) || MergeThreshold is <= 0 or > 1)
        {
            yield return $"{SectionName}:MergeThreshold must be above 0 and at most 1 (it is {MergeThreshold.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (double.IsNaN(BackgroundMargin) || BackgroundMargin is < 0 or > 1)
        {
            yield return $"{SectionName}:BackgroundMargin must be at least 0 and at most 1 (it is {BackgroundMargin.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (double.IsNaN(SameSourceThreshold) || SameSourceThreshold is < 0 or > 1)
        {
            yield return $"{SectionName}:SameSourceThreshold must be at least 0 and at most 1 (it is {SameSourceThreshold.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromDays(365))
        {
            yield return $"{SectionName}:Window must be above 00:00:00 and at most 365 days (it is {Window}).";
        }

        if (Bands is < 1 or > 256)
        {
            yield return $"{SectionName}:Bands must be between 1 and 256 (it is {Bands}).";
        }

        if (RowsPerBand is < 1 or > 8)
        {
            yield return $"{SectionName}:RowsPerBand must be between 1 and 8 (it is {RowsPerBand}).";
        }

        if (CentroidTerms is < 8 or > 1024)
        {
            yield return $"{SectionName}:CentroidTerms must be between 8 and 1024 (it is {CentroidTerms}).";
        }

        if (CandidatesPerBand is < 1 or > 1000)
        {
            yield return $"{SectionName}:CandidatesPerBand must be between 1 and 1000 (it is {CandidatesPerBand}).";
        }

        if (MaxCandidateClusters is < 1 or > 1000)
        {
            yield return $"{SectionName}:MaxCandidateClusters must be between 1 and 1000 (it is {MaxCandidateClusters}).";
        }
    }
}
