namespace FeedDigest.Core.Topics;

/// <summary>A named interest: a story matches when it comes from a feed the topic allows and its query matches.</summary>
public sealed record Topic(string Id, string Name, TopicQuery Query, TopicFeedFilter Feeds);
