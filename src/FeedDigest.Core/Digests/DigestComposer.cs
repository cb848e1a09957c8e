using FeedDigest.Core.Configuration;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Core.Topics;

namespace FeedDigest.Core.Digests;

/// <summary>Chooses which of the new stories go into a subscriber's digest, and under which topic.</summary>
public static class DigestComposer
{
    // Copy checks a cluster listed for the first time may take to find its outlets' further
    // articles, for each subscriber it goes to. Clusters of a few dozen stories stay well within it;
    // one of 1,500 (a template feed's run in the bench's first poll) would take millions.
    private const int MaxCopyChecks = 10_000;

    /// <summary>
    /// The versions of one story from several outlets (a cluster) are listed once: the version from
    /// the outlet listed first in the configuration leads (the earliest seen among equals), the others
    /// follow as "also"; a feed the topic leaves out (its feed filter) is neither. A cluster is in when
    /// any version matches one of the subscriber's topics, and is listed under the first such topic. Clusters already sent to the subscriber are left out,
    /// but for a follow-up: a further article by an outlet the subscriber got the story from, that is
    /// not a copy of any story they got in it, goes out (with other outlets' copies of it as "also");
    /// so does such an article in a cluster listed for the first time, beside the cluster's entry.
    /// The digest lists its topics in the subscriber's order, and within a topic the stories carried
    /// by the most outlets first, then the most recent. Over the cap, the stories carried by the most
    /// outlets stay (the most recent among equals), whatever their topic, and the rest are counted
    /// as omitted. A story edited and queued again (revision above 0) comes back even when its
    /// cluster was sent. Recency is the publication date, but never later than when the story was first
    /// seen: a feed that dates its items in the future does not put them on top.
    /// </summary>
    /// <param name="deliveredClusters">Clusters the subscriber already got in an earlier digest.</param>
    /// <param name="updatesWanted">
    /// Of the stories edited and queued again (Stories:EditedStories IncludeOnce) whose cluster the
    /// subscriber got, or that are in no cluster, those their digest showed as a headline: only those
    /// go out again, marked updated. Null: all of them.
    /// </param>
    /// <param name="earlierCopies">
    /// Stories of the candidates' clusters that came before the subscriber's cut-off and were not
    /// sent to them (no topic matched their wording): they never lead or make a story match, but
    /// their outlets carried it, and are named under "also" (those of feeds still configured: a
    /// removed or archived feed has no name to show).
    /// </param>
    /// <param name="gotStories">
    /// The stories the subscriber got (as a headline or under "also") in the delivered clusters that
    /// have a candidate, with their clusters: a new story there goes out only as a follow-up of these.
    /// </param>
    public static (IReadOnlyList<DigestEntry> Entries, int Omitted) Compose(
        Subscriber subscriber,
        Catalog catalog,
        IReadOnlyList<StoredStory> candidates,
        int maxStories,
        IReadOnlySet<long>? deliveredClusters = null,
        IReadOnlyList<StoredStory>? earlierCopies = null,
        IReadOnlySet<long>? updatesWanted = null,
        IReadOnlyList<StoredStory>? gotStories = null) =>
        Compose(subscriber, catalog, candidates, catalog.TopicMatcher.Match, maxStories, deliveredClusters, earlierCopies, updatesWanted, gotStories);

