namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// The band rows of the last days, in memory beside cluster_bands: the index answers most candidate
/// reads from here instead of a query over ten million rows. It holds every dated row at or after
/// <see cref="Horizon"/>; a read whose window starts earlier, or any read while undated stories are
/// stored, goes to the table. Each key's rows are kept in (time, story) order.
/// </summary>
internal sealed class RecentBands
{
    /// <summary>
    /// How far back from the newest story rows are kept: the default window (72 hours either side)
    /// of any story dated within a day of the newest. About 2,740 stories a day of 10 rows each is
    /// 110,000 rows; reads for older stories (a feed's late items) use the table.
    /// </summary>
    public static readonly long SpanSeconds = (long)TimeSpan.FromDays(4).TotalSeconds;

    // Rows older than the span are dropped an hour of story time at a time, not on every story.
    private const long EvictionStepSeconds = 3600;

    private readonly Dictionary<long, List<BandRow>> rows = [];
    private readonly Dictionary<long, long> mergedInto;
    private long newest;

    public RecentBands(long horizon, long newest, Dictionary<long, long> mergedInto, long documents)
    {
        Horizon = horizon;
        this.newest = newest;
        this.mergedInto = mergedInto;
        Documents = documents;
    }

    /// <summary>Every dated band row at or after this time (unix seconds) is here.</summary>
    public long Horizon { get; private set; }

    /// <summary>The stories clustered when these rows were last known complete: another count means another writer.</summary>
    public long Documents { get; set; }

    public int Count { get; private set; }

    public void Add(long band, long at, long storyId, long clusterId)
    {
        if (at < Horizon)
        {
            return;
        }

        if (!rows.TryGetValue(band, out var list))
        {
            list = new List<BandRow>(4);
            rows[band] = list;
        }

        var row = new BandRow(at, storyId, clusterId);
        // Stories arrive in time order mostly, so the new row usually goes at the end.
        if (list.Count == 0 || Compare(list[^1], row) < 0)
        {
            list.Add(row);
        }
        else
        {
            var position = list.BinarySearch(row, Comparer<BandRow>.Create(Compare));
            if (position >= 0)
            {
                return;
            }

            list.Insert(~position, row);
        }

        Count++;
        if (at > newest)
        {
            newest = at;
            if (newest - SpanSeconds - Horizon > EvictionStepSeconds)
            {
                Evict(newest - SpanSeconds);
            }
        }
    }

    /// <summary>Records that <paramref name="absorbed"/> merged into <paramref name="cluster"/>: rows naming it count for the live one.</summary>
    public void Merged(long absorbed, long cluster) => mergedInto[absorbed] = cluster;

    /// <summary>
    /// The candidate clusters for the keys, as the table's candidate query ranks them: per key its
    /// rows within [<paramref name="from"/>, <paramref name="to"/>] from the newest down to the
    /// <paramref name="perBand"/>-th newest (with rows of that same time); the clusters hit most,
    /// then their live clusters by hits, the most-hit <paramref name="maxClusters"/> first.
    /// </summary>
    public List<(long ClusterId, int Shared)> Rank(IReadOnlyList<long> bands, long from, long to, int perBand, int maxClusters)
    {
        var hits = new Dictionary<long, int>();
        foreach (var band in bands)
        {
            if (!rows.TryGetValue(band, out var list))
            {
                continue;
            }

            var end = FirstAfter(list, to, 0);
            var start = FirstAtOrAfter(list, from, 0, end);
            if (end - start > perBand)
            {
                start = FirstAtOrAfter(list, list[end - perBand].At, start, end);
            }

            for (var i = start; i < end; i++)
            {
                hits[list[i].ClusterId] = hits.GetValueOrDefault(list[i].ClusterId) + 1;
            }
        }

        var live = new Dictionary<long, int>();
        foreach (var (cluster, count) in hits.OrderByDescending(h => h.Value).ThenBy(h => h.Key).Take(2 * maxClusters))
        {
            var id = Live(cluster);
            live[id] = live.GetValueOrDefault(id) + count;
        }

        return live.OrderByDescending(l => l.Value).ThenBy(l => l.Key).Take(maxClusters).Select(l => (l.Key, l.Value)).ToList();
    }

    private static int Compare(BandRow a, BandRow b) => a.At != b.At ? a.At.CompareTo(b.At) : a.StoryId.CompareTo(b.StoryId);

    private static int FirstAfter(List<BandRow> list, long at, int start)
    {
        int low = start, high = list.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (list[middle].At <= at)
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

    private static int FirstAtOrAfter(List<BandRow> list, long at, int start, int end)
    {
        int low = start, high = end;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (list[middle].At < at)
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

    private long Live(long cluster)
    {
        // Merges chain (a cluster merged into one that merged later); the chains are short.
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
        foreach (var (band, list) in rows)
        {
            var keep = FirstAtOrAfter(list, horizon, 0, list.Count);
            if (keep == list.Count)
            {
                emptied.Add(band);
            }
            else if (keep > 0)
            {
                list.RemoveRange(0, keep);
            }

            Count -= keep;
        }

        foreach (var band in emptied)
        {
            rows.Remove(band);
        }
    }

    private readonly record struct BandRow(long At, long StoryId, long ClusterId);
}
