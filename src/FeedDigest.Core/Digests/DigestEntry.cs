namespace FeedDigest.Core.Digests;

/// <summary>One story in a digest, under the topic it is listed for.</summary>
public sealed record DigestEntry(long StoryId, string TopicId, int Position);
