using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Topics;

/// <summary>
/// All topics compiled into one matcher, so matching a story costs time that grows with the story's
/// length, not with the number of topics. Each query yields anchors, tokens at least one of which
/// occurs in any story it matches (<see cref="QueryNode.Anchors"/>): OR takes all its children's,
/// AND its cheapest child's. The story is tokenized once; each of its tokens (and each pair of
/// adjacent CJK characters) is looked up, each word walked down a trie of prefix* anchors, and only the
/// topics found that way, plus the few whose query has no anchors (a query that is only a NOT), have
/// their whole query evaluated. Immutable: one is built per configuration and shared.
/// </summary>
public sealed class TopicMatcher
{
    private readonly Topic[] topics;
    private readonly Dictionary<string, int[]> byToken;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> tokenLookup;
    private readonly PrefixTrie byPrefix = new();
    private readonly int[] alwaysEvaluated;
    private readonly Dictionary<string, FeedText> feeds;

    public TopicMatcher(IReadOnlyList<Topic> topics, IReadOnlyList<Feed> feeds)
    {
        this.topics = [.. topics];
        var byToken = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var always = new List<int>();
        for (var i = 0; i < this.topics.Length; i++)
        {
            if (this.topics[i].Query.Root.Anchors() is not { } anchors)
            {
                always.Add(i);
                continue;
            }

            foreach (var anchor in anchors.Items)
            {
                if (anchor.IsPrefix)
                {
                    byPrefix.Add(anchor.Key, i);
                    continue;
                }

                if (!byToken.TryGetValue(anchor.Key, out var list))
                {
                    byToken[anchor.Key] = list = [];
                }

                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }

        this.byToken = byToken.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        tokenLookup = this.byToken.GetAlternateLookup<ReadOnlySpan<char>>();
        alwaysEvaluated = [.. always];
        this.feeds = feeds.ToDictionary(f => f.Id, FeedText.Create, StringComparer.Ordinal);
    }

    public IReadOnlyList<Topic> Topics => topics;

    /// <summary>The topics the story matches, in configuration order.</summary>
    public IReadOnlyList<Topic> Match(StoredStory story)
    {
        var text = Read(story);
        var candidates = Candidates(text);
        if (candidates.Count == 0)
        {
            return [];
        }

        var matched = new List<Topic>();
        foreach (var index in candidates)
        {
            var topic = topics[index];
            if (topic.Feeds.Allows(story.FeedId) && topic.Query.Matches(text))
            {
                matched.Add(topic);
            }
        }

        return matched;
    }

    /// <summary>Whether the query matches the story, and which of its terms hit where; feed limits are not applied.</summary>
    public IReadOnlyList<TermHit> Explain(TopicQuery query, StoredStory story)
    {
        var text = Read(story);
        return query.Matches(text) ? query.Explain(text) : [];
    }

    /// <summary>The story's fields tokenized, with its feed's id, title and language.</summary>
    internal StoryText Read(StoredStory story)
    {
        var feed = feeds.GetValueOrDefault(story.FeedId) ?? FeedText.Unconfigured(story.FeedId);
        return StoryText.Create(story, feed.Source, feed.SimplifiedSource, feed.Language);
    }

    /// <summary>The topics worth evaluating for a story, in configuration order: those one of whose anchors it contains.</summary>
    internal List<int> Candidates(StoryText text)
    {
        var found = new HashSet<int>(alwaysEvaluated);
        AddCandidates(text.Title, found);
        AddCandidates(text.Summary, found);
        foreach (var category in text.Categories)
        {
            AddCandidates(category, found);
        }

        foreach (var source in text.Source)
        {
            AddCandidates(source, found);
        }

        if (feeds.GetValueOrDefault(text.FeedId) is { LanguageKeys: [.., var fullKey] } feed)
        {
            foreach (var key in feed.LanguageKeys)
            {
                AddMatches(key, found);
            }

            byPrefix.AddMatches(fullKey, found);
        }

        var sorted = found.ToList();
        sorted.Sort();
        return sorted;
    }

    private void AddCandidates(string[] tokens, HashSet<int> found)
    {
        Span<char> pair = stackalloc char[4];
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            AddMatches(token, found);
            if (!TopicText.IsCharacterToken(token))
            {
                byPrefix.AddMatches(token, found);
            }
            else if (i + 1 < tokens.Length && TopicText.IsCharacterToken(tokens[i + 1]))
            {
                var second = tokens[i + 1];
                token.CopyTo(pair);
                second.CopyTo(pair[token.Length..]);
                AddMatches(pair[..(token.Length + second.Length)], found);
            }
        }
    }

    private void AddMatches(ReadOnlySpan<char> key, HashSet<int> found)
    {
        if (tokenLookup.TryGetValue(key, out var topicIndexes))
        {
            found.UnionWith(topicIndexes);
        }
    }

    /// <summary>What topic queries see of a feed, computed once per configuration.</summary>
    /// <param name="Source">The tokens of the feed's id and title as written.</param>
    /// <param name="SimplifiedSource">The same with the title's Chinese characters in Simplified form (as written when it has kana): the title as a story read in that form reads it (<see cref="StoryText.Create"/>).</param>
    private sealed record FeedText(string[][] Source, string[][] SimplifiedSource, string? Language, string[] LanguageKeys)
    {
        public static FeedText Create(Feed feed)
        {
            var language = string.IsNullOrWhiteSpace(feed.Language) ? null : TermNode.NormalizeLanguage(feed.Language);
            string[] languageKeys = language is null ? [] : LanguageKeysOf(language);
            var id = TopicText.Tokenize(feed.Id);
            if (feed.Title is null)
            {
                return new FeedText([id], [id], language, languageKeys);
            }

            var title = TopicText.Tokenize(feed.Title);
            var simplifiedTitle = ChineseCharacters.Folds(feed.Title) ? TopicText.Simplified(title) : title;
            return new FeedText([id, title], [id, simplifiedTitle], language, languageKeys);
        }

        /// <summary>A story whose feed is no longer configured: known by its id alone.</summary>
        public static FeedText Unconfigured(string feedId)
        {
            string[][] source = [TopicText.Tokenize(feedId)];
            return new(source, source, null, []);
        }

        /// <summary>The keys a lang: term without * can be anchored on: zh-hant-tw gives zh, zh-hant and zh-hant-tw (the whole tag last).</summary>
        private static string[] LanguageKeysOf(string language)
        {
            var keys = new List<string>();
            for (var i = 0; i <= language.Length; i++)
            {
                if (i == language.Length || language[i] == '-')
                {
                    keys.Add(TermNode.LanguageKey(language[..i]));
                }
            }

            return [.. keys];
        }
    }
}