    /// <summary>
    /// As above, with each story's topics already matched: a digest run matches every new story
    /// against all topics once and composes every subscriber's digest from those matches.
    /// </summary>
    /// <param name="topicsOf">The topics a story matches, as <see cref="TopicMatcher.Match"/> gives them.</param>
    /// <param name="resemblance">Tells copies from follow-ups; one for a whole run keeps each story's terms for every subscriber.</param>
    public static (IReadOnlyList<DigestEntry> Entries, int Omitted) Compose(
        Subscriber subscriber,
        Catalog catalog,
        IReadOnlyList<StoredStory> candidates,
        Func<StoredStory, IReadOnlyList<Topic>> topicsOf,
        int maxStories,
        IReadOnlySet<long>? deliveredClusters = null,
        IReadOnlyList<StoredStory>? earlierCopies = null,
        IReadOnlySet<long>? updatesWanted = null,
        IReadOnlyList<StoredStory>? gotStories = null,
        StoryResemblance? resemblance = null)
    {
        var earlierByCluster = (earlierCopies ?? []).Where(story => story.ClusterId is not null).ToLookup(story => story.ClusterId!.Value);
        var gotByCluster = (gotStories ?? []).Where(story => story.ClusterId is not null).ToLookup(story => story.ClusterId!.Value);
        resemblance ??= new StoryResemblance();
        var topics = subscriber.TopicIds
            .Select(id => catalog.TopicsById.GetValueOrDefault(id))
            .OfType<Topic>()
            .ToList();
        var feedRank = catalog.Feeds.Select((feed, index) => (feed.Id, index)).ToDictionary(p => p.Id, p => p.index, StringComparer.Ordinal);
        // Rank: how many outlets the entry names besides its lead, then how recent it is; a further
        // article is never ranked above the entry of its cluster (Further: after it among equals).
        var matches = new List<(StoredStory Lead, List<StoredStory> Others, int TopicIndex, bool Updated, (int Outlets, DateTimeOffset Date) Rank, bool Further)>();
        foreach (var candidateGroup in candidates.GroupBy(story => story.ClusterId ?? -story.Id))
        {
            var cluster = candidateGroup.First().ClusterId;
            if (cluster is { } delivered && deliveredClusters is not null && deliveredClusters.Contains(delivered))
            {
                // A cluster the subscriber got stays out, but for its stories edited since and queued
                // once more (Stories:EditedStories IncludeOnce) that they read as its headline: those go
                // out again, marked updated. An outlet's edit of a copy only named under "also" is not.
                var updated = candidateGroup.Where(story => story.Revision > 0 && (updatesWanted is null || updatesWanted.Contains(story.Id))).ToList();
                foreach (var revision in updated)
                {
                    // Each its own entry: a subscriber who got the story and its follow-up may be owed both.
                    AddMatch([revision], [], updated: true);
                }

                // And for its follow-ups, each listed as a story of its own.
                foreach (var (followUp, copies) in FollowUps(candidateGroup.ExceptBy(updated.Select(story => story.Id), story => story.Id).ToList(), gotByCluster[delivered].ToList(), catalog, resemblance))
                {
                    AddMatch(followUp.Concat(copies), [], updated: false, matchedBy: followUp);
                }

                continue;
            }

            // Without clustering (Clustering:Enabled false) a story is its own group, sent again
            // only as a new revision: marked updated for the subscribers who read an earlier one.
            var resent = cluster is null && candidateGroup.First() is { Revision: > 0 } edited && (updatesWanted is null || updatesWanted.Contains(edited.Id));
            if (AddMatch(candidateGroup, cluster is { } clustered ? earlierByCluster[clustered] : [], resent) is not { } listed)
            {
                continue;
            }

            // The entry names each outlet once. An outlet's further articles in the cluster (not a
            // copy of a story listed: its live updates, or pieces under one recurring headline) are
            // listed as stories of their own, as they would be after this digest (FollowUps): left
            // out, they were lost. Telling them from copies compares each story left with those
            // listed and with one another: a cluster too big for that (a template's run, a first
            // digest of feeds' whole archives) keeps its one entry.
            var left = candidateGroup.ExceptBy(listed.Select(story => story.Id), story => story.Id).ToList();
            if ((long)left.Count * (listed.Count + left.Count) > MaxCopyChecks)
            {
                continue;
            }

            // Over the cap, an entry's further articles go before it does: kept without it, a further
            // article would leave the story it follows unsent for good (its cluster counts as delivered).
            var entryRank = (listed.Count - 1, listed[0].DatedAt);
            foreach (var (followUp, copies) in FollowUps(left, listed, catalog, resemblance))
            {
                AddMatch(followUp.Concat(copies), [], updated: false, matchedBy: followUp, rankedNoHigherThan: entryRank);
            }
        }

        var entries = new List<DigestEntry>();
        var kept = matches
            .OrderByDescending(m => m.Rank.Outlets)
            .ThenByDescending(m => m.Rank.Date)
            .ThenBy(m => m.Further)
            .Take(maxStories)
            .OrderBy(m => m.TopicIndex)
            .ThenByDescending(m => m.Rank.Outlets)
            .ThenByDescending(m => m.Rank.Date)
            .ThenBy(m => m.Further);
        foreach (var (lead, others, topicIndex, updated, _, _) in kept)
        {
            var topicId = topics[topicIndex].Id;
            entries.Add(new DigestEntry(lead.Id, topicId, entries.Count, Updated: updated));
            foreach (var other in others)
            {
                entries.Add(new DigestEntry(other.Id, topicId, entries.Count, lead.Id));
            }
        }

        return (entries, matches.Count - Math.Min(matches.Count, maxStories));

        // matchedBy: the stories whose wording decides the topic (the group's, unless given): a
        // follow-up is in by its own words, not by a copy another outlet worded otherwise.
        // Returns the stories the entry lists (its lead, then those named under "also"), or null when no topic takes it.
        List<StoredStory>? AddMatch(IEnumerable<StoredStory> group, IEnumerable<StoredStory> earlier, bool updated, IEnumerable<StoredStory>? matchedBy = null, (int Outlets, DateTimeOffset Date)? rankedNoHigherThan = null)
        {
            matchedBy ??= group;
            var topicIndex = matchedBy
                .Select(topicsOf)
                .Select(matched => topics.FindIndex(topic => matched.Contains(topic)))
                .Where(index => index >= 0)
                .DefaultIfEmpty(-1)
                .Min();
            if (topicIndex < 0)
            {
                return null;
            }

            // A topic that leaves a feed out (ExcludeFeeds, or Feeds and Tags naming others) shows
            // neither that feed's version as the story nor its name under "also", unless another of
            // the subscriber's topics the story matches takes that feed: the topics' order says
            // where the story is listed, not which outlets it names.
            var storyTopics = matchedBy.SelectMany(topicsOf).Where(topics.Contains).Distinct().ToList();
            bool Allowed(string feedId) => storyTopics.Any(matched => matched.Feeds.Allows(feedId));
            // The story leads with a version of a feed the topic it is listed under takes.
            var listedUnder = topics[topicIndex];
            // A follow-up leads its entry, not another outlet's copy of it.
            var leads = matchedBy.Select(story => story.Id).ToHashSet();
            var versions = group
                .Where(story => Allowed(story.FeedId))
                .OrderBy(story => leads.Contains(story.Id) ? 0 : 1)
                .ThenBy(story => listedUnder.Feeds.Allows(story.FeedId) ? 0 : 1)
                .ThenBy(story => feedRank.GetValueOrDefault(story.FeedId, int.MaxValue))
                .ThenBy(story => story.Sequence)
                .ToList();
            // One version per outlet: a feed that carries the story twice adds nothing to "also"; an
            // outlet with a new copy is named by it rather than by one it carried before.
            var others = versions.Skip(1).Select(story => (Story: story, Earlier: false))
                .Concat(earlier.Where(story => Allowed(story.FeedId) && feedRank.ContainsKey(story.FeedId)).Select(story => (Story: story, Earlier: true)))
                .OrderBy(other => feedRank.GetValueOrDefault(other.Story.FeedId, int.MaxValue))
                .ThenBy(other => other.Earlier)
                .ThenBy(other => other.Story.Sequence)
                .Select(other => other.Story)
                .Where(story => story.FeedId != versions[0].FeedId)
                .ToList();
            // Each outlet once, and not the headline's again: two feeds of one outlet (its world and
            // its Asia pages, both titled "Reuters") often carry one article, and "also" would name
            // the outlet twice or link to the page the headline already opens. An outlet's copy
            // that is the headline's article gives way to another copy of its, if it has one.
            // Links are read only then: most stories come from one outlet, and this runs for every subscriber.
            var lead = versions[0];
            if (others.Count > 0)
            {
                var named = new HashSet<string>([catalog.OutletName(lead.FeedId)], StringComparer.OrdinalIgnoreCase);
                var links = others.Prepend(lead).DistinctBy(story => story.Id).ToDictionary(story => story.Id, LinkOf);
                var linked = new HashSet<string>(StringComparer.Ordinal);
                if (links[lead.Id] is { } leadLink)
                {
                    linked.Add(leadLink);
                }

                others = others
                    .Where(story => links[story.Id] is not { } link || !linked.Contains(link))
                    .DistinctBy(story => story.FeedId)
                    .Where(story => named.Add(catalog.OutletName(story.FeedId)) && (links[story.Id] is not { } link || linked.Add(link)))
                    .ToList();
            }

            var rank = (others.Count, lead.DatedAt);
            if (rankedNoHigherThan is { } highest && highest.CompareTo(rank) < 0)
            {
                rank = highest;
            }

            matches.Add((lead, others, topicIndex, updated, rank, rankedNoHigherThan is not null));
            return [lead, .. others];
        }
    }

