using System.Runtime.InteropServices;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The LSH index in memory: for each band key, the stories that have it (their time and cluster).
/// Built from cluster_members, where each story keeps its band keys: it holds every undated story
/// and every story dated at or after <see cref="Horizon"/>, which starts a few days before the
/// newest story and moves back when a read's window starts earlier (<see cref="NeedsFrom"/>). It
/// moves forward again only when the rows outgrow <see cref="MaxRows"/>: a first poll's feeds list
/// stories months apart, and moving it with each newer story made each older one load its rows again.
/// Each key's dated rows are kept in (time, story) order, its undated rows in story order.
/// </summary>
/// <remarks>
/// A table of band rows was read per story before (a query over ten million rows with a million
/// stories stored) and written per story (ten random B-tree leaves, each rewritten in the log and
/// at the checkpoint); both cost more than the rest of an assignment together.
/// </remarks>
internal sealed class BandIndex
{
    /// <summary>
    /// How far back from the newest story rows are loaded at first: the default window (72 hours
    /// either side) of any story dated within a day of the newest. About 2,740 stories a day of 10
    /// rows each is 110,000 rows.
    /// </summary>
    public static readonly long InitialSpanSeconds = (long)TimeSpan.FromDays(4).TotalSeconds;

    /// <summary>The dated rows kept (about 50 bytes each with their lists) before old ones are dropped.</summary>
    internal const long MaxRows = 1_000_000;

    // Rows older than the initial span are dropped an hour of story time at a time, not on every story.
    private const long EvictionStepSeconds = 3600;

    /// <summary>
    /// The most dated rows one band key keeps; beyond it, its oldest quarter is dropped. A read takes
    /// the few of a key's rows nearest the story's time (<see cref="Core.Stories.Clustering.ClusteringOptions.CandidatesPerBand"/>,
    /// 3 by default), so only a story dated before most of a key's rows misses some; and a key
    /// that thousands of stories share within days says little about any of them. Without the cap,
    /// such a key's list grew with the store, and each story arriving out of time order (a feed
    /// lists newest first) moved most of it.
    /// </summary>
    internal const int MaxDatedRowsPerBand = 256;

    private readonly Dictionary<long, List<BandRow>> dated = [];
    private readonly Dictionary<long, List<BandRow>> undated = [];
    private readonly Dictionary<long, long> mergedInto;

    // Rank's counts, kept between calls so that their tables are not grown again for every story.
    private readonly Dictionary<long, int> hits = [];
    private readonly Dictionary<long, int> live = [];
    private readonly List<(long ClusterId, int Shared)> mostHit = [];
    private readonly List<(long ClusterId, int Shared)> ranked = [];
    private long[] sortKeys = new long[256];
    private long newest;
    private long datedRows;

    /// <param name="horizon">The earliest time (unix seconds) from which every dated story will be added.</param>
    /// <param name="newest">The newest story's time.</param>
    /// <param name="mergedInto">Each merged cluster and the cluster it merged into.</param>
    public BandIndex(long horizon, long newest, Dictionary<long, long> mergedInto)
    {
        Horizon = horizon;
        this.newest = newest;
        this.mergedInto = mergedInto;
    }

    /// <summary>Every dated story at or after this time (unix seconds) is here.</summary>
    public long Horizon { get; private set; }

    /// <summary>The earliest time a read needs loaded that is not: null when the rows are all here.</summary>
    public long? NeedsFrom(long from) => from < Horizon ? from : null;

    /// <summary>Moves the horizon back to <paramref name="from"/>: the caller then adds the stories from there up to the old horizon.</summary>
    public void Extended(long from) => Horizon = Math.Min(Horizon, from);

    /// <summary>Adds a story's band keys; <paramref name="at"/> null for an undated story.</summary>
    public void Add(IReadOnlyList<long> bands, long? at, long storyId, long clusterId) => Add(Keys(bands), at, storyId, clusterId);

