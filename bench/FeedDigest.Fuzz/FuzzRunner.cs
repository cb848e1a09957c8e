using System.Diagnostics;
using System.Globalization;
using System.Text;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Fuzz;

public sealed record FuzzSettings
{
    public int Count { get; init; } = 100_000;

    public int Seed { get; init; } = 1;

    /// <summary>The first input's index; a run covers [First, First + Count).</summary>
    public long First { get; init; }

    /// <summary>An input that takes longer than this is a failure (the brief: none over a second).</summary>
    public TimeSpan SlowThreshold { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Inputs are cut to this size (default: the fetcher's default body cap).</summary>
    public int MaxInputBytes { get; init; } = FeedMutator.DefaultMaxInputBytes;

    /// <summary>Where failing inputs are written, each with a .txt beside it; null writes nothing.</summary>
    public string? FindingsDirectory { get; init; }
}

/// <summary>One input that broke a property.</summary>
/// <param name="Kind">exception, malformed (the result breaks its invariants), slow, hang or crash.</param>
/// <param name="Route">json or xml: the reader FeedParser sends the input to.</param>
/// <param name="Signature">What groups failures of one cause: the exception type and frame, or the mutation kinds.</param>
public sealed record FuzzFailure(string Kind, string Route, long Index, TimeSpan Elapsed, string Signature, string Detail, string? SavedAs);

/// <summary>What one input did: which reader took it, how long it took, how big it was, and what it broke, if anything.</summary>
public sealed record FuzzOutcome(long Index, string Route, long ElapsedTicks, int Bytes, IReadOnlyList<FuzzFailure> Failures);

/// <summary>
/// Runs generated inputs through the whole parse path, <see cref="FeedParser.Parse"/> (decoding,
/// sniffing, every reader, the mapping), one at a time on the calling thread, timing each one.
/// </summary>
/// <remarks>
/// A hung input cannot be interrupted inside the process; <see cref="FuzzSupervisor"/> runs this
/// in a child process for the long run and restarts it past such an input.
/// </remarks>
public static class FuzzRunner
{
    // Failing inputs saved per signature: the first few reproduce it; thousands would only fill the disk.
    private const int SavedPerSignature = 3;

    /// <summary>Runs in this process and gathers the report (the tests' way).</summary>
    public static FuzzReport Run(IReadOnlyList<SeedDocument> seeds, FuzzSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var mutator = new FeedMutator(seeds, settings.Seed, settings.MaxInputBytes);
        var report = new FuzzReport(mutator, seeds.Count, settings.SlowThreshold);
        var wall = Stopwatch.StartNew();
        foreach (var failure in WarmUp(seeds, settings.MaxInputBytes))
        {
            report.AddSeedFailure(failure);
        }

        Run(mutator, settings, report.Add);
        report.Elapsed = wall.Elapsed;
        return report;
    }

    /// <summary>
    /// Parses every seed once, untimed: first-use costs (JIT, regex and encoding tables) are not the
    /// inputs' fault, and the seeds themselves must parse too. Gives the seeds that failed. When inputs
    /// may be large (<paramref name="maxInputBytes"/> of a megabyte or more), large documents are parsed
    /// too (<see cref="WarmUpOnLargeDocuments"/>).
    /// </summary>
    public static List<string> WarmUp(IReadOnlyList<SeedDocument> seeds, int maxInputBytes)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            try
            {
                if (Check(FeedParser.Parse(seed.Bytes, null, null)) is { } violation)
                {
                    failures.Add($"{seed.Name}: {violation}");
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                failures.Add($"{seed.Name}: {exception}");
            }
        }

        if (maxInputBytes >= 1024 * 1024)
        {
            WarmUpOnLargeDocuments();
        }

        return failures;
    }

    /// <summary>
    /// Parses a few generated documents of over a megabyte (well-formed and broken RSS, Atom 1.0 and 0.3
    /// with XHTML titles, whole and broken), twice each, then waits for the JIT. The seeds are small:
    /// without this the first large input of a worker was read by code the JIT had not optimized yet
    /// (tiered compilation optimizes a method only after it has been called a while, in the
    /// background). Input 397 of seed 1 (7.8 MB, 58,200 Atom 0.3 entries) took 1.1–2.3 s at that
    /// point of a run and 0.3–0.5 s with every method optimized from the start
    /// (DOTNET_TieredCompilation=0): a first-use cost, not the input's.
    /// </summary>
    private static void WarmUpOnLargeDocuments()
    {
        const int Items = 12_000;
        var rssItem = "<item><title>Title &amp; more</title><link>https://warm.example/a</link><description>&lt;p&gt;Text&lt;/p&gt;</description><category>c</category><pubDate>Tue, 10 Mar 2026 08:30:00 GMT</pubDate></item>\n";
        var atomEntry = "<entry><id>urn:x</id><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Entry <b>title</b></p></div></title><link href=\"/a\"/><updated>2026-03-10T08:30:00Z</updated></entry>\n";
        var rss = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Warm</title>\n" + string.Concat(Enumerable.Repeat(rssItem, Items)) + "</channel></rss>";
        var atom = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Warm</title>\n" + string.Concat(Enumerable.Repeat(atomEntry, Items)) + "</feed>";
        string[] documents = [rss, rss.Replace("</channel>", "<broken></channel>", StringComparison.Ordinal), atom, atom + "<after/>", atom.Replace("version=\"1.0\"?>", "version=\"1.0\"?><!-- -->", StringComparison.Ordinal).Replace("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#", StringComparison.Ordinal)];
        for (var round = 0; round < 2; round++)
        {
            foreach (var document in documents)
            {
                FeedParser.Parse(System.Text.Encoding.UTF8.GetBytes(document), new Uri("https://warm.example/feed"), null);
            }
        }

        // Tier-1 compilation happens on a background thread once calls have been counted.
        Thread.Sleep(1000);
    }

    /// <summary>The loop itself: each input's outcome goes to <paramref name="sink"/> as soon as it is known.</summary>
    public static void Run(FeedMutator mutator, FuzzSettings settings, Action<FuzzOutcome> sink)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sink);
        var saved = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = settings.First; index < settings.First + settings.Count; index++)
        {
            var input = mutator.Create(index);
            var route = Route(input);
            var start = Stopwatch.GetTimestamp();
            ParsedFeed? result = null;
            Exception? escaped = null;
            try
            {
                result = FeedParser.Parse(input.Bytes, input.DocumentUri, input.DeclaredCharset);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Everything is caught: the property under test is that nothing escapes.
                escaped = exception;
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            var failures = new List<FuzzFailure>();
            if (escaped is not null)
            {
                failures.Add(Failure("exception", Signature(escaped), escaped.ToString()));
            }
            else if (Check(result) is { } violation)
            {
                failures.Add(Failure("malformed", violation, violation));
            }

            if (elapsed > settings.SlowThreshold)
            {
                // Timed again so a one-off pause (GC, another process) is told from a slow input.
                var again = Stopwatch.GetTimestamp();
                try
                {
                    FeedParser.Parse(input.Bytes, input.DocumentUri, input.DeclaredCharset);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    // Already recorded above.
                }

                var detail = string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMilliseconds:F0} ms, again {Stopwatch.GetElapsedTime(again).TotalMilliseconds:F0} ms");
                failures.Add(Failure("slow", MutationKinds(input), detail));
            }

            sink(new FuzzOutcome(index, route, elapsed.Ticks, input.Bytes.Length, failures));

            FuzzFailure Failure(string kind, string signature, string detail)
            {
                string? savedAs = null;
                saved.TryGetValue(signature, out var already);
                if (settings.FindingsDirectory is not null && already < SavedPerSignature)
                {
                    saved[signature] = already + 1;
                    savedAs = WriteFinding(settings.FindingsDirectory, kind, settings.Seed, input, $"{kind}: {signature}\n{detail}");
                }

                return new FuzzFailure(kind, route, index, elapsed, signature, detail, savedAs);
            }
        }
    }

    /// <summary>
    /// The reader FeedParser sends the input to, decided as it decides (decoded, then sniffed for a
    /// leading '{'); worked out before the clock starts.
    /// </summary>
    public static string Route(MutatedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = FeedTextDecoder.Decode(input.Bytes, input.DeclaredCharset, []).Text;
        return JsonFeedReader.LooksLikeJson(text) ? "json" : "xml";
    }

    /// <summary>The result's own invariants: collections present and free of nulls, bozo exactly when there are errors.</summary>
    public static string? Check(ParsedFeed? feed)
    {
        if (feed is null)
        {
            return "Parse returned null";
        }

        if (feed.Items is null || feed.Errors is null)
        {
            return "Items or Errors is null";
        }

        if (feed.Bozo != feed.Errors.Count > 0)
        {
            return $"Bozo is {feed.Bozo} with {feed.Errors.Count} errors";
        }

        foreach (var item in feed.Items)
        {
            if (item is null || item.Categories is null || item.Categories.Any(c => c is null))
            {
                return "an item, its Categories or a category is null";
            }
        }

        return null;
    }

    /// <summary>The mutation kinds without their positions: "insert deep-nesting-xml + repeat".</summary>
    public static string MutationKinds(MutatedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Mutations.Count == 0 ? "unmutated" : string.Join(" + ", input.Mutations.Select(m => m.Split('@')[0]));
    }

    /// <summary>Writes the input's bytes, and beside them a .txt saying how to reproduce it and what it did.</summary>
    public static string WriteFinding(string directory, string kind, int runSeed, MutatedInput input, string detail)
    {
        ArgumentNullException.ThrowIfNull(input);
        Directory.CreateDirectory(directory);
        var extension = Path.GetExtension(input.SeedName);
        var name = string.Create(CultureInfo.InvariantCulture, $"{kind}-seed{runSeed}-input{input.Index}{(string.IsNullOrEmpty(extension) ? ".bin" : extension)}");
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, input.Bytes);
        var notes = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"input: {input.Bytes.Length:N0} bytes, {FeedMutator.Describe(input, runSeed)}")
            .AppendLine(CultureInfo.InvariantCulture, $"regenerate: dotnet run --project bench/FeedDigest.Fuzz -c Release -- --seed {runSeed} --only {input.Index} (with the same seed documents)")
            .AppendLine(CultureInfo.InvariantCulture, $"or parse the saved bytes: FeedParser.Parse(File.ReadAllBytes(\"{name}\"), {(input.DocumentUri is null ? "null" : $"new Uri(\"{input.DocumentUri}\")")}, {(input.DeclaredCharset is null ? "null" : $"\"{input.DeclaredCharset}\"")})")
            .AppendLine(detail);
        File.WriteAllText(path + ".txt", notes.ToString());
        return path;
    }

    /// <summary>The exception type and the first stack frame in FeedDigest code (else the first frame).</summary>
    private static string Signature(Exception exception)
    {
        var frames = (exception.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var frame = frames.FirstOrDefault(f => f.Contains("FeedDigest.", StringComparison.Ordinal)) ?? (frames.Length > 0 ? frames[0] : "no stack");
        var inFile = frame.IndexOf(" in ", StringComparison.Ordinal);
        return $"{exception.GetType().FullName} {(inFile < 0 ? frame : frame[..inFile])}";
    }
}
