using FeedDigest.Core.Configuration;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;

namespace FeedDigest.Core.Digests;

/// <summary>Chooses which of the new stories go into a subscriber's digest, and under which topic.</summary>
public static class DigestComposer
{
    /// <summary>
    /// Each matching story is listed once, under the first of the subscriber's topics it matches;
    /// over the cap the newest stay and the rest are counted as omitted.
    /// </summary>
    public static (IReadOnlyList<DigestEntry> Entries, int Omitted) Compose(
        Subscriber subscriber, Catalog catalog, IReadOnlyList<StoredStory> candidates, int maxStories)
    {
        var topics = subscriber.TopicIds
            .Select(id => catalog.TopicsById.GetValueOrDefault(id))
            .OfType<Topic>()
            .ToList();
        var matches = new List<(StoredStory Story, int TopicIndex)>();
        foreach (var story in candidates)
        {
            var topicIndex = topics.FindIndex(topic => TopicMatcher.Matches(topic, story));
            if (topicIndex >= 0)
            {
                matches.Add((story, topicIndex));
            }
        }

        var kept = matches
            .OrderByDescending(m => m.Story.Sequence)
            .Take(maxStories)
            .OrderBy(m => m.TopicIndex)
            .ThenByDescending(m => m.Story.PublishedAt ?? m.Story.FirstSeenAt)
            .Select((m, position) => new DigestEntry(m.Story.Id, topics[m.TopicIndex].Id, position))
            .ToList();
        return (kept, matches.Count - kept.Count);
    }
}
