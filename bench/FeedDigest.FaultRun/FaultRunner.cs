using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace FeedDigest.FaultRun;

public sealed class FaultRunOptions
{
    /// <summary>The Service project's build output of the configuration this program was built in.</summary>
    public static string DefaultFeedDigestDll { get; } = typeof(FaultRunOptions).Assembly
        .GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false)
        .Cast<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FeedDigestBuild").Value!;

    /// <summary>The feeddigest.dll to run (a build or a `dotnet publish` output).</summary>
    public string FeedDigestDll { get; init; } = DefaultFeedDigestDll;

    /// <summary>How many times the service is killed with SIGKILL and started again.</summary>
    public int Kills { get; init; } = 50;

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Each run lives for a random time between these before it is killed (start-up included).</summary>
    public TimeSpan MinUptime { get; init; } = TimeSpan.FromSeconds(0.5);

    public TimeSpan MaxUptime { get; init; } = TimeSpan.FromSeconds(7);

    /// <summary>
    /// How long the last, undisturbed run may take to deliver everything. Feeds cannot be polled more
    /// often than once a minute (Polling:DefaultInterval), so the items published last wait up to a
    /// feed's poll interval (with <see cref="PollIntervalSpread"/>, under two minutes) and its 10%
    /// jitter to be fetched.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(150);

    /// <summary>Kept open after everything is delivered, so a late duplicate would still be seen.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(4);

    public int FeedCount { get; init; } = 8;

    /// <summary>
    /// Feed i is polled every minute plus i/FeedCount of this: feeds first polled together drift
    /// apart, so new stories, and the digests claimed and sent for them, come every few seconds
    /// rather than in one burst a minute. Zero polls every feed once a minute (a shorter drain).
    /// </summary>
    public TimeSpan PollIntervalSpread { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the database, configuration and service log go; null: a new temporary folder.</summary>
    public string? WorkDirectory { get; init; }
}

/// <summary>What a fault run saw; <see cref="Passed"/> when no story was lost or sent in two digests.</summary>
public sealed record FaultRunResult(
    int Runs,
    int Kills,
    int StoriesPublished,
    int Edits,
    int ExpectedDeliveries,
    int Deliveries,
    int DigestsAccepted,
    int CrossDigestDuplicates,
    int SameMessageIdRepeats,
    int Losses,
    int Unexpected,
    IReadOnlyList<string> Problems,
    string WorkDirectory)
{
    public bool Passed => Losses == 0 && CrossDigestDuplicates == 0 && Unexpected == 0 && Problems.Count == 0;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"runs {Runs}, kills {Kills}, stories published {StoriesPublished} (edits {Edits}), expected deliveries {ExpectedDeliveries}, deliveries {Deliveries} in {DigestsAccepted} accepted digests, duplicates across digests {CrossDigestDuplicates}, same-Message-ID repeats {SameMessageIdRepeats}, losses {Losses}, unexpected {Unexpected}");
}

/// <summary>
/// Runs the feeddigest service against changing feeds and an SMTP sink, kills it with SIGKILL at
/// random moments and starts it again, then lets a last run deliver everything and checks that each
/// subscriber got every story matching their topics exactly once (a digest accepted again under the
/// same Message-ID is the documented window, counted apart).
/// </summary>
public static class FaultRunner
{
    /// <summary>Topic words; each topic matches the items whose title carries its word.</summary>
    private static readonly string[] TopicWords = ["aurora", "basalt", "cobalt"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Subscribers on different topics and rhythms (six-field crons: every 2 or 3 seconds).</summary>
    private static readonly (string Email, string[] Topics, string Cron)[] Subscribers =
    [
        ("ana@example.org", ["aurora"], "*/2 * * * * *"),
        ("ben@example.org", ["basalt"], "*/3 * * * * *"),
        ("chen@example.org", ["aurora", "cobalt"], "*/2 * * * * *"),
        ("dora@example.org", ["basalt", "cobalt"], "*/3 * * * * *"),
    ];

    public static async Task<FaultRunResult> RunAsync(FaultRunOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.FeedDigestDll))
        {
            throw new FileNotFoundException("feeddigest.dll not found; build or publish src/FeedDigest.Service first", options.FeedDigestDll);
        }

