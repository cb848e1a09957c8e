using System.Text;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;

namespace FeedDigest.Tests.Topics;

public sealed class TopicMatcherTests
{
    private static readonly string[] Words = ["censorship", "censor", "censored", "vpn", "firewall", "great", "wechat", "weibo", "port", "ports", "café", "CAFE", "São", "Paulo", "shipping", "court", "fined", "e-mail", "ＶＰＮ", "art", "article"];
    private static readonly string[] CjkWords = ["审查", "网络", "微信", "微博", "关闭", "网络审查", "制度", "検閲", "검열"];
    private static readonly string[] Categories = ["Online censorship", "WeChat", "Markets", "微博", "Technology"];
    private static readonly string[] Languages = ["en", "zh", "zh-cn", "zh-tw", "ja"];

    [Fact]
    public void Match_RandomQueriesAndStories_EqualsEvaluatingEveryQuery()
    {
        var random = new Random(20261126);
        var feeds = Enumerable.Range(0, 6)
            .Select(i => new Feed($"feed-{i}", new Uri($"https://f{i}.example/rss"), i % 2 == 0 ? $"Outlet {Words[i]}" : null, [i % 3 == 0 ? "asia" : "world"], null) { Language = i == 5 ? null : Languages[i % Languages.Length] })
            .ToList();
        var topics = new List<Topic>();
        for (var i = 0; i < 400; i++)
        {
            var text = RandomQuery(random, depth: 0);
            Assert.True(TopicQuery.TryParse(text, out var query, out var error), $"{text}: {error?.Message}");
            var filter = (i % 7) switch
            {
                0 => new TopicFeedFilter(new HashSet<string> { "feed-0", "feed-3" }, new HashSet<string>()),
                1 => new TopicFeedFilter(null, new HashSet<string> { "feed-1" }),
                _ => TopicFeedFilter.AllFeeds,
            };
            topics.Add(new Topic($"t{i}", text, query, filter));
        }

        var matcher = new TopicMatcher(topics, feeds);
        var matches = 0;
        for (var s = 0; s < 1500; s++)
        {
            var story = RandomStory(random, s);
            var text = matcher.Read(story);
            var expected = topics.Where(t => t.Feeds.Allows(story.FeedId) && t.Query.Matches(text)).Select(t => t.Id).ToList();

            var actual = matcher.Match(story).Select(t => t.Id).ToList();

            Assert.True(expected.SequenceEqual(actual), $"story {s} \"{story.Title}\" / \"{story.Summary}\": expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            matches += actual.Count;
        }

        // The comparison means something only if stories match some topics and miss others.
        Assert.InRange(matches, 1500, 1500 * topics.Count / 2);
    }

    [Fact]
    public void Match_TopicLimitedToFeedsAndTags_MatchesOnlyStoriesFromThoseFeeds()
    {
        var catalog = Catalog(new TopicOptions { Id = "t", Query = "censorship", Feeds = ["harbor"], Tags = ["wire"] });

        Assert.Single(catalog.TopicMatcher.Match(Story("harbor", "Censorship")));
        Assert.Single(catalog.TopicMatcher.Match(Story("wire", "Censorship")));
        Assert.Empty(catalog.TopicMatcher.Match(Story("ledger", "Censorship")));
        Assert.Empty(catalog.TopicMatcher.Match(Story("gone", "Censorship")));
        Assert.Empty(catalog.TopicMatcher.Match(Story("harbor", "Shipping")));
    }

    [Fact]
    public void Match_TopicExcludingFeedsAndTags_SkipsStoriesFromThem()
    {
        var catalog = Catalog(new TopicOptions { Id = "t", Query = "censorship", ExcludeFeeds = ["harbor"], ExcludeTags = ["WIRE"] });

        Assert.Empty(catalog.TopicMatcher.Match(Story("harbor", "Censorship")));
        Assert.Empty(catalog.TopicMatcher.Match(Story("wire", "Censorship")));
        Assert.Single(catalog.TopicMatcher.Match(Story("ledger", "Censorship")));
        Assert.Single(catalog.TopicMatcher.Match(Story("gone", "Censorship")));
    }

    [Fact]
    public void Match_ExcludeWinsOverInclude()
    {
        var catalog = Catalog(new TopicOptions { Id = "t", Query = "censorship", Tags = ["asia"], ExcludeFeeds = ["wire"] });

        Assert.Single(catalog.TopicMatcher.Match(Story("harbor", "Censorship")));
        Assert.Empty(catalog.TopicMatcher.Match(Story("wire", "Censorship")));
    }

    [Fact]
    public void Match_SeveralTopics_ReturnsThoseMatchingInConfigurationOrder()
    {
        var catalog = Catalog(
            new TopicOptions { Id = "negated", Query = "NOT sports" },
            new TopicOptions { Id = "vpn", Query = "VPN OR proxy" },
            new TopicOptions { Id = "censorship", Keywords = ["censorship", "审查"] },
            new TopicOptions { Id = "chinese", Query = "lang:zh" });

        Assert.Equal(["negated", "vpn", "censorship"], catalog.TopicMatcher.Match(Story("wire", "VPN censorship")).Select(t => t.Id));
        Assert.Equal(["negated", "censorship", "chinese"], catalog.TopicMatcher.Match(Story("harbor", "加强网络审查")).Select(t => t.Id));
        Assert.Empty(catalog.TopicMatcher.Match(Story("ledger", "Sports results")));
    }

    private static Catalog Catalog(params TopicOptions[] topics)
    {
        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://harbor.example/rss", Tags = ["asia"], Language = "zh-CN" },
                new FeedOptions { Id = "wire", Url = "https://wire.example/rss", Tags = ["wire", "asia"], Language = "en" },
                new FeedOptions { Id = "ledger", Url = "https://ledger.example/rss", Tags = ["business"] },
            ],
            Topics = [.. topics],
        };
        Assert.True(Core.Configuration.Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        return catalog;
    }

