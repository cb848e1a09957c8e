using System.ServiceModel.Syndication;
using System.Xml;
using BenchmarkDotNet.Attributes;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Benchmarks;

/// <summary>
/// The same ~20 MiB of generated RSS 2.0 and Atom 1.0 feeds, read three ways: (a) a bare XmlReader
/// loop touching every node (and (a0), the same loop reading nothing), (b) SyndicationFeed.Load,
/// (c) FeedDigest's FeedParser.Parse. Each operation reads every document once, from its bytes.
/// </summary>
[MemoryDiagnoser]
public class ParseThroughputBenchmarks
{
    public const long TargetBytes = 20L * 1024 * 1024;

    private static readonly Uri DocumentUri = new("https://bench.example/feed.xml");

    // The reader defaults, as SyndicationFeed.Load(XmlReader) is usually given; the corpus has no DTD.
    private static readonly XmlReaderSettings ReaderSettings = new() { XmlResolver = null };

    private List<GeneratedFeed> feeds = [];

    [GlobalSetup]
    public void Setup() => feeds = FeedCorpusGenerator.Generate(TargetBytes);

    /// <summary>(a) Every node and attribute visited, and every value's length read: the floor for any XML feed reader.</summary>
    [Benchmark(Baseline = true, Description = "(a) XmlReader loop")]
    public long XmlReaderLoop()
    {
        long touched = 0;
        foreach (var feed in feeds)
        {
            using var reader = XmlReader.Create(new MemoryStream(feed.Bytes, writable: false), ReaderSettings);
            while (reader.Read())
            {
                touched += (int)reader.NodeType + reader.LocalName.Length + reader.Value.Length;
                while (reader.MoveToNextAttribute())
                {
                    touched += reader.LocalName.Length + reader.Value.Length;
                }
            }
        }

        return touched;
    }

    /// <summary>
    /// (a0) The lightest loop: every node visited, nothing read from it. Shown so the ratio to (a)
    /// can be read against both readings of "touching every node".
    /// </summary>
    [Benchmark(Description = "(a0) XmlReader, nodes only")]
    public long XmlReaderNodesOnly()
    {
        long nodes = 0;
        foreach (var feed in feeds)
        {
            using var reader = XmlReader.Create(new MemoryStream(feed.Bytes, writable: false), ReaderSettings);
            while (reader.Read())
            {
                nodes++;
            }
        }

        return nodes;
    }

    /// <summary>(b) The library FeedDigest builds on, without its hooks: items and their titles read.</summary>
    [Benchmark(Description = "(b) SyndicationFeed.Load")]
    public long SyndicationFeedLoad()
    {
        long touched = 0;
        foreach (var feed in feeds)
        {
            using var reader = XmlReader.Create(new MemoryStream(feed.Bytes, writable: false), ReaderSettings);
            var parsed = SyndicationFeed.Load(reader);
            foreach (var item in parsed.Items)
            {
                touched += item.Title?.Text.Length ?? 0;
            }
        }

        return touched;
    }

    /// <summary>(c) The whole parse path: decoding, repair, sniffing, isolated items, dates, plain-text titles, links.</summary>
    [Benchmark(Description = "(c) FeedParser.Parse")]
    public long FeedParserParse()
    {
        long touched = 0;
        foreach (var feed in feeds)
        {
            var parsed = FeedParser.Parse(feed.Bytes, DocumentUri);
            touched += parsed.Items.Count;
        }

        return touched;
    }
}
