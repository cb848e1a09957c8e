using System.Text;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;

namespace FeedDigest.TopicBench;

/// <summary>
/// Stories and topic queries made up from one seed. Words follow a Zipf distribution over a
/// vocabulary of pseudo-English words (some with accents) and of two- and three-character Chinese
/// words, as news text does; a quarter of the stories are Chinese. Topic terms are drawn from the
/// middle and tail of the vocabulary, as real topics name specific things rather than "the".
/// </summary>
internal sealed class SyntheticCorpus
{
    private static readonly string[] Syllables =
    [
        "ka", "to", "ri", "ne", "sho", "mal", "ver", "den", "lu", "pra", "sen", "cor", "tif", "ba", "gi", "mo",
        "ran", "pel", "stu", "dro", "vi", "nor", "quel", "fa", "han", "zu", "ter", "lin", "os", "me", "ad", "wek",
    ];

    private static readonly char[] Accented = ['é', 'ü', 'ã', 'ø', 'ç', 'ñ'];
    private const int LatinWords = 60_000;
    private const int ChineseWords = 20_000;
    private const int Categories = 200;

    private readonly Random random;
    private readonly string[] latin;
    private readonly string[] chinese;
    private readonly string[] categories;
    private readonly ZipfSampler latinSampler;
    private readonly ZipfSampler chineseSampler;

    public SyntheticCorpus(int seed)
    {
        random = new Random(seed);
        latin = MakeLatinWords();
        chinese = MakeChineseWords();
        categories = Enumerable.Range(0, Categories).Select(i => i % 5 == 0 ? chinese[i * 7] : $"{latin[i * 3 + 50]} {latin[i * 5 + 80]}").ToArray();
        latinSampler = new ZipfSampler(latin.Length, 1.05, random);
        chineseSampler = new ZipfSampler(chinese.Length, 1.0, random);
        Feeds = Enumerable.Range(0, 40)
            .Select(i => new Feed($"outlet-{i}", new Uri($"https://outlet{i}.example/rss"), i % 4 == 0 ? $"新闻{chinese[i + 100]}" : $"The {Capitalize(latin[i + 300])} {(i % 3 == 0 ? "Times" : "Wire")}", [i % 2 == 0 ? "asia" : "world", $"desk-{i % 5}"], null)
            {
                Language = i % 4 == 0 ? "zh-CN" : "en",
            })
            .ToList();
    }

    public IReadOnlyList<Feed> Feeds { get; }

    public List<StoredStory> Stories(int count)
    {
        var stories = new List<StoredStory>(count);
        for (var i = 0; i < count; i++)
        {
            var feed = Feeds[random.Next(Feeds.Count)];
            var isChinese = feed.Language == "zh-CN";
            var title = isChinese ? ChineseText(8 + random.Next(10)) : LatinText(6 + random.Next(9), sentence: false);
            var summary = isChinese ? ChineseText(40 + random.Next(60)) : LatinText(25 + random.Next(40), sentence: true);
            var storyCategories = Enumerable.Range(0, random.Next(4)).Select(_ => categories[random.Next(categories.Length)]).ToList();
            stories.Add(new StoredStory(i + 1, i + 1, feed.Id, title, $"https://{feed.Id}.example/{i}", summary, null, storyCategories, null, DateTimeOffset.UnixEpoch.AddMinutes(i)));
        }

        return stories;
    }

