namespace FeedDigest.Core.Topics;

/// <summary>Which feeds a topic takes stories from, resolved from feed ids and feed tags when the configuration is read.</summary>
/// <param name="Only">The feeds allowed; null when the topic is not limited to some feeds.</param>
/// <param name="Excluded">Feeds whose stories never match the topic.</param>
public sealed record TopicFeedFilter(IReadOnlySet<string>? Only, IReadOnlySet<string> Excluded)
{
    public static readonly TopicFeedFilter AllFeeds = new(null, new HashSet<string>());

    public bool Allows(string feedId) => (Only is null || Only.Contains(feedId)) && !Excluded.Contains(feedId);
}
