namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// The source (feed) most of a cluster's stories came from, as far as one counter can tell: the
/// majority vote of Boyer and Moore over the stories' sources, in the order they joined. A story
/// from the main source adds one to <see cref="Lead"/>, one from another takes one off (and
/// replaces the main source when the lead is gone). A source with more than half of the stories
/// is always the main one; <see cref="Lead"/> is at most its count (and at least its count less
/// the others').
/// </summary>
/// <remarks>
/// A feed written from a template (quake alerts, release notes, scores) makes its unrelated items
/// alike enough to join one cluster, and among other feeds' stories the background of their writing
/// system is not its template. So a cluster mostly of the story's own feed takes it only at
/// <see cref="ClusteringOptions.SameSourceThreshold"/>. Mostly and not only: one other outlet's
/// story (a real quake's report) in such a cluster would otherwise open it to every alert.
/// A lead of one is taken as "mostly" too, though the last of three outlets' copies of one story
/// has it: that outlet's next story (a follow-up) then needs the feed's own bar, so whether it
/// joins depends on the order the copies joined in. The same state is a quake-alerts feed's alert
/// joining two outlets' reports last, whose next, unrelated alert must not join at the usual
/// threshold; one counter cannot tell the two apart (tried and reverted: bench/README.md).
/// </remarks>
/// <param name="Key">The main source's key (<see cref="KeyOf"/>), null when there is none (no story's source was known).</param>
/// <param name="Lead">The vote's counter: the main source's stories since it took the lead, less the others' since.</param>
public readonly record struct MainSource(long? Key, long Lead)
{
    /// <summary>A source as the index stores it: a stable 64-bit hash (string.GetHashCode differs between processes).</summary>
    public static long? KeyOf(string? source) => string.IsNullOrEmpty(source) ? null : TermHash.Of(source);

    /// <summary>A new cluster's: its one story's source.</summary>
    public static MainSource Of(long? source) => source is null ? default : new(source, 1);

    /// <summary>Whether a story from <paramref name="source"/> joining this cluster would join mostly its own feed's stories.</summary>
    public bool IsMostly(long? source) => source is not null && Key == source && Lead > 0;

    /// <summary>With one more story, from <paramref name="source"/> (null when not known, which counts for none).</summary>
    public MainSource With(long? source) => source is null ? this : Merge(Of(source));

    /// <summary>Two clusters' together: the votes of both.</summary>
    public MainSource Merge(MainSource other)
    {
        if (Key == other.Key)
        {
            return new(Key, Lead + other.Lead);
        }

        return Lead >= other.Lead ? new(Key, Lead - other.Lead) : new(other.Key, other.Lead - Lead);
    }
}