    private static StoredStory Story(string feedId, string title) => TopicQueryMatchingTests.Story(title, feed: feedId);

    private static string RandomQuery(Random random, int depth)
    {
        var roll = random.Next(depth >= 3 ? 6 : 10);
        return roll switch
        {
            < 4 => RandomTerm(random),
            4 => "NOT " + RandomQuery(random, depth + 1),
            5 => "-" + RandomTerm(random),
            6 or 7 => $"{RandomQuery(random, depth + 1)} {RandomQuery(random, depth + 1)}",
            8 => $"{RandomQuery(random, depth + 1)} OR {RandomQuery(random, depth + 1)}",
            _ => $"{Scope(random)}({RandomQuery(random, depth + 1)} OR {RandomQuery(random, depth + 1)})",
        };
    }

    private static string Scope(Random random) => random.Next(5) switch
    {
        0 => "title:",
        1 => "summary:",
        2 => "category:",
        _ => string.Empty,
    };

    private static string RandomTerm(Random random) => random.Next(12) switch
    {
        < 4 => Words[random.Next(Words.Length)],
        4 => Words[random.Next(Words.Length)][..3].Trim('-') + "*",
        5 => $"\"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]}\"",
        6 or 7 => CjkWords[random.Next(CjkWords.Length)],
        8 => "title:" + Words[random.Next(Words.Length)],
        9 => $"category:\"{Categories[random.Next(Categories.Length)]}\"",
        10 => random.Next(3) == 0 ? "lang:" + Languages[random.Next(Languages.Length)][..1] + "*" : "lang:" + Languages[random.Next(Languages.Length)],
        _ => "source:" + (random.Next(2) == 0 ? "outlet" : $"feed-{random.Next(6)}"),
    };

    private static StoredStory RandomStory(Random random, int id)
    {
        string Text(int words)
        {
            var text = new StringBuilder();
            for (var i = 0; i < words; i++)
            {
                if (random.Next(3) == 0)
                {
                    text.Append(CjkWords[random.Next(CjkWords.Length)]);
                    if (random.Next(2) == 0)
                    {
                        text.Append(CjkWords[random.Next(CjkWords.Length)]);
                    }
                }
                else
                {
                    text.Append(Words[random.Next(Words.Length)]);
                }

                text.Append(random.Next(5) == 0 ? ", " : " ");
            }

            return text.ToString();
        }

        var categories = Enumerable.Range(0, random.Next(3)).Select(_ => Categories[random.Next(Categories.Length)]).ToList();
        return new StoredStory(id, id, $"feed-{random.Next(7)}", Text(1 + random.Next(6)), null, Text(random.Next(12)), null, categories, null, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
    }
}
