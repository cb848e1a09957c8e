using System.Text;

namespace FeedDigest.ClusterBench;

/// <summary>
/// Deterministic synthetic news. A vocabulary of 60,000 made-up words drawn by a Zipf law stands
/// for ordinary words (the commonest ones are in most stories, as "says" and "new" are); each event
/// has four rare keywords (its names and places) and a topic word. A headline has two or three of
/// the keywords, sometimes the topic word and four to six ordinary words; 60% of stories have a
/// summary of 15–35 words, 15% of them keywords. Event sizes follow a Pareto law (half are single
/// stories, a few reach hundreds); stories of an event follow its start by an exponential delay
/// (mean 6 h). 5% of events are Chinese, written without spaces from 3,000 ideographs.
/// </summary>
internal sealed class SyntheticNews
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int VocabularySize = 60_000;
    private const int HanCount = 3_000;

    private readonly string[] words;
    private readonly double[] wordCdf;
    private readonly string[] han;
    private readonly double[] hanCdf;

    public SyntheticNews(int seed)
    {
        var random = new Random(seed);
        var syllables = new[] { "ka", "lo", "mi", "ten", "ra", "vos", "du", "pe", "shi", "an", "gor", "el", "nu", "bri", "to", "zar", "quin", "ho", "lem", "fa", "dre", "os", "ti", "mun" };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        words = new string[VocabularySize];
        for (var i = 0; i < words.Length;)
        {
            var builder = new StringBuilder();
            var count = 2 + random.Next(3);
            for (var s = 0; s < count; s++)
            {
                builder.Append(syllables[random.Next(syllables.Length)]);
            }

            if (seen.Add(builder.ToString()))
            {
                words[i++] = builder.ToString();
            }
        }

        wordCdf = ZipfCdf(VocabularySize, 1.0);
        han = Enumerable.Range(0, HanCount).Select(i => char.ConvertFromUtf32(0x4E00 + (i * 7))).ToArray();
        hanCdf = ZipfCdf(HanCount, 0.9);
    }

    public static DateTimeOffset End(TimeSpan span) => Start + span;

    /// <summary>Events until their sizes add up to at least <paramref name="stories"/>, starting uniformly over <paramref name="span"/>.</summary>
    public static List<SyntheticEvent> Events(int seed, long stories, TimeSpan span, long firstId = 1)
    {
        var random = new Random(seed);
        var events = new List<SyntheticEvent>();
        long total = 0;
        for (var id = firstId; total < stories; id++)
        {
            var size = (int)Math.Min(Math.Min(300, stories - total), Math.Floor(1 / Math.Pow(1 - random.NextDouble(), 1 / 1.2)));
            var start = Start + (span * random.NextDouble());
            events.Add(new SyntheticEvent(id, random.Next(), size, start, random.NextDouble() < 0.05));
            total += size;
        }

        return events;
    }

    /// <summary>The stories of an event, the same every time.</summary>
    public IEnumerable<SyntheticStory> Stories(SyntheticEvent e)
    {
        var random = new Random(e.Seed);
        var keywords = e.Chinese
            ? Enumerable.Range(0, 4).Select(_ => Han(random, uniform: true) + Han(random, uniform: true)).ToArray()
            : Enumerable.Range(0, 4).Select(_ => words[2_000 + random.Next(VocabularySize - 2_000)]).ToArray();
        var topic = e.Chinese ? Han(random, uniform: false) + Han(random, uniform: false) : words[200 + random.Next(1_800)];
        for (var i = 0; i < e.Size; i++)
        {
            yield return Story(random, e, keywords, topic, e.Start + TimeSpan.FromHours(i == 0 ? 0 : -6 * Math.Log(1 - random.NextDouble())));
        }
    }

    /// <summary>One more story of <paramref name="e"/>, at <paramref name="time"/>.</summary>
    public SyntheticStory FollowUp(SyntheticEvent e, Random random, DateTimeOffset time)
    {
        var first = new Random(e.Seed);
        var keywords = e.Chinese
            ? Enumerable.Range(0, 4).Select(_ => Han(first, uniform: true) + Han(first, uniform: true)).ToArray()
            : Enumerable.Range(0, 4).Select(_ => words[2_000 + first.Next(VocabularySize - 2_000)]).ToArray();
        var topic = e.Chinese ? Han(first, uniform: false) + Han(first, uniform: false) : words[200 + first.Next(1_800)];
        return Story(random, e, keywords, topic, time);
    }

    private SyntheticStory Story(Random random, SyntheticEvent e, string[] keywords, string topic, DateTimeOffset time)
    {
        var title = new List<string>();
        foreach (var keyword in keywords.OrderBy(_ => random.Next()).Take(2 + random.Next(2)))
        {
            title.Add(keyword);
        }

        if (random.NextDouble() < 0.5)
        {
            title.Add(topic);
        }

        for (var n = 4 + random.Next(3); n > 0; n--)
        {
            title.Add(Ordinary(random, e.Chinese));
        }

        Shuffle(random, title);
        string? summary = null;
        if (random.NextDouble() < 0.6)
        {
            var text = new List<string>();
            for (var n = 15 + random.Next(21); n > 0; n--)
            {
                text.Add(random.NextDouble() < 0.15 ? keywords[random.Next(keywords.Length)] : Ordinary(random, e.Chinese));
            }

            summary = string.Join(e.Chinese ? string.Empty : " ", text);
        }

        return new SyntheticStory(e.Id, string.Join(e.Chinese ? string.Empty : " ", title), summary, time);
    }

    private string Ordinary(Random random, bool chinese) =>
        chinese ? Han(random, uniform: false) + Han(random, uniform: false) : words[Pick(wordCdf, random.NextDouble())];

    private string Han(Random random, bool uniform) =>
        han[uniform ? random.Next(HanCount) : Pick(hanCdf, random.NextDouble())];

    private static void Shuffle<T>(Random random, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static double[] ZipfCdf(int count, double exponent)
    {
        var cdf = new double[count];
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += 1 / Math.Pow(i + 1, exponent);
            cdf[i] = sum;
        }

        for (var i = 0; i < count; i++)
        {
            cdf[i] /= sum;
        }

        return cdf;
    }

    private static int Pick(double[] cdf, double u)
    {
        var index = Array.BinarySearch(cdf, u);
        return Math.Min(cdf.Length - 1, index < 0 ? ~index : index);
    }
}
