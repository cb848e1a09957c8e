using System.Globalization;
using System.Net;
using System.Text;

namespace FeedDigest.Benchmarks;

/// <summary>One generated feed document.</summary>
public sealed record GeneratedFeed(string Name, bool IsAtom, byte[] Bytes, int ItemCount);

/// <summary>
/// Deterministic, realistic feeds in memory, after the shape of /work/shared/bench/gen-feeds.py:
/// two thirds RSS 2.0 and one third Atom 1.0, 20 to 100 items each, news and blog prose with HTML
/// descriptions (paragraphs, inline markup, links, images, lists), RSS descriptions in CDATA or
/// entity-escaped, a third of the feeds with full content, some Atom with XHTML content and HTML
/// titles, and one feed in seven in Chinese or Japanese.
/// </summary>
public static class FeedCorpusGenerator
{
    private static readonly string[] Subjects =
    [
        "City council", "Federal regulators", "Researchers", "The central bank", "Lawmakers", "Local schools",
        "Health officials", "Climate scientists", "Union leaders", "Investors", "Port authority", "Transit agency",
    ];

    private static readonly string[] Verbs = ["approve", "reject", "unveil", "delay", "announce", "investigate", "back", "review", "launch", "probe"];

    private static readonly string[] Objects =
    [
        "new budget plan", "rate hike", "transit expansion", "data privacy rules", "housing bill", "tax overhaul",
        "$4.2B merger deal", "school funding", "trade agreement", "bridge repairs", "pension reform", "flood defenses",
    ];

    private static readonly string[] Fillers =
    [
        "officials said", "according to documents seen by reporters", "the report found", "critics argue",
        "supporters say", "data released on Tuesday show", "in a statement", "analysts expect",
    ];

    private static readonly string[] Names = ["Ana Alvarez", "Ben Cho", "Chloé Dubois", "Dmitri Petrov", "Hana Ito", "Liam O'Neill", "Marta Rossi", "Wen Zhang"];

    private static readonly string[] Categories = ["Politics", "Business", "Tech", "Science", "World", "Local", "Opinion", "Health"];

    private static readonly string[] Chinese = ["政府", "宣布", "新的", "经济", "政策", "科技", "公司", "发布", "市场", "增长", "城市", "交通", "研究", "人工智能"];

    private static readonly string[] Japanese = ["政府", "発表", "新しい", "経済", "対策", "について", "東京", "企業", "開発", "研究者", "調査", "結果", "の", "が", "を"];

    private static readonly DateTimeOffset Epoch = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Feeds until their sizes add up to at least <paramref name="targetBytes"/>.</summary>
    public static List<GeneratedFeed> Generate(long targetBytes, int seed = 20260310)
    {
        var random = new Random(seed);
        var feeds = new List<GeneratedFeed>();
        long total = 0;
        for (var index = 0; total < targetBytes; index++)
        {
            var feed = index % 3 == 2 ? Atom(random, index) : Rss(random, index);
            feeds.Add(feed);
            total += feed.Bytes.Length;
        }

        return feeds;
    }

    private static GeneratedFeed Rss(Random random, int index)
    {
        var language = Language(random);
        var host = $"site{index:D4}.example";
        var cdata = random.Next(10) < 6;
        var fullContent = random.Next(3) == 0;
        var items = random.Next(20, 101);
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
            .Append("<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n")
            .Append(Inv($"<title>{Escape(FeedTitle(random, language, index))}</title>\n<link>https://{host}/</link>\n<description>Latest news</description>\n"))
            .Append(Inv($"<atom:link href=\"https://{host}/feed.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n<language>{language}</language>\n<ttl>30</ttl>\n"));
        for (var k = 0; k < items; k++)
        {
            var title = Headline(random, language);
            var link = Inv($"https://{host}/2026/03/{k:D3}-{index}");
            var when = Epoch.AddMinutes(-(k * 37) - random.Next(30));
            xml.Append("<item>\n")
                .Append(Inv($"<title>{Escape(title)}</title>\n<link>{link}</link>\n"))
                .Append(Inv($"<guid isPermaLink=\"{(k % 3 == 0 ? "false" : "true")}\">{(k % 3 == 0 ? $"{host}-{k}" : link)}</guid>\n"))
                .Append(Inv($"<pubDate>{when.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)}</pubDate>\n"))
                .Append(k % 2 == 0
                    ? Inv($"<dc:creator>{Escape(Names[random.Next(Names.Length)])}</dc:creator>\n")
                    : Inv($"<author>news@{host} ({Escape(Names[random.Next(Names.Length)])})</author>\n"));
            foreach (var category in Categories.Where(_ => random.Next(5) == 0))
            {
                xml.Append(Inv($"<category>{category}</category>\n"));
            }

            var summary = Html(random, language, link, paragraphs: random.Next(1, 4));
            xml.Append("<description>").Append(cdata ? $"<![CDATA[{summary}]]>" : Escape(summary)).Append("</description>\n");
            if (fullContent)
            {
                xml.Append("<content:encoded><![CDATA[").Append(Html(random, language, link, paragraphs: random.Next(4, 12))).Append("]]></content:encoded>\n");
            }

            xml.Append("</item>\n");
        }

        xml.Append("</channel>\n</rss>\n");
        return new GeneratedFeed(Inv($"feed{index:D4}.rss"), false, Encoding.UTF8.GetBytes(xml.ToString()), items);
    }

