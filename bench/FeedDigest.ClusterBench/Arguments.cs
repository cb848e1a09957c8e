using System.Globalization;

namespace FeedDigest.ClusterBench;

internal sealed record Arguments(long Stories, int Measure, string Database, int Seed, int Organic, bool Probe = false, int Batch = 1, string? Replay = null)
{
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
                _ => throw new ArgumentException($"unknown option {args[i]}; use --stories N --measure M [--batch B] --db FILE --seed S, --organic N, or --replay FILE"),
            };
        }

        return result;
    }
}