    /// <inheritdoc cref="Add(IReadOnlyList{long}, long?, long, long)"/>
    public void Add(ReadOnlySpan<long> bands, long? at, long storyId, long clusterId)
    {
        if (at is { } time && time < Horizon)
        {
            return;
        }

        var rows = at is null ? undated : dated;
        var row = new BandRow(at ?? 0, storyId, clusterId);
        foreach (var band in bands)
        {
            if (!rows.TryGetValue(band, out var list))
            {
                list = new List<BandRow>(4);
                rows[band] = list;
            }

            // Stories arrive in time order mostly, so the new row usually goes at the end.
            var count = list.Count;
            if (count == 0 || default(ByTimeAndStory).Compare(list[^1], row) < 0)
            {
                list.Add(row);
            }
            else
            {
                var position = CollectionsMarshal.AsSpan(list).BinarySearch(row, default(ByTimeAndStory));
                if (position < 0)
                {
                    list.Insert(~position, row);
                }
            }

            if (at is not null && list.Count > MaxDatedRowsPerBand)
            {
                list.RemoveRange(0, MaxDatedRowsPerBand / 4);
            }

            if (at is not null)
            {
                datedRows += list.Count - count;
            }
        }

        if (at is { } dateAt && dateAt > newest)
        {
            newest = dateAt;
            // Written so that a horizon of long.MinValue (an empty index at load) cannot overflow.
            if (datedRows > MaxRows && newest - InitialSpanSeconds - EvictionStepSeconds > Horizon)
            {
                Evict(newest - InitialSpanSeconds);
            }
        }
    }

    /// <summary>Records that <paramref name="absorbed"/> merged into <paramref name="cluster"/>: rows naming it count for the live one.</summary>
    public void Merged(long absorbed, long cluster) => mergedInto[absorbed] = cluster;

    /// <summary>
    /// The candidate clusters for the keys (a list this index keeps and fills again on the next call): per key, its
    /// <paramref name="perBand"/> dated rows within [<paramref name="from"/>, <paramref name="to"/>]
    /// nearest in time to <paramref name="near"/> (the newest when it is null), with every row of the
    /// same time as the first and the last taken, and its <paramref name="perBand"/> newest undated
    /// rows; the clusters those rows name, the most hit first, counted again by the live cluster
    /// each merged into; the <paramref name="maxClusters"/> hit most, ties by id.
    /// </summary>
    /// <remarks>
    /// Nearest rather than newest: a feed lists its archive newest first, so a first poll (or the
    /// catch-up after one) adds stories of every time, and a key that many stories share holds, at
    /// the end of a story's window, stories days newer than it. The newest rows were those, and two
    /// outlets' copies of one story were left apart: on the shared bench's first poll, 9% of the
    /// copies' B³ recall (46% nearest). Stories placed as they come, in time order, find the same
    /// rows either way, and a key's rows of one time (feeds that give only dates) are all taken
    /// either way.
    /// </remarks>
    public List<(long ClusterId, int Shared)> Rank(IReadOnlyList<long> bands, long from, long to, long? near, int perBand, int maxClusters)
    {
        hits.Clear();
        foreach (var band in Keys(bands))
        {
            if (dated.TryGetValue(band, out var list))
            {
                var rows = CollectionsMarshal.AsSpan(list);
                var (start, end) = near is { } at ? Nearest(rows, from, to, at, perBand) : Newest(rows, from, to, perBand);
                Count(hits, list, start, end);
            }

            if (undated.Count > 0 && undated.TryGetValue(band, out var undatedList))
            {
                Count(hits, undatedList, Math.Max(0, undatedList.Count - perBand), undatedList.Count);
            }
        }

        // Merged clusters are counted under the cluster they merged into, the most-hit ones first
        // (twice as many as asked for, so that merging cannot leave fewer than asked). When none
        // of them merged, the most hit of those are the answer as they are.
        var mostHitFirst = MostHit(hits, 2 * maxClusters, mostHit);
        if (!AnyMerged(mostHitFirst))
        {
            if (mostHitFirst.Count > maxClusters)
            {
                mostHitFirst.RemoveRange(maxClusters, mostHitFirst.Count - maxClusters);
            }

            return mostHitFirst;
        }

        live.Clear();
        foreach (var (cluster, count) in mostHitFirst)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(live, Live(cluster), out _) += count;
        }