        var random = new Random(options.Seed);
        var workDirectory = options.WorkDirectory ?? Directory.CreateTempSubdirectory("feeddigest-faultrun-").FullName;
        Directory.CreateDirectory(workDirectory);
        var problems = new List<string>();
        await using var feeds = await ChangingFeedServer.StartAsync(options.FeedCount, TopicWords, new Random(random.Next()));
        await using var smtp = SmtpSink.Start();
        var configPath = Path.Combine(workDirectory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, Configuration(workDirectory, feeds, smtp.Port, options.PollIntervalSpread), cancellationToken);
        await using var serviceLog = new StreamWriter(Path.Combine(workDirectory, "service.log"), append: true) { AutoFlush = true };
        log.WriteLine($"fault run: seed {options.Seed}, {options.Kills} kills, work directory {workDirectory}");

        for (var feed = 0; feed < options.FeedCount; feed++)
        {
            feeds.Publish();
        }

        // Feeds change all through the kills: a new item about every 0.7 s, an edit every fourth step.
        using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publishing = PublishAsync(feeds, new Random(random.Next()), stopPublishing.Token);

        var runs = 0;
        for (var kill = 1; kill <= options.Kills; kill++)
        {
            using var service = StartService(options.FeedDigestDll, workDirectory, configPath, serviceLog, ++runs);
            var uptime = options.MinUptime + (options.MaxUptime - options.MinUptime) * random.NextDouble();
            await Task.Delay(uptime, cancellationToken);
            if (service.HasExited)
            {
                problems.Add($"run {runs} exited on its own with status {service.ExitCode} before its kill (see service.log)");
            }
            else
            {
                // Process.Kill is SIGKILL on Unix: no shutdown code runs, as in a power cut.
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync(cancellationToken);
            }

            WriteLine(serviceLog, $"=== run {runs} killed after {uptime.TotalSeconds:F2} s");
            log.WriteLine($"run {runs}: killed after {uptime.TotalSeconds:F2} s; {smtp.Snapshot().Count} messages accepted so far");
        }

        await stopPublishing.CancelAsync();
        await publishing;

