using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure;
using FeedDigest.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedDigest.Service.Cli;

/// <summary>
/// <c>feeddigest cluster</c>: reads items as JSON lines on stdin (<c>{"id","title","summary","source","published"}</c>,
/// all but id optional), assigns each, in input order, to a story cluster through the service's own
/// clusterer and SQLite index (on a temporary database, deleted afterwards), and prints
/// <c>{"id":...,"cluster":"..."}</c> lines, in input order, once every item is in: a later story can
/// merge clusters, so an item's cluster is known only at the end; with <c>--explain</c>, how near each decision was.
/// Clustering quality is scored through it.
/// </summary>
internal static class ClusterCommand
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(Option<string?> config)
    {
        // Each knob left out takes the configuration's value (FeedDigest:Clustering), else the default:
        // what the tool reports is then what the service, run on that configuration, would do.
        var defaults = new ClusteringOptions();
        var threshold = Knob<double>("--threshold", "Least cosine similarity to a cluster's centroid for a story to join it.", nameof(ClusteringOptions.Threshold), defaults.Threshold);
        var backgroundMargin = Knob<double>("--background-margin", "How much more like a cluster than like the recent stories of its writing system a story must be to join it.", nameof(ClusteringOptions.BackgroundMargin), defaults.BackgroundMargin);
        var sameSourceThreshold = Knob<double>("--same-source-threshold", "Least similarity for a story to join a cluster mostly of items from its own \"source\".", nameof(ClusteringOptions.SameSourceThreshold), defaults.SameSourceThreshold);
        var windowHours = Knob<double>("--window-hours", "Stories join clusters only through members dated within this many hours; undated items are compared with all.", nameof(ClusteringOptions.Window), defaults.Window.TotalHours);
        var bands = Knob<int>("--bands", "LSH bands (MinHash values per story, with one row per band).", nameof(ClusteringOptions.Bands), defaults.Bands);
        var candidatesPerBand = Knob<int>("--candidates-per-band", "The stories read per band key (those nearest in time to the item, within the window).", nameof(ClusteringOptions.CandidatesPerBand), defaults.CandidatesPerBand);
        var mergeThreshold = Knob<double>("--merge-threshold", "Least cosine similarity between two clusters' centroids for a story that matches both to merge them.", nameof(ClusteringOptions.MergeThreshold), defaults.MergeThreshold);
        var maxCandidateClusters = Knob<int>("--max-candidate-clusters", "The most clusters verified per story.", nameof(ClusteringOptions.MaxCandidateClusters), defaults.MaxCandidateClusters);
        var explain = new Option<bool>("--explain")
        {
            Description = "Also print, per item, the similarity it needed (\"needed\") and the one it had: to the cluster it joined (\"similarity\"), or to the cluster it came nearest to joining (\"nearest\").",
        };
        var command = new Command("cluster", "Cluster JSON-lines items from stdin into stories; print one {\"id\",\"cluster\"} line per item.");
        command.Options.Add(threshold);
        command.Options.Add(mergeThreshold);
        command.Options.Add(backgroundMargin);
        command.Options.Add(sameSourceThreshold);
        command.Options.Add(windowHours);
        command.Options.Add(bands);
        command.Options.Add(candidatesPerBand);
        command.Options.Add(maxCandidateClusters);
        command.Options.Add(explain);
        command.SetAction(async (result, cancellationToken) =>
        {
            ClusteringOptions options;
            try
            {
                options = Configured(result.GetValue(config));
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or FormatException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"Cannot read the configuration's {ClusteringOptions.SectionName} settings: {exception.Message}").ConfigureAwait(false);
                return 1;
            }

            // The knobs given override the configuration's; every other setting stays as configured.
            options.Threshold = result.GetValue(threshold) ?? options.Threshold;
            options.MergeThreshold = result.GetValue(mergeThreshold) ?? options.MergeThreshold;
            options.BackgroundMargin = result.GetValue(backgroundMargin) ?? options.BackgroundMargin;
            options.SameSourceThreshold = result.GetValue(sameSourceThreshold) ?? options.SameSourceThreshold;
            options.Window = result.GetValue(windowHours) is { } hours ? TimeSpan.FromHours(hours) : options.Window;
            options.Bands = result.GetValue(bands) ?? options.Bands;
            options.CandidatesPerBand = result.GetValue(candidatesPerBand) ?? options.CandidatesPerBand;
            options.MaxCandidateClusters = result.GetValue(maxCandidateClusters) ?? options.MaxCandidateClusters;
            return await RunAsync(options, result.GetValue(explain), Console.In, Console.OpenStandardOutput(), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Option<T?> Knob<T>(string name, string description, string setting, T builtIn)
        where T : struct =>
        new(name) { Description = string.Create(CultureInfo.InvariantCulture, $"{description} Default: {ClusteringOptions.SectionName}:{setting} in the configuration, else {builtIn}.") };

    /// <summary>The Clustering settings of the configuration the service would read here (none: the defaults).</summary>
    private static ClusteringOptions Configured(string? configFile)
    {
        var configured = new ClusteringOptions();
        FeedDigestHost.ReadSettings(configFile, Directory.GetCurrentDirectory()).GetSection(ClusteringOptions.SectionName).Bind(configured);
        return configured;
    }

    private static async Task<int> RunAsync(ClusteringOptions options, bool explain, TextReader input, Stream output, CancellationToken cancellationToken)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
            }

            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("feeddigest-cluster-");
        try
        {
            var services = new ServiceCollection();
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(TimeProvider.System);
            services.AddOptions<StorageOptions>().Configure(storage => storage.ConnectionString = "Data Source=" + Path.Combine(directory.FullName, "clusters.db"));
            services.AddFeedDigestInfrastructure(directory.FullName);
            await using (var provider = services.BuildServiceProvider())
            {
                await provider.GetRequiredService<IDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
                var index = provider.GetRequiredService<IStoryClusterIndex>();
                var clusterer = new StoryClusterer(index, options, explain);
                var exitCode = await ClusterLinesAsync(clusterer, index, input, output, cancellationToken).ConfigureAwait(false);
                if (exitCode != 0)
                {
                    return exitCode;
                }
            }

            return 0;
        }
        finally
        {
            // Pooled connections keep the file (and its -wal/-shm companions) open.
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static async Task<int> ClusterLinesAsync(StoryClusterer clusterer, IStoryClusterIndex index, TextReader input, Stream output, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        var ids = new List<JsonElement>();
        var assignments = new List<ClusterAssignment>();
        // Assigned in batches of the service's catch-up page, through the same call.
        var batch = new List<StoryForClustering>(ClusteringCatchUp.PageSize);
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            // A UTF-8 byte order mark (Notepad, PowerShell 5's Out-File -Encoding utf8) is no part of the first item.
            if (lineNumber == 1)
            {
                line = line.TrimStart('\uFEFF');
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Item item;
            try
            {
                item = Item.Read(line);
            }
            catch (Exception exception) when (exception is JsonException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {exception.Message}")).ConfigureAwait(false);
                return 1;
            }

            // Story ids are the items' positions: ids in the input need not be numbers or unique.
            ids.Add(item.Id);
            var (title, summary) = StoryText.OfLoneItem(item.Title, item.Summary);
            batch.Add(new StoryForClustering(ids.Count, title, summary, item.Published) { Source = item.Source });
            if (batch.Count == ClusteringCatchUp.PageSize)
            {
                assignments.AddRange(await clusterer.AssignAllAsync(batch, cancellationToken).ConfigureAwait(false));
                batch.Clear();
            }
        }

        assignments.AddRange(await clusterer.AssignAllAsync(batch, cancellationToken).ConfigureAwait(false));

        var clusters = await index.GetClustersAsync([.. Enumerable.Range(1, ids.Count).Select(i => (long)i)], cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < ids.Count; i++)
        {
            await using (var writer = new Utf8JsonWriter(output, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WritePropertyName("id");
                ids[i].WriteTo(writer);
                writer.WriteString("cluster", "c" + clusters[i + 1].ToString(CultureInfo.InvariantCulture));
                WriteExplanation(writer, assignments[i]);
                writer.WriteEndObject();
            }

            output.WriteByte((byte)'\n');
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>What an explaining clusterer said of an item's decision (nothing without candidates, or without --explain), unrounded: a miss rounded could read as reaching its bar.</summary>
    private static void WriteExplanation(Utf8JsonWriter writer, ClusterAssignment assignment)
    {
        if (assignment.Needed is not { } needed)
        {
            return;
        }

        if (assignment.Nearest is { } nearest)
        {
            writer.WriteNumber("nearest", nearest);
        }
        else
        {
            writer.WriteNumber("similarity", assignment.Similarity);
        }

        writer.WriteNumber("needed", needed);
    }

    /// <summary>One input line. The id is echoed back exactly as given (string or number).</summary>
    private sealed record Item(JsonElement Id, string? Title, string? Summary, DateTimeOffset? Published, string? Source)
    {
        public static Item Read(string line)
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("expected a JSON object");
            }

            if (!root.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                throw new InvalidDataException("every item needs an \"id\" (a string or a number)");
            }

            return new Item(id.Clone(), Text(root, "title"), Text(root, "summary"), FeedDateParser.Parse(Text(root, "published")), Text(root, "source"));
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
