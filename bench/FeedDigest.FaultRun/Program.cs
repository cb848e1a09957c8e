using System.Globalization;
using FeedDigest.FaultRun;

// feeddigest-faultrun [--kills N] [--seed S] [--max-uptime SECONDS] [--feeddigest PATH/feeddigest.dll] [--work-dir DIR]
// Exit status 0 when no story was lost or sent in two digests, 1 otherwise, 2 on a usage error.
var kills = 50;
var seed = Environment.TickCount;
var maxUptime = 7.0;
var feedDigestDll = FaultRunOptions.DefaultFeedDigestDll;
string? workDirectory = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--kills" when int.TryParse(value, CultureInfo.InvariantCulture, out kills) && kills >= 1:
        case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out seed):
        case "--max-uptime" when double.TryParse(value, CultureInfo.InvariantCulture, out maxUptime) && maxUptime > 0.5:
            i++;
            break;
        case "--feeddigest" when value is not null:
            feedDigestDll = Path.GetFullPath(value);
            i++;
            break;
        case "--work-dir" when value is not null:
            workDirectory = Path.GetFullPath(value);
            i++;
            break;
        default:
            Console.Error.WriteLine("usage: feeddigest-faultrun [--kills N (>= 1)] [--seed S] [--max-uptime SECONDS (> 0.5)] [--feeddigest PATH/feeddigest.dll] [--work-dir DIR]");
            return 2;
    }
}

var options = new FaultRunOptions
{
    FeedDigestDll = feedDigestDll,
    Kills = kills,
    Seed = seed,
    MaxUptime = TimeSpan.FromSeconds(maxUptime),
    WorkDirectory = workDirectory,
};
var result = await FaultRunner.RunAsync(options, Console.Out, CancellationToken.None);
foreach (var problem in result.Problems)
{
    Console.WriteLine("problem: " + problem);
}

Console.WriteLine((result.Passed ? "PASS " : "FAIL ") + result.Summary);
return result.Passed ? 0 : 1;