        // The last run is left alone until every expected story has arrived, then a little longer.
        var published = feeds.Snapshot();
        var expected = Expected(published);
        using (var last = StartService(options.FeedDigestDll, workDirectory, configPath, serviceLog, ++runs))
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < options.DrainTimeout && !Delivered(smtp.Snapshot()).IsSupersetOf(expected) && !last.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }

            await Task.Delay(options.QuietPeriod, cancellationToken);
            if (last.HasExited)
            {
                problems.Add($"the last run exited on its own with status {last.ExitCode} (see service.log)");
            }
            else
            {
                await StopAsync(last, cancellationToken);
            }

            log.WriteLine($"run {runs}: ran undisturbed for {deadline.Elapsed.TotalSeconds:F1} s and was stopped");
        }

        return Tally(runs, options.Kills, published, feeds.Edits, expected, smtp.Snapshot(), problems, workDirectory);
    }

    /// <summary>
    /// Compares what the sink accepted with what should have arrived. A story in two digests with
    /// different Message-IDs is a duplicate; the same Message-ID accepted twice for one recipient is
    /// the documented window (the server accepted it just before the service recorded it as sent).
    /// </summary>
    public static FaultRunResult Tally(int runs, int kills, IReadOnlyList<PublishedItem> published, int edits,
        IReadOnlySet<(string Recipient, string StoryId)> expected, IReadOnlyList<AcceptedDigest> accepted, List<string> problems, string workDirectory)
    {
        var sameMessageIdRepeats = 0;
        foreach (var copies in accepted.GroupBy(a => (a.Recipient, a.MessageId)).Where(g => g.Count() > 1))
        {
            sameMessageIdRepeats += copies.Count() - 1;
            if (copies.Select(c => string.Join(' ', c.StoryIds.Order(StringComparer.Ordinal))).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                problems.Add($"{copies.Key.MessageId} to {copies.Key.Recipient} was sent again with other stories");
            }
        }

        var digestsPerStory = accepted
            .SelectMany(a => a.StoryIds.Select(id => (a.Recipient, StoryId: id, a.MessageId)))
            .GroupBy(d => (d.Recipient, d.StoryId))
            .ToDictionary(g => g.Key, g => g.Select(d => d.MessageId).Distinct(StringComparer.Ordinal).Count());
        var crossDigestDuplicates = digestsPerStory.Values.Sum(digests => digests - 1);
        foreach (var ((recipient, storyId), digests) in digestsPerStory.Where(d => d.Value > 1).Take(10))
        {
            problems.Add($"story {storyId} reached {recipient} in {digests} different digests");
        }

        var delivered = digestsPerStory.Keys.ToHashSet();
        var lost = expected.Where(e => !delivered.Contains(e)).ToList();
        problems.AddRange(lost.Take(10).Select(l => $"story {l.StoryId} never reached {l.Recipient}"));
        var unexpected = delivered.Where(d => !expected.Contains(d)).ToList();
        problems.AddRange(unexpected.Take(10).Select(u => $"story {u.StoryId} reached {u.Recipient}, who has no topic matching it"));
        return new FaultRunResult(runs, kills, published.Count, edits, expected.Count, delivered.Count,
            accepted.Select(a => (a.Recipient, a.MessageId)).Distinct().Count(),
            crossDigestDuplicates, sameMessageIdRepeats, lost.Count, unexpected.Count, problems, workDirectory);
    }

    /// <summary>Each (subscriber, story) pair that should arrive, from what was published and the subscribers' topics alone.</summary>
    public static HashSet<(string Recipient, string StoryId)> Expected(IEnumerable<PublishedItem> published) =>
        published
            .Where(item => item.Topic is not null)
            .SelectMany(item => Subscribers.Where(s => s.Topics.Contains(item.Topic)).Select(s => (s.Email, item.Id)))
            .ToHashSet();

    private static HashSet<(string Recipient, string StoryId)> Delivered(IEnumerable<AcceptedDigest> accepted) =>
        accepted.SelectMany(a => a.StoryIds.Select(id => (a.Recipient, id))).ToHashSet();

    private static async Task PublishAsync(ChangingFeedServer feeds, Random random, CancellationToken cancellationToken)
    {
        try
        {
            for (var step = 0; ; step++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300 + random.Next(800)), cancellationToken);
                if (step % 4 == 3)
                {
                    feeds.EditOne();
                }
                else
                {
                    feeds.Publish();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Process StartService(string feedDigestDll, string workDirectory, string configPath, StreamWriter serviceLog, int run)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { feedDigestDll, "run", "--config", configPath })
        {
            start.ArgumentList.Add(argument);
        }

        WriteLine(serviceLog, $"=== run {run} started {TimeProvider.System.GetUtcNow():O}");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => WriteLine(serviceLog, line.Data);
        process.ErrorDataReceived += (_, line) => WriteLine(serviceLog, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>One line into the service log; the output and error readers of a run write from their own threads.</summary>
    private static void WriteLine(StreamWriter serviceLog, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (serviceLog)
        {
            serviceLog.WriteLine(line);
        }
    }

    /// <summary>Stops the last run as systemd would, with SIGTERM, and waits for its clean exit.</summary>
    private static async Task StopAsync(Process service, CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", service.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await service.WaitForExitAsync(timeout.Token);
    }

    private static string Configuration(string workDirectory, ChangingFeedServer feeds, int smtpPort, TimeSpan pollIntervalSpread)
    {
        var configuration = new
        {
            Logging = new { LogLevel = new Dictionary<string, string> { ["Default"] = "Information", ["Microsoft"] = "Warning", ["Quartz"] = "Warning", ["System.Net.Http.HttpClient"] = "Warning" } },
            FeedDigest = new
            {
                Storage = new { Provider = "Sqlite", ConnectionString = "Data Source=" + Path.Combine(workDirectory, "feeddigest.db") },
                // No two generated stories are alike; the clusterer must not fold any together.
                Clustering = new { Threshold = 1.0, MergeThreshold = 1.0 },
                Polling = new { TickInterval = "00:00:01", DefaultInterval = "00:01:00", MaxInterval = "00:05:00" },
                Digests = new { TickInterval = "00:00:01", MaxStoriesPerDigest = 1000, RetryInterval = "00:00:01" },
                Mail = new { Transport = "Smtp", From = "FeedDigest <digest@localhost>", Smtp = new { Host = "127.0.0.1", Port = smtpPort, Security = "None", Timeout = "00:00:10" } },
                Feeds = Enumerable.Range(0, feeds.FeedCount).Select(f => new
                {
                    Id = $"feed-{f}",
                    Url = feeds.FeedUri(f).AbsoluteUri,
                    Title = $"Feed {f}",
                    PollInterval = (TimeSpan.FromMinutes(1) + pollIntervalSpread * f / feeds.FeedCount).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture),
                }).ToArray(),
                Topics = TopicWords.Select(word => new { Id = word, Name = word, Keywords = new[] { word } }).ToArray(),
                Subscribers = Subscribers.Select(s => new { s.Email, Name = s.Email, s.Topics, s.Cron, TimeZone = "UTC" }).ToArray(),
            },
        };
        return JsonSerializer.Serialize(configuration, Indented);
    }
}
