namespace FeedDigest.Core.Digests;

/// <summary>One story in a digest, under the topic it is listed for.</summary>
/// <param name="LeadStoryId">
/// Null for a story the digest lists; for another outlet's version of a listed story, the listed
/// one, under which it is shown as "also".
/// </param>
/// <param name="Updated">
/// The listed story goes to the subscriber again, edited since a digest of theirs showed it
/// (Stories:EditedStories IncludeOnce): it is marked updated. A subscriber who never got it sees it as new.
/// </param>
public sealed record DigestEntry(long StoryId, string TopicId, int Position, long? LeadStoryId = null, bool Updated = false);
