namespace FeedDigest.Core.Stories.Clustering;

/// <summary>
/// A story to place in a cluster. <paramref name="StoryId"/> is the story's stored sequence
/// (<see cref="StoredStory.Sequence"/>); assigning the same id again returns its cluster and changes
/// nothing. <paramref name="Time"/> is when the story happened as far as is known: its published
/// date, else when it was first seen; null leaves it out of the time window.
/// </summary>
public sealed record StoryForClustering(long StoryId, string? Title, string? Summary, DateTimeOffset? Time)
{
    /// <summary>
    /// The feed (or outlet) the story came from; null when not known. A cluster mostly of the
    /// story's own source takes it only at <see cref="ClusteringOptions.SameSourceThreshold"/> (<see cref="MainSource"/>).
    /// </summary>
    public string? Source { get; init; }
}