    /// <summary>
    /// The follow-ups among the new stories of a cluster the subscriber got: further articles by
    /// outlets the subscriber got the story from (an outlet writes again when there is news), each a
    /// copy of no story they got in it (an outlet's second feed, a republish, another outlet's copy of
    /// a follow-up already sent). Copies of one another are one follow-up; the other new stories that
    /// copy one are named with it. Another outlet's own article, arriving after the digest that named
    /// the story, stays out: it is more likely late coverage of what they read than news.
    /// </summary>
    private static List<(List<StoredStory> FollowUp, List<StoredStory> Copies)> FollowUps(List<StoredStory> fresh, List<StoredStory> got, Catalog catalog, StoryResemblance resemblance)
    {
        var outlets = got.Select(story => catalog.OutletName(story.FeedId)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var further = fresh.Where(story => outlets.Contains(catalog.OutletName(story.FeedId)) && !got.Any(sent => resemblance.IsCopy(story, sent))).ToList();
        if (further.Count == 0)
        {
            return [];
        }

        // Copies of one another are one follow-up, however they came: each story is joined to every
        // one it copies or that copies it (the groups do not depend on which feed was polled first).
        var group = Enumerable.Range(0, further.Count).ToArray();
        int Root(int i) => group[i] == i ? i : group[i] = Root(group[i]);
        for (var i = 0; i < further.Count; i++)
        {
            for (var j = i + 1; j < further.Count; j++)
            {
                if (Root(i) != Root(j) && resemblance.IsCopy(further[i], further[j]))
                {
                    group[Root(j)] = Root(i);
                }
            }
        }

        var followUps = Enumerable.Range(0, further.Count)
            .GroupBy(Root)
            .Select(members => (FollowUp: members.Select(i => further[i]).ToList(), Copies: new List<StoredStory>()))
            .ToList();
        foreach (var story in fresh.ExceptBy(further.Select(followUp => followUp.Id), other => other.Id).Where(story => !got.Any(sent => resemblance.IsCopy(story, sent))))
        {
            var copied = followUps.FindIndex(followUp => followUp.FollowUp.Any(other => resemblance.IsCopy(story, other)));
            if (copied >= 0)
            {
                followUps[copied].Copies.Add(story);
            }
        }

        return followUps;
    }

    private static string? LinkOf(StoredStory story) => string.IsNullOrWhiteSpace(story.Link) ? null : UrlCanonicalizer.Canonicalize(story.Link);
}