        return MostHit(live, maxClusters, ranked);
    }

    /// <summary>
    /// The rows of a key's dated list (in time order) that a read takes: those within
    /// [<paramref name="from"/>, <paramref name="to"/>], from the newest down to the
    /// <paramref name="perBand"/>-th newest with the rows of that same time. Most reads' windows
    /// hold the whole list, or its newest end: the ends are checked before any search, which would
    /// touch a row in each of the list's cache lines on the way.
    /// </summary>
    private static (int Start, int End) Newest(ReadOnlySpan<BandRow> rows, long from, long to, int perBand)
    {
        var end = rows.Length == 0 || rows[^1].At <= to ? rows.Length : FirstAfter(rows, to);
        var start = end == 0 || rows[0].At >= from ? 0 : FirstAtOrAfter(rows, from, 0, end);
        if (end - start > perBand)
        {
            var cut = end - perBand;
            var at = rows[cut].At;
            start = rows[cut - 1].At < at ? cut : FirstAtOrAfter(rows, at, start, end);
        }

        return (start, end);
    }

    /// <summary>
    /// The rows of a key's dated list (in time order) that a read takes: the <paramref name="perBand"/>
    /// within [<paramref name="from"/>, <paramref name="to"/>] nearest in time to
    /// <paramref name="near"/> (on a tie, the earlier one: stories come in time order mostly, so it
    /// is the one placed before), widened to every row of the same time as the first and the last.
    /// </summary>
    private static (int Start, int End) Nearest(ReadOnlySpan<BandRow> rows, long from, long to, long near, int perBand)
    {
        var end = rows.Length == 0 || rows[^1].At <= to ? rows.Length : FirstAfter(rows, to);
        var start = end == 0 || rows[0].At >= from ? 0 : FirstAtOrAfter(rows, from, 0, end);
        if (end - start <= perBand)
        {
            return (start, end);
        }

        // The rows up to low are at or before the story's time, those from high after it.
        var low = rows[end - 1].At <= near ? end : Math.Max(start, FirstAfter(rows[..end], near));
        var high = low;
        while (high - low < perBand)
        {
            if (low > start && (high == end || near - rows[low - 1].At <= rows[high].At - near))
            {
                low--;
            }
            else
            {
                high++;
            }
        }

        while (low > start && rows[low - 1].At == rows[low].At)
        {
            low--;
        }

        while (high < end && rows[high].At == rows[high - 1].At)
        {
            high++;
        }

        return (low, high);
    }

    /// <summary>Whether one of <paramref name="clusters"/> merged into another: its hits then count for the live one.</summary>
    private bool AnyMerged(List<(long ClusterId, int Shared)> clusters)
    {
        if (mergedInto.Count == 0)
        {
            return false;
        }

        foreach (var (cluster, _) in clusters)
        {
            if (mergedInto.ContainsKey(cluster))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The keys as a span: a story's keys are an array; walking them through the list interface cost an enumerator and a call a key.</summary>
    private static ReadOnlySpan<long> Keys(IReadOnlyList<long> bands) => bands as long[] ?? [.. bands];

    /// <summary>
    /// The <paramref name="take"/> entries with the most hits, ties by cluster id (a total order, as
    /// each cluster is there once), in <paramref name="into"/>: a list kept for the purpose, valid
    /// until the next call.
    /// </summary>
    /// <remarks>
    /// Each entry is sorted as one number, its misses (the most a count can be, less its count) in
    /// the high half and its cluster id in the low: the runtime sorts primitives without a comparer
    /// call a comparison, and a sort with a comparer allocated a delegate a story. Cluster ids are
    /// handed out from 1 up, so they fit; were one not to, the entries are sorted with the comparer.
    /// </remarks>
    private List<(long ClusterId, int Shared)> MostHit(Dictionary<long, int> counts, int take, List<(long ClusterId, int Shared)> into)
    {
        into.Clear();
        if (sortKeys.Length < counts.Count)
        {
            sortKeys = new long[Math.Max(counts.Count, sortKeys.Length * 2)];
        }

        var keys = sortKeys.AsSpan(0, counts.Count);
        var count = 0;
        foreach (var (cluster, hit) in counts)
        {
            if ((ulong)cluster > uint.MaxValue)
            {
                return MostHitByComparer(counts, take, into);
            }

            keys[count++] = ((long)(int.MaxValue - hit) << 32) | cluster;
        }

        keys.Sort();
        foreach (var key in keys[..Math.Min(take, keys.Length)])
        {
            into.Add((key & uint.MaxValue, int.MaxValue - (int)(key >>> 32)));
        }

        return into;
    }

    private static List<(long ClusterId, int Shared)> MostHitByComparer(Dictionary<long, int> counts, int take, List<(long ClusterId, int Shared)> into)
    {
        into.Clear();
        foreach (var (cluster, count) in counts)
        {
            into.Add((cluster, count));
        }

        CollectionsMarshal.AsSpan(into).Sort(new MostHitFirst());
        if (into.Count > take)
        {
            into.RemoveRange(take, into.Count - take);
        }

        return into;
    }

    private static void Count(Dictionary<long, int> hits, List<BandRow> list, int start, int end)
    {
        foreach (var row in CollectionsMarshal.AsSpan(list)[start..end])
        {
            CollectionsMarshal.GetValueRefOrAddDefault(hits, row.ClusterId, out _)++;
        }
    }

    private static int FirstAfter(ReadOnlySpan<BandRow> rows, long at)
    {
        int low = 0, high = rows.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (rows[middle].At <= at)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static int FirstAtOrAfter(ReadOnlySpan<BandRow> rows, long at, int start, int end)
    {
        int low = start, high = end;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (rows[middle].At < at)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The live cluster <paramref name="cluster"/> is part of: itself, or the one it merged into.</summary>
    public long Live(long cluster)
    {
        // A merge re-points the clusters merged into the absorbed one, so chains stay short.
        while (mergedInto.TryGetValue(cluster, out var next))
        {
            cluster = next;
        }

        return cluster;
    }

    private void Evict(long horizon)
    {
        Horizon = horizon;
        var emptied = new List<long>();
        foreach (var (band, list) in dated)
        {
            var keep = FirstAtOrAfter(CollectionsMarshal.AsSpan(list), horizon, 0, list.Count);
            datedRows -= keep;
            if (keep == list.Count)
            {
                emptied.Add(band);
            }
            else if (keep > 0)
            {
                list.RemoveRange(0, keep);
            }
        }

        foreach (var band in emptied)
        {
            dated.Remove(band);
        }
    }

    private readonly record struct BandRow(long At, long StoryId, long ClusterId);

    /// <summary>Most hits first, ties by cluster id (a struct, so that the sort calls it directly).</summary>
    private readonly struct MostHitFirst : IComparer<(long ClusterId, int Shared)>
    {
        public int Compare((long ClusterId, int Shared) x, (long ClusterId, int Shared) y) =>
            x.Shared != y.Shared ? y.Shared.CompareTo(x.Shared) : x.ClusterId.CompareTo(y.ClusterId);
    }

    /// <summary>Rows in (time, story) order.</summary>
    private readonly struct ByTimeAndStory : IComparer<BandRow>
    {
        public int Compare(BandRow x, BandRow y) => x.At != y.At ? x.At.CompareTo(y.At) : x.StoryId.CompareTo(y.StoryId);
    }
}