    /// <summary>Topics with phrases, ORs, NOTs, prefixes, scopes, feed limits and Chinese terms, in a fixed mix.</summary>
    public List<Topic> Topics(int count)
    {
        var topics = new List<Topic>(count);
        for (var i = 0; i < count; i++)
        {
            var text = (i % 10) switch
            {
                0 => $"\"{Term()} {Term()}\" OR {Term()} OR {Prefix()}",
                1 => $"({Term()} OR {Term()}) ({Term()} OR \"{Term()} {Term()}\") -{Term()}",
                2 => $"title:{Term()} OR summary:\"{Term()} {Term()}\" OR title:({Prefix()} {Term()})",
                3 => $"{Chinese()} OR {Chinese()} OR ({Term()} {Chinese()})",
                4 => $"category:\"{categories[random.Next(categories.Length)]}\" ({Prefix()} OR {Term()})",
                5 => $"source:{Feeds[random.Next(Feeds.Count)].Id} ({Term()} OR {Term()} OR {Term()})",
                6 => $"lang:zh ({Chinese()} OR {Chinese()}) NOT {Chinese()}",
                7 => $"{Term()} AND ({Term()} OR {Prefix()}) AND NOT (\"{Term()} {Term()}\" OR {Term()})",
                8 => string.Join(" OR ", Enumerable.Range(0, 6).Select(_ => random.Next(3) == 0 ? Chinese() : Term())),
                _ => $"{Term()} {Term()} OR {Chinese()}{Chinese()}",
            };
            if (!TopicQuery.TryParse(text, out var query, out var error))
            {
                throw new InvalidOperationException($"generated query \"{text}\" does not parse: {error.Message}");
            }

            var filter = (i % 13) switch
            {
                0 => new TopicFeedFilter(Feeds.Where(f => f.Tags.Contains("asia")).Select(f => f.Id).ToHashSet(), new HashSet<string>()),
                1 => new TopicFeedFilter(null, new HashSet<string> { Feeds[random.Next(Feeds.Count)].Id }),
                _ => TopicFeedFilter.AllFeeds,
            };
            topics.Add(new Topic($"topic-{i}", text, query, filter));
        }

        return topics;
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>
    /// A word from rank 5,000 on, log-uniformly: topics name specific things (people, places,
    /// products), so each of their words occurs in well under 0.1% of the stories.
    /// </summary>
    private string Term() => latin[LogUniform(5_000, latin.Length)];

    /// <summary>A word's stem, as people write censor* for censorship: the word less its last one or two letters.</summary>
    private string Prefix()
    {
        var word = Term();
        return word[..Math.Max(Math.Min(5, word.Length), word.Length - 1 - random.Next(2))] + "*";
    }

    private string Chinese() => chinese[LogUniform(3_000, chinese.Length)];

    private int LogUniform(int from, int to) => Math.Min(to - 1, (int)(from * Math.Exp(random.NextDouble() * Math.Log((double)to / from))));

    private string LatinText(int words, bool sentence)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            var word = latin[latinSampler.Next()];
            text.Append(i == 0 || (sentence && random.Next(12) == 0) ? Capitalize(word) : word);
            text.Append(sentence && random.Next(10) == 0 ? ", " : " ");
        }

        return text.Append(sentence ? "." : string.Empty).ToString();
    }

    private string ChineseText(int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            text.Append(random.Next(15) == 0 ? latin[latinSampler.Next()] + " " : chinese[chineseSampler.Next()]);
            if (random.Next(12) == 0)
            {
                text.Append('，');
            }
        }

        return text.Append('。').ToString();
    }

    private string[] MakeLatinWords()
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < LatinWords)
        {
            var word = new StringBuilder();
            var syllables = 1 + random.Next(words.Count < 200 ? 2 : 4);
            for (var s = 0; s < syllables; s++)
            {
                word.Append(Syllables[random.Next(Syllables.Length)]);
            }

            if (random.Next(20) == 0)
            {
                word[random.Next(word.Length)] = Accented[random.Next(Accented.Length)];
            }

            words.Add(word.ToString());
        }

        return [.. words];
    }

    private string[] MakeChineseWords()
    {
        // The 3,000 most common characters sit, roughly, among the first 20,000 of the CJK block.
        var characters = Enumerable.Range(0, 3000).Select(_ => (char)(0x4E00 + random.Next(0x5000))).Distinct().ToArray();
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < ChineseWords)
        {
            var length = random.Next(5) == 0 ? 3 : 2;
            words.Add(new string(Enumerable.Range(0, length).Select(_ => characters[random.Next(characters.Length)]).ToArray()));
        }

        return [.. words];
    }
}
