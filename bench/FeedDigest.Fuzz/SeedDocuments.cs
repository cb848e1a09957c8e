using System.Text;

namespace FeedDigest.Fuzz;

/// <summary>One document the mutator starts from.</summary>
public sealed record SeedDocument(string Name, byte[] Bytes);

/// <summary>Where seed documents come from: directories of real feeds, and a few built in.</summary>
public static class SeedDocuments
{
    /// <summary>
    /// Every file directly in each directory, in ordinal name order so that a seed and an input
    /// index name the same input on every machine with the same files; except the conformance
    /// corpus's answer keys (*.expect.json, *.feedparser.json), which are parser outputs, not
    /// documents, and would outnumber the feeds two to one.
    /// </summary>
    public static List<SeedDocument> FromDirectories(IEnumerable<string> directories)
    {
        var seeds = new List<SeedDocument>();
        foreach (var directory in directories)
        {
            var files = Directory.GetFiles(directory);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (file.EndsWith(".expect.json", StringComparison.Ordinal) || file.EndsWith(".feedparser.json", StringComparison.Ordinal))
                {
                    continue;
                }

                seeds.Add(new SeedDocument($"{Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))}/{Path.GetFileName(file)}", File.ReadAllBytes(file)));
            }
        }

        return seeds;
    }

    /// <summary>
    /// The folder holding FeedDigest.sln, searched upwards from <paramref name="start"/>, or null.
    /// </summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FeedDigest.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// Small documents of each format, so a run covers every reader even when the directories hold
    /// only one kind (the repository's samples are all RSS and Atom).
    /// </summary>
    public static List<SeedDocument> BuiltIn() =>
    [
        Seed("builtin/jsonfeed-1.1.json", """
            {
              "version": "https://jsonfeed.org/version/1.1",
              "title": "Harbor Times",
              "home_page_url": "https://harbor.example/",
              "feed_url": "https://harbor.example/feed.json",
              "authors": [{"name": "Newsroom", "url": "https://harbor.example/about"}],
              "items": [
                {"id": "1", "url": "/news/1", "title": "Port reopens", "content_html": "<p>The port <b>reopened</b>.</p>",
                 "summary": "Reopened.", "date_published": "2026-03-10T08:30:00+08:00", "tags": ["Shipping", "Weather"]},
                {"id": 2, "external_url": "https://elsewhere.example/2", "content_text": "Ferry times change.",
                 "date_modified": "2026-03-09T23:15:00Z", "authors": [{"name": "Li Wei"}]}
              ]
            }
            """),
        Seed("builtin/jsonfeed-1.0.json", """
            {"version": "https://jsonfeed.org/version/1", "title": "North Wire", "author": {"name": "Ana Lima"},
             "items": [{"id": "n-1", "url": "https://north.example/1", "title": "Rates rise", "content_text": "a < b & c"}]}
            """),
        Seed("builtin/rss20.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
              <channel>
                <title>Harbor Times</title>
                <link>https://harbor.example/</link>
                <description>News</description>
                <item>
                  <title>Port reopens &amp; ships return</title>
                  <link>/news/port</link>
                  <guid isPermaLink="false">harbor-1</guid>
                  <pubDate>Tue, 10 Mar 2026 08:30:00 +0800</pubDate>
                  <dc:creator>Li Wei</dc:creator>
                  <description>&lt;p&gt;The port reopened.&lt;/p&gt;</description>
                  <content:encoded><![CDATA[<p>The port <b>reopened</b>.</p>]]></content:encoded>
                  <category>Shipping</category>
                  <enclosure url="https://harbor.example/a.mp3" length="1234" type="audio/mpeg"/>
                </item>
              </channel>
            </rss>
            """),
        Seed("builtin/atom10.atom", """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://north.example/blog/">
              <title type="html">North &lt;b&gt;Wire&lt;/b&gt;</title>
              <link rel="alternate" href="index.html"/>
              <id>tag:north.example,2026:blog</id>
              <updated>2026-03-10T08:00:00Z</updated>
              <entry xml:base="posts/">
                <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Rates <em>rise</em></div></title>
                <link rel="alternate" href="rates.html"/>
                <id>tag:north.example,2026:rates</id>
                <published>2026-03-10T09:00:00+01:00</published>
                <updated>2026-03-10T10:00:00+01:00</updated>
                <author><name>Ana Lima</name></author>
                <category term="Markets"/>
                <summary type="html">&lt;p&gt;Central bank moves.&lt;/p&gt;</summary>
                <content type="html">&lt;p&gt;More.&lt;/p&gt;</content>
              </entry>
            </feed>
            """),
        Seed("builtin/rss091.xml", """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91">
              <channel>
                <title>Old School</title>
                <link>http://old.example/</link>
                <description>Old</description>
                <language>en-us</language>
                <item><title>First</title><link>http://old.example/1</link></item>
              </channel>
            </rss>
            """),
        Seed("builtin/rdf.xml", """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
              <channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
              <item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link></item>
            </rdf:RDF>
            """),
    ];

    private static SeedDocument Seed(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));
}
