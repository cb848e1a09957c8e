using System.Globalization;
using System.Text.Json;
using FeedDigest.Core.Parsing;
using FeedDigest.Fuzz;

// Exit status: 0 when no exception escaped, no input took over the slow limit, none hung or
// crashed the process, and every result was well formed; 1 otherwise; 2 for a usage error.
const string Usage = """
    usage: feeddigest-fuzz [--count N] [--seed S] [--corpus DIR]... [--findings DIR]
                           [--slow-ms MS] [--max-bytes B] [--hang-seconds S] [--in-process] [--only INDEX]
           feeddigest-fuzz --file PATH [--uri URI] [--charset NAME]
      --count N          inputs to run (100000)
      --seed S           run seed (1); input I of seed S is the same bytes on every machine with the same seed documents
      --corpus DIR       seed documents: every file in DIR (repeatable; default /work/shared/corpus/parse and samples/feeds)
      --findings DIR     write each failing input (the first 3 per cause) and a .txt about it to DIR
      --slow-ms MS       an input slower than this fails the run (1000)
      --max-bytes B      inputs are cut to B bytes (10485760, the fetcher's default cap)
      --hang-seconds S   an input still running after S seconds is stopped with its worker process (20)
      --in-process       run in this process, without a worker (a hang then stops the run)
      --only INDEX       describe and parse input INDEX alone
      --file PATH        parse a saved input (a finding) three times in this process and print each time;
                         --uri and --charset give the document URI and declared charset its .txt names
    """;

var settings = new FuzzSettings();
var corpus = new List<string>();
var hangLimit = TimeSpan.FromSeconds(20);
var worker = false;
var inProcess = false;
long? only = null;
string? file = null;
Uri? fileUri = null;
string? fileCharset = null;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--count":
                settings = settings with { Count = int.Parse(Value(), CultureInfo.InvariantCulture) };
                break;
            case "--seed":
                settings = settings with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) };
                break;
            case "--from":
                settings = settings with { First = long.Parse(Value(), CultureInfo.InvariantCulture) };
                break;
            case "--corpus":
                corpus.Add(Value());
                break;
            case "--findings":
                settings = settings with { FindingsDirectory = Path.GetFullPath(Value()) };
                break;
            case "--slow-ms":
                settings = settings with { SlowThreshold = TimeSpan.FromMilliseconds(double.Parse(Value(), CultureInfo.InvariantCulture)) };
                break;
            case "--max-bytes":
                settings = settings with { MaxInputBytes = int.Parse(Value(), CultureInfo.InvariantCulture) };
                break;
            case "--hang-seconds":
                hangLimit = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture));
                break;
            case "--only":
                only = long.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--file":
                file = Value();
                break;
            case "--uri":
                fileUri = new Uri(Value(), UriKind.Absolute);
                break;
            case "--charset":
                fileCharset = Value();
                break;
            case "--in-process":
                inProcess = true;
                break;
            case "--worker":
                // Internal: a child of the supervisor, which reads its JSON lines.
                worker = true;
                break;
            case "-h" or "--help":
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new ArgumentException($"unknown option {args[i]}");
        }
    }
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

if (file is not null)
{
    // A saved input, timed as the runner times one (a Stopwatch around FeedParser.Parse); the first
    // parse includes compiling the parser's code.
    var bytes = File.ReadAllBytes(file);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: {bytes.Length:N0} bytes, uri {fileUri?.ToString() ?? "none"}, charset {fileCharset ?? "none"}"));
    ParsedFeed? parsed = null;
    for (var run = 1; run <= 3; run++)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        parsed = FeedParser.Parse(bytes, fileUri, fileCharset);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parse {run}: {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result: format {parsed!.Format}, {parsed.Items.Count} items, bozo {parsed.Bozo}"));
    foreach (var error in parsed.Errors.Take(5))
    {
        Console.WriteLine($"  {(error.Length > 300 ? error[..300] + "…" : error)}");
    }

    return 0;
}

if (corpus.Count == 0)
{
    // The shared conformance corpus where it exists, and the repository's own samples.
    corpus.Add("/work/shared/corpus/parse");
    if ((SeedDocuments.FindRepositoryRoot(AppContext.BaseDirectory) ?? SeedDocuments.FindRepositoryRoot(Environment.CurrentDirectory)) is { } root)
    {
        corpus.Add(Path.Combine(root, "samples", "feeds"));
    }
}

var log = worker ? Console.Error : Console.Out;
foreach (var directory in corpus.Where(d => !Directory.Exists(d)).ToList())
{
    log.WriteLine($"note: seed directory {directory} does not exist; skipped");
    corpus.Remove(directory);
}

var seeds = SeedDocuments.FromDirectories(corpus);
seeds.AddRange(SeedDocuments.BuiltIn());

if (worker)
{
    // One JSON line when warmed up, then one per input, flushed so the supervisor sees a hang at once.
    using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
    stdout.WriteLine(JsonSerializer.Serialize(new FuzzSupervisor.Ready(FuzzRunner.WarmUp(seeds, settings.MaxInputBytes)), FuzzSupervisor.Json));
    FuzzRunner.Run(new FeedMutator(seeds, settings.Seed, settings.MaxInputBytes), settings, outcome => stdout.WriteLine(JsonSerializer.Serialize(outcome, FuzzSupervisor.Json)));
    return 0;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeds: {seeds.Count} documents from {string.Join(", ", corpus)} and {SeedDocuments.BuiltIn().Count} built in"));
if (only is { } index)
{
    var input = new FeedMutator(seeds, settings.Seed, settings.MaxInputBytes).Create(index);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"input {index}: {input.Bytes.Length:N0} bytes, {FeedMutator.Describe(input, settings.Seed)}"));
    try
    {
        var feed = FeedParser.Parse(input.Bytes, input.DocumentUri, input.DeclaredCharset);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result: format {feed.Format}, {feed.Items.Count} items, bozo {feed.Bozo}"));
        foreach (var error in feed.Errors.Take(5))
        {
            Console.WriteLine($"  {(error.Length > 300 ? error[..300] + "…" : error)}");
        }
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        Console.WriteLine($"result: {exception}");
    }

    settings = settings with { First = index, Count = 1 };
}

var report = inProcess || only is not null
    ? FuzzRunner.Run(seeds, settings)
    : FuzzSupervisor.Run(seeds, corpus, settings, hangLimit, Console.Out);
report.WriteTo(Console.Out);
return report.Passed ? 0 : 1;
