using FeedDigest.Core.Ports;
using FeedDigest.Core.Timing;

namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// Puts each new story into the cluster of stories about the same event, or starts a new one.
/// Candidates come from the index by MinHash LSH band keys over the story's terms (title and
/// summary; words, or character bigrams for Chinese, Japanese and Korean), limited to stories dated
/// within the window. Each candidate cluster is verified by the cosine similarity between the
/// story's TF-IDF vector (IDF learned from the stored stories) and the cluster's centroid; the story
/// joins the most similar cluster at or above the threshold and at least
/// <see cref="ClusteringOptions.BackgroundMargin"/> above its similarity to the recent stories of
/// its writing system (<see cref="StoryBackground"/>), else starts a new one; a cluster mostly of
/// the story's own feed (<see cref="MainSource"/>) needs <see cref="ClusteringOptions.SameSourceThreshold"/>
/// as well. Band keys find the stories nearest in time to the story. Other clusters
/// the story also reaches that with merge with that one when their centroids are at least
/// <see cref="ClusteringOptions.MergeThreshold"/> alike (one event's early stories may have started
/// several clusters); the largest of them keeps its id. Assign stories in the order they were first
/// seen, those first seen together in the order published (as <see cref="ClusteringCatchUp"/> does); assigning a story again
/// changes nothing. A story's cluster can change later by a merge: ask the index for the current one.
/// </summary>
public sealed class StoryClusterer
{
    // A conflict means another writer updated the same cluster between our read and our write.
    private const int MaxAttempts = 4;

    // Stories whose features are found together, on all cores, before they are assigned one by one.
    private const int FeatureChunk = 256;

    private readonly IStoryClusterIndex index;
    private readonly ClusteringOptions options;

    // Whether assignments say how near each decision was (ClusterAssignment.Needed and Nearest): a
    // story that starts a cluster is then compared in full with every candidate, which placing it
    // does not need (a comparison stops once the threshold is out of reach).
    private readonly bool explain;

    // Learned from the stories this instance assigns and those it is given to learn from: one per
    // process in the service, so a restart learns it again (LearnBackgroundAsync).
    private readonly StoryBackground background = new();

    public StoryClusterer(IStoryClusterIndex index, ClusteringOptions options)
        : this(index, options, explain: false)
    {
    }

