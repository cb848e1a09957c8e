namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// What the index is asked for one new story: the document frequencies of its
/// <paramref name="Terms"/>, and the clusters of stored stories sharing one of its
/// <paramref name="BandKeys"/>, reading at most <paramref name="CandidatesPerBand"/> stories per key
/// (those nearest in time to the story, within the window) and returning at most <paramref name="MaxClusters"/>
/// clusters, those sharing the most keys first. With a window, only stories dated within
/// [<paramref name="WindowStart"/>, <paramref name="WindowEnd"/>] or undated count; without, all do.
/// </summary>
public sealed record ClusterQuery(
    IReadOnlyList<long> Terms,
    IReadOnlyList<long> BandKeys,
    DateTimeOffset? WindowStart,
    DateTimeOffset? WindowEnd,
    int CandidatesPerBand,
    int MaxClusters);
