using System.Globalization;

namespace FeedDigest.DigestBench;

internal sealed record Arguments(int Stories, int StoriesPerDay, int Feeds, int Topics, int Subscribers, string Database, int Seed)
{
    public static Arguments Parse(string[] args)
    {
        var result = new Arguments(1_000_000, 30_000, 1_000, 200, 10_000, "/tmp/feeddigest-digestbench/stories.db", 1);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value");
            }

            result = args[i] switch
            {
                "--stories" => result with { Stories = Int(args[i + 1]) },
                "--per-day" => result with { StoriesPerDay = Int(args[i + 1]) },
                "--feeds" => result with { Feeds = Int(args[i + 1]) },
                "--topics" => result with { Topics = Int(args[i + 1]) },
                "--subscribers" => result with { Subscribers = Int(args[i + 1]) },
                "--db" => result with { Database = args[i + 1] },
                "--seed" => result with { Seed = Int(args[i + 1]) },
                _ => throw new ArgumentException($"unknown option {args[i]}; use --stories N --per-day N --feeds N --topics N --subscribers N --db FILE --seed S"),
            };
        }

        return result;
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