    private static GeneratedFeed Atom(Random random, int index)
    {
        var language = Language(random);
        var host = $"site{index:D4}.example";
        var xhtml = random.Next(10) < 3;
        var fullContent = random.Next(3) == 0;
        var items = random.Next(20, 101);
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
            .Append(Inv($"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{language}\">\n"))
            .Append(Inv($"<title>{Escape(FeedTitle(random, language, index))}</title>\n<subtitle>Latest posts</subtitle>\n"))
            .Append(Inv($"<link rel=\"self\" type=\"application/atom+xml\" href=\"https://{host}/feed.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"https://{host}/\"/>\n"))
            .Append(Inv($"<id>tag:{host},2026:feed</id>\n<updated>{Epoch:yyyy-MM-ddTHH:mm:ssZ}</updated>\n"));
        for (var k = 0; k < items; k++)
        {
            var title = Headline(random, language);
            var link = Inv($"https://{host}/posts/{k:D3}-{index}");
            var when = Epoch.AddMinutes(-(k * 53) - random.Next(30));
            xml.Append("<entry>\n")
                .Append(k % 3 == 0
                    ? Inv($"<title type=\"html\">{Escape(Escape(title))}</title>\n")
                    : Inv($"<title>{Escape(title)}</title>\n"))
                .Append(Inv($"<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n<id>tag:{host},2026:{k}</id>\n"))
                .Append(Inv($"<published>{when:yyyy-MM-ddTHH:mm:ssZ}</published>\n<updated>{when.AddMinutes(random.Next(2) * 90):yyyy-MM-ddTHH:mm:ssZ}</updated>\n"))
                .Append(Inv($"<author><name>{Escape(Names[random.Next(Names.Length)])}</name></author>\n"));
            foreach (var category in Categories.Where(_ => random.Next(5) == 0))
            {
                xml.Append(Inv($"<category term=\"{category}\"/>\n"));
            }

            xml.Append("<summary type=\"html\">").Append(Escape(Html(random, language, link, paragraphs: random.Next(1, 3)))).Append("</summary>\n");
            if (fullContent)
            {
                var content = Html(random, language, link, paragraphs: random.Next(4, 12), xhtml);
                xml.Append(xhtml
                    ? $"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">{content}</div></content>\n"
                    : $"<content type=\"html\">{Escape(content)}</content>\n");
            }

            xml.Append("</entry>\n");
        }

        xml.Append("</feed>\n");
        return new GeneratedFeed(Inv($"feed{index:D4}.atom"), true, Encoding.UTF8.GetBytes(xml.ToString()), items);
    }

    private static string Language(Random random) => random.Next(14) switch
    {
        0 => "zh-CN",
        1 => "ja",
        _ => "en-us",
    };

    private static string FeedTitle(Random random, string language, int index) => language switch
    {
        "zh-CN" => Inv($"科技前沿 {index}"),
        "ja" => Inv($"東京新報 {index}"),
        _ => Inv($"The {Subjects[random.Next(Subjects.Length)].Split(' ')[^1]} Ledger {index}"),
    };

    private static string Headline(Random random, string language) => language switch
    {
        "zh-CN" => Words(random, Chinese, random.Next(5, 10), string.Empty),
        "ja" => Words(random, Japanese, random.Next(5, 10), string.Empty),
        _ => $"{Subjects[random.Next(Subjects.Length)]} {Verbs[random.Next(Verbs.Length)]} {Objects[random.Next(Objects.Length)]}",
    };

    private static string Sentence(Random random, string language) => language switch
    {
        "zh-CN" => Words(random, Chinese, random.Next(8, 16), string.Empty) + "。",
        "ja" => Words(random, Japanese, random.Next(8, 16), string.Empty) + "。",
        _ => $"{Subjects[random.Next(Subjects.Length)]} will {Verbs[random.Next(Verbs.Length)]} the {Objects[random.Next(Objects.Length)]}, {Fillers[random.Next(Fillers.Length)]}.",
    };

    private static string Words(Random random, string[] words, int count, string separator) =>
        string.Join(separator, Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));

    /// <summary>HTML of a few paragraphs; well-formed XHTML when <paramref name="xhtml"/>.</summary>
    private static string Html(Random random, string language, string link, int paragraphs, bool xhtml = false)
    {
        var html = new StringBuilder();
        if (random.Next(5) == 0)
        {
            html.Append(Inv($"<img src=\"{link}/photo.jpg\" alt=\"photo\" width=\"640\" height=\"360\"{(xhtml ? " /" : string.Empty)}>"));
        }

        for (var p = 0; p < paragraphs; p++)
        {
            var sentences = Enumerable.Range(0, random.Next(1, 5)).Select(_ => WebUtility.HtmlEncode(Sentence(random, language))).ToList();
            if (random.Next(4) == 0)
            {
                sentences[0] = $"<b>{sentences[0]}</b>";
            }

            if (random.Next(4) == 0)
            {
                sentences[^1] = Inv($"<a href=\"{link}#ref{p}\">{sentences[^1]}</a>");
            }

            html.Append("<p>").AppendJoin(' ', sentences).Append("</p>\n");
        }

        if (random.Next(3) == 0)
        {
            html.Append("<ul>").AppendJoin(string.Empty, Enumerable.Range(0, random.Next(2, 6)).Select(_ => $"<li>{WebUtility.HtmlEncode(Objects[random.Next(Objects.Length)])}</li>")).Append("</ul>\n");
        }

        html.Append(Inv($"<p><a href=\"{link}\">Continue reading{(xhtml ? "&#8230;" : "&hellip;")}</a></p>"));
        return html.ToString();
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
