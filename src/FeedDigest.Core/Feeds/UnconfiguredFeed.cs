namespace FeedDigest.Core.Feeds;

/// <summary>
/// A stored feed that no configured feed has: removed from the configuration, or archived when a
/// rename took its Id (<see cref="FeedRenames.Archived"/>). It is not polled; its stories stay until
/// pruned, and their keys for good, so a configured feed with its Url takes it back (<see cref="FeedRenames.Find"/>).
/// </summary>
/// <param name="StoredStories">How many of its stories are still stored: a pruned story leaves only its keys.</param>
/// <param name="LastSuccessAt">When it was last fetched successfully; null if never.</param>
public sealed record UnconfiguredFeed(StoredFeed Feed, int StoredStories, DateTimeOffset? LastSuccessAt)
{
    /// <summary>Whether a rename moved it out of the way to an archive Id, rather than the admin removing it.</summary>
    public bool Archived => Feed.Id.Contains(FeedRenames.ArchiveMark, StringComparison.Ordinal);
}
