namespace FeedDigest.Core.Digests;

/// <summary>One story in a digest, under the topic it is listed for.</summary>
/// <param name="LeadStoryId">
/// Null for a story the digest lists; for another outlet's version of a listed story, the listed
/// one, under which it is shown as "also".
/// </param>
public sealed record DigestEntry(long StoryId, string TopicId, int Position, long? LeadStoryId = null);
