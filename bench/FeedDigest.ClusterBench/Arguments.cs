using System.Globalization;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.ClusterBench;

internal sealed record Arguments(long Stories, int Measure, string Database, int Seed, int Organic, bool Probe = false, int Batch = 1, string? Replay = null)
{
    /// <summary>
    /// The clustering options the run uses: the service's defaults, with the knobs given on the
    /// command line (<c>--bands</c>, <c>--candidates-per-band</c>, <c>--max-candidate-clusters</c> and <c>--background-margin</c>
    /// as <c>feeddigest cluster</c> names them, and <c>--centroid-terms</c>, which it lacks). One
    /// object, which every copy of the arguments shares and the knobs set in place.
    /// </summary>
    public ClusteringOptions Options { get; init; } = new();

    public static Arguments Parse(string[] args)
    {
        var result = new Arguments(1_000_000, 2_000, "/tmp/feeddigest-clusterbench/clusters.db", 1, 0);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--probe")
            {
                result = result with { Probe = true };
                i--;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value");
            }

            result = args[i] switch
            {
                "--stories" => result with { Stories = long.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--measure" => result with { Measure = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--db" => result with { Database = args[i + 1] },
                "--batch" => result with { Batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--seed" => result with { Seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--organic" => result with { Organic = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--replay" => result with { Replay = args[i + 1] },
                "--bands" => result.SetOption(options => options.Bands = int.Parse(args[i + 1], CultureInfo.InvariantCulture)),
                "--centroid-terms" => result.SetOption(options => options.CentroidTerms = int.Parse(args[i + 1], CultureInfo.InvariantCulture)),
                "--candidates-per-band" => result.SetOption(options => options.CandidatesPerBand = int.Parse(args[i + 1], CultureInfo.InvariantCulture)),
                "--max-candidate-clusters" => result.SetOption(options => options.MaxCandidateClusters = int.Parse(args[i + 1], CultureInfo.InvariantCulture)),
                "--background-margin" => result.SetOption(options => options.BackgroundMargin = double.Parse(args[i + 1], CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException($"unknown option {args[i]}; use --stories N --measure M [--batch B] --db FILE --seed S, --organic N, or --replay FILE; and to change clustering's knobs --bands, --centroid-terms, --candidates-per-band, --max-candidate-clusters"),
            };
        }

        var problems = result.Options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        return result;
    }

    private Arguments SetOption(Action<ClusteringOptions> set)
    {
        set(Options);
        return this;
    }
}