    /// <param name="explain">Whether each assignment says the similarity it needed and, for a story that started a cluster, the nearest it had (<c>feeddigest cluster --explain</c>).</param>
    public StoryClusterer(IStoryClusterIndex index, ClusteringOptions options, bool explain)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        this.index = index;
        this.options = options;
        this.explain = explain;
    }

    /// <summary>Assigns one story in a transaction of its own.</summary>
    public Task<ClusterAssignment> AssignAsync(StoryForClustering story, CancellationToken cancellationToken) =>
        AssignAsync(index, story, FeaturesOf(story), learn: true, cancellationToken);

    /// <summary>
    /// Assigns the stories in order, in one batch of the index: one commit for all of them, so a
    /// poll's new stories cost one write of the pages they touch rather than one each. Nothing is
    /// kept when this fails; the stories can be assigned again. When another writer changed the
    /// index meanwhile, the batch is assigned again.
    /// </summary>
    public Task<IReadOnlyList<ClusterAssignment>> AssignAllAsync(IReadOnlyList<StoryForClustering> stories, CancellationToken cancellationToken) =>
        AssignAllAsync(stories, featuresOnEveryCore: true, cancellationToken);

    /// <summary>
    /// As <see cref="AssignAllAsync(IReadOnlyList{StoryForClustering}, CancellationToken)"/>; with
    /// <paramref name="featuresOnEveryCore"/> false the stories' terms are found on the calling
    /// thread alone: a caller at low priority would otherwise draw the thread pool's threads, at
    /// normal priority, into work meant to take only the processor time others leave.
    /// </summary>
    public async Task<IReadOnlyList<ClusterAssignment>> AssignAllAsync(IReadOnlyList<StoryForClustering> stories, bool featuresOnEveryCore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stories);
        var assignments = new List<ClusterAssignment>(stories.Count);
        if (stories.Count == 0)
        {
            return assignments;
        }

        // A story's terms and band keys depend on its text alone: they are found on every core at
        // once, and only the assignment, which depends on the stories before it, goes one by one.
        // A chunk at a time, just before it is assigned: found for the whole batch at once, they
        // lived until its end and the collector copied them from generation to generation.
        var features = new StoryFeatures[Math.Min(stories.Count, FeatureChunk)];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = featuresOnEveryCore ? -1 : 1 };

        // A batch another writer overtook is not kept: its stories are assigned again against what
        // that writer left. The background learned them the first time.
        for (var learn = true; ; learn = false)
        {
            assignments.Clear();
            await using var batch = await index.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < stories.Count; i++)
            {
                if (i % FeatureChunk == 0)
                {
                    var start = i;
                    Parallel.For(0, Math.Min(FeatureChunk, stories.Count - start), parallel, j => features[j] = FeaturesOf(stories[start + j]));
                }

                assignments.Add(await AssignAsync(batch, stories[i], features[i % FeatureChunk], learn, cancellationToken).ConfigureAwait(false));
            }

            if (await batch.CommitAsync(cancellationToken).ConfigureAwait(false))
            {
                return assignments;
            }
        }
    }

    /// <summary>
    /// Learns the background from stories already clustered (the most recent ones, oldest first),
    /// without placing them: a process that starts with an empty background would otherwise let
    /// its first stories join clusters on the common words of a template.
    /// </summary>
    public async Task LearnBackgroundAsync(IReadOnlyList<StoryForClustering> stories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stories);
        if (stories.Count == 0)
        {
            return;
        }

        // One batch that adds nothing, so its reads share one look at the index's state.
        await using var batch = await index.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        foreach (var story in stories)
        {
            var features = FeaturesOf(story);
            // No band keys: the index answers with the document frequencies alone.
            var found = await batch.FindCandidatesAsync(new ClusterQuery(features.Terms, [], null, null, options.CandidatesPerBand, options.MaxCandidateClusters), cancellationToken).ConfigureAwait(false);
            // The stored stories are counted in the frequencies already, so nothing is added to them;
            // a count of none (frequencies not written out yet) is taken as the story itself.
            background.Add(features.WritingSystem, features.Weigh(Math.Max(found.DocumentCount, 1), found.DocumentFrequencies, addedToEach: 0));
        }

        // Nothing was added: the commit writes nothing, and the state read stays for the next batch.
        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private StoryFeatures FeaturesOf(StoryForClustering story)
    {
        ArgumentNullException.ThrowIfNull(story);
        return StoryFeatures.Of(story.Title, story.Summary, options.Bands, options.RowsPerBand);
    }

    private async Task<ClusterAssignment> AssignAsync(IStoryClusterSession session, StoryForClustering story, StoryFeatures features, bool learn, CancellationToken cancellationToken)
    {
        var source = MainSource.KeyOf(story.Source);
        var query = new ClusterQuery(
            features.Terms,
            features.BandKeys,
            story.Time is { } earliest ? SaturatingTime.Add(earliest, -options.Window) : null,
            story.Time is { } latest ? SaturatingTime.Add(latest, options.Window) : null,
            options.CandidatesPerBand,
            options.MaxCandidateClusters);

        for (var attempt = 1; ; attempt++)
        {
            var found = await session.FindCandidatesAsync(query, cancellationToken).ConfigureAwait(false);

            var vector = Weigh(features, found);
            // The background only raises the bar a candidate must reach: a story without candidates starts a cluster anyway.
            var threshold = found.Clusters.Count == 0
                ? options.Threshold
                : Math.Max(options.Threshold, background.Similarity(features.WritingSystem, vector) + options.BackgroundMargin);
            var sameSourceThreshold = Math.Max(threshold, options.SameSourceThreshold);
            var ranked = Rank(found.Clusters, vector, threshold, source, sameSourceThreshold);

            // After repeated conflicts on busy clusters, a new cluster: its insert cannot conflict.
            var join = ranked.Count > 0 && attempt < MaxAttempts;
            ClusterIndexEntry entry;
            if (join)
            {
                var best = ranked[0].Cluster;
                var centroid = best.Centroid.Add(vector, options.CentroidTerms);
                List<CandidateCluster>? joined = null;
                for (var i = 1; i < ranked.Count; i++)
                {
                    // Two clusters mostly of the story's own feed merge only as alike as such a cluster takes a story.
                    var other = ranked[i].Cluster;
                    var ownFeed = other.MainSource.IsMostly(source) && best.MainSource.IsMostly(source);
                    if (centroid.Cosine(other.Centroid) >= (ownFeed ? Math.Max(options.MergeThreshold, options.SameSourceThreshold) : options.MergeThreshold))
                    {
                        centroid = centroid.Merge(other.Centroid, options.CentroidTerms);
                        (joined ??= [best]).Add(other);
                    }
                }

                // The largest of the clusters merged keeps its id and the others move into it: a
                // merge moves the smaller clusters' stories, never a big one's again and again.
                var survivor = joined?.MaxBy(cluster => cluster.Size) ?? best;
                IReadOnlyList<ClusterMerge> merges = joined is null
                    ? []
                    : joined.Where(cluster => cluster != survivor).Select(cluster => new ClusterMerge(cluster.ClusterId, cluster.Version)).ToList();
                var mainSource = (joined ?? [best]).Aggregate(default(MainSource), (main, cluster) => main.Merge(cluster.MainSource)).With(source);
                entry = new ClusterIndexEntry(story.StoryId, survivor.ClusterId, survivor.Version, centroid, features.BandKeys, features.Terms, story.Time) { Merges = merges, MainSource = mainSource };
            }
            else
            {
                entry = new ClusterIndexEntry(story.StoryId, null, 0, ClusterCentroid.Empty.Add(vector, options.CentroidTerms), features.BandKeys, features.Terms, story.Time) { MainSource = MainSource.Of(source) };
            }

            var result = await session.AddAsync(entry, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case ClusterIndexOutcome.Added:
                    if (learn)
                    {
                        background.Add(features.WritingSystem, vector);
                    }

                    var assignment = new ClusterAssignment(result.ClusterId, !join, join ? ranked[0].Similarity : 0)
                    {
                        MergedClusterIds = entry.Merges.Count == 0 ? [] : entry.Merges.Select(merge => merge.ClusterId).ToList(),
                    };
                    // A join refused after repeated conflicts is no decision to explain.
                    return !explain || (ranked.Count > 0 && !join)
                        ? assignment
                        : Explained(assignment, join ? ranked[0].Cluster : null, found.Clusters, vector, threshold, source, sameSourceThreshold);
                case ClusterIndexOutcome.AlreadyIndexed:
                    return new ClusterAssignment(result.ClusterId, IsNewCluster: false, 0, AlreadyAssigned: true);
                case ClusterIndexOutcome.Conflict:
                    continue;
                default:
                    throw new InvalidOperationException($"Unknown index outcome {result.Outcome}.");
            }
        }
    }

    /// <summary>
    /// <paramref name="assignment"/> with the bar of the cluster it <paramref name="joined"/> or, for
    /// a new cluster, of the candidate it came nearest to joining (the least short of its own bar,
    /// compared in full), and that candidate's similarity.
    /// </summary>
    private static ClusterAssignment Explained(ClusterAssignment assignment, CandidateCluster? joined, IReadOnlyList<CandidateCluster> candidates, TermVector vector, double threshold, long? source, double sameSourceThreshold)
    {
        if (joined is not null)
        {
            return assignment with { Needed = Needed(joined, source, threshold, sameSourceThreshold) };
        }

        (double Similarity, double Bar)? nearest = null;
        foreach (var cluster in candidates.Where(cluster => Comparable(vector, cluster)))
        {
            // A threshold of 0 never cuts the comparison short.
            var similarity = cluster.Centroid.Cosine(vector, 0);
            var bar = Needed(cluster, source, threshold, sameSourceThreshold);
            if (nearest is not { } best || similarity - bar > best.Similarity - best.Bar)
            {
                nearest = (similarity, bar);
            }
        }

        return nearest is { } found ? assignment with { Needed = found.Bar, Nearest = found.Similarity } : assignment;
    }

    /// <summary>The similarity a story from <paramref name="source"/> needs to join <paramref name="cluster"/>: <paramref name="sameSourceThreshold"/> for a cluster mostly of its own source, else <paramref name="threshold"/>.</summary>
    private static double Needed(CandidateCluster cluster, long? source, double threshold, double sameSourceThreshold) =>
        cluster.MainSource.IsMostly(source) ? sameSourceThreshold : threshold;

    /// <summary>Whether the story and the cluster say enough to be alike: not both of one word (<see cref="StoryFeatures.MinTermsToCompare"/>).</summary>
    private static bool Comparable(TermVector vector, CandidateCluster cluster) =>
        vector.Terms.Length >= StoryFeatures.MinTermsToCompare || cluster.Centroid.Terms.Count >= StoryFeatures.MinTermsToCompare;

    /// <summary>The story's vector: the new story counts in N and in its own terms' df, as it would among the stored ones.</summary>
    private static TermVector Weigh(StoryFeatures features, ClusterCandidates found) =>
        features.Weigh(found.DocumentCount + 1, found.DocumentFrequencies, addedToEach: 1);

    /// <summary>
    /// The candidates at or above <paramref name="threshold"/> (<paramref name="sameSourceThreshold"/>
    /// for those mostly of the story's own <paramref name="source"/>), the most
    /// similar first; equally similar ones in the order the index gave them (a stable sort: the few
    /// candidates go in by insertion).
    /// </summary>
    private static List<(CandidateCluster Cluster, double Similarity)> Rank(IReadOnlyList<CandidateCluster> clusters, TermVector vector, double threshold, long? source, double sameSourceThreshold)
    {
        var ranked = new List<(CandidateCluster Cluster, double Similarity)>(clusters.Count);
        foreach (var cluster in clusters)
        {
            if (!Comparable(vector, cluster))
            {
                continue;
            }

            var needed = Needed(cluster, source, threshold, sameSourceThreshold);
            var similarity = cluster.Centroid.Cosine(vector, needed);
            if (similarity < needed)
            {
                continue;
            }

            var position = ranked.Count;
            while (position > 0 && ranked[position - 1].Similarity < similarity)
            {
                position--;
            }

            ranked.Insert(position, (cluster, similarity));
        }

        return ranked;
    }
}
