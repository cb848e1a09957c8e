using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Timing;
using FeedDigest.Core.Topics;

namespace FeedDigest.Core.Digests;

/// <summary>
/// The new stories of one digest run, read and matched against every topic once and shared by all
/// the subscribers due in it: the stories after the lowest of their cut-offs that match a topic,
/// with their cluster-mates (shown as "also"). Stories that match nothing and share a cluster with
/// nothing that does are not kept, so what is held grows with the matching new stories, not with the
/// number of subscribers or with every story stored.
/// </summary>
internal sealed class RunCandidates
{
    private readonly Dictionary<long, IReadOnlyList<Topic>> matches;
    private readonly Dictionary<long, List<StoredStory>> storiesByCluster = [];
    private readonly Dictionary<string, HashSet<long>> clustersByTopic = new(StringComparer.Ordinal);

    /// <param name="stories">The kept stories with their clusters, in sequence order.</param>
    /// <param name="earlier">Copies, up to the lowest cut-off, of the kept stories' clusters (shown as "also" only).</param>
    /// <param name="matches">The topics of every kept story that matches one (a story missing here matches none).</param>
    /// <param name="lastSequence">The last story the run read (or the lowest cut-off when none was new): every due subscriber's new cut-off.</param>
    public RunCandidates(IReadOnlyList<StoredStory> stories, IReadOnlyList<StoredStory> earlier, Dictionary<long, IReadOnlyList<Topic>> matches, long lastSequence)
    {
        this.matches = matches;
        LastSequence = lastSequence;
        foreach (var story in earlier.Concat(stories))
        {
            var cluster = ClusterKey(story);
            if (!storiesByCluster.TryGetValue(cluster, out var versions))
            {
                storiesByCluster[cluster] = versions = [];
            }

            versions.Add(story);
            foreach (var topic in TopicsOf(story))
            {
                if (!clustersByTopic.TryGetValue(topic.Id, out var clusters))
                {
                    clustersByTopic[topic.Id] = clusters = [];
                }

                clusters.Add(cluster);
            }
        }
    }

    public long LastSequence { get; }

    /// <summary>Tells follow-ups from copies for every subscriber of the run: each story's terms are read once.</summary>
    public StoryResemblance Resemblance { get; } = new();

    /// <summary>
    /// The members of the delivered clusters that have a new story (story to cluster), who got each
    /// of them, and the stories among them some subscriber got, read once in the run for all its
    /// subscribers.
    /// </summary>
    public Dictionary<long, IReadOnlyDictionary<long, long>> ClusterMembers { get; } = [];

    /// <inheritdoc cref="ClusterMembers"/>
    public Dictionary<long, HashSet<string>> Recipients { get; } = [];

    /// <inheritdoc cref="ClusterMembers"/>
    public Dictionary<long, StoredStory> StoriesRead { get; } = [];

    public IReadOnlyList<Topic> TopicsOf(StoredStory story) => matches.GetValueOrDefault(story.Id) ?? [];

    /// <summary>
    /// The subscriber's candidates: the stories after <paramref name="cutoff"/> in clusters one of
    /// whose versions matches one of their topics, in sequence order. The composer leaves out every
    /// other cluster anyway (none of its versions matches), so it gives the digest it would give
    /// from all the stories after the cut-off; the order is theirs too, since it breaks ties.
    /// </summary>
    public List<StoredStory> For(Subscriber subscriber, long cutoff)
    {
        var clusters = new HashSet<long>();
        foreach (var topicId in subscriber.TopicIds)
        {
            if (clustersByTopic.TryGetValue(topicId, out var matching))
            {
                clusters.UnionWith(matching);
            }
        }

        var candidates = new List<StoredStory>();
        foreach (var cluster in clusters)
        {
            candidates.AddRange(storiesByCluster[cluster].Where(story => story.Sequence > cutoff));
        }

        candidates.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return candidates;
    }

    /// <summary>
    /// The copies up to <paramref name="cutoff"/> of the <paramref name="candidates"/>' clusters,
    /// dated within the window of the candidates of their cluster: the outlets that carried a story
    /// before the subscriber's cut-off, named under "also". What the subscriber's own reading would
    /// find: the run read them for the spans of all its stories, which hold each subscriber's.
    /// </summary>
    public List<StoredStory> EarlierCopies(IReadOnlyList<StoredStory> candidates, long cutoff, TimeSpan window)
    {
        var earlier = new List<StoredStory>();
        foreach (var span in EarlierCopySpans(candidates, window).Values)
        {
            earlier.AddRange(storiesByCluster[span.ClusterId].Where(story =>
                story.Sequence <= cutoff && story.DatedAt >= span.DatedFrom && story.DatedAt < span.DatedBefore));
        }

        return earlier;
    }

    /// <summary>For each cluster among <paramref name="stories"/>, the span its earlier copies may be dated in: its stories' dates, widened by the window.</summary>
    internal static Dictionary<long, ClusterSpan> EarlierCopySpans(IEnumerable<StoredStory> stories, TimeSpan window)
    {
        var spans = new Dictionary<long, ClusterSpan>();
        foreach (var story in stories)
        {
            if (story.ClusterId is not { } cluster)
            {
                continue;
            }

            var from = SaturatingTime.Add(story.DatedAt, -window);
            var before = SaturatingTime.Add(story.DatedAt, window + TimeSpan.FromSeconds(1));
            spans[cluster] = spans.TryGetValue(cluster, out var span)
                ? span with { DatedFrom = from < span.DatedFrom ? from : span.DatedFrom, DatedBefore = before > span.DatedBefore ? before : span.DatedBefore }
                : new ClusterSpan(cluster, from, before);
        }

        return spans;
    }

    /// <summary>The composer's grouping: a story not clustered (yet) stands alone.</summary>
    private static long ClusterKey(StoredStory story) => story.ClusterId ?? -story.Id;
}
