using System.Text.RegularExpressions;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// How a feed's summaries are cleared of page furniture (share bars, newsletter calls, ads, donation
/// appeals, "The post … appeared first on …"): the admin's own rules for the feed, and whether the
/// default heuristics (<see cref="PageFurniture"/>) apply too.
/// </summary>
/// <param name="Selectors">CSS selectors whose elements are removed from the item's HTML (parsed with AngleSharp).</param>
/// <param name="Patterns">
/// Regular expressions whose matches are removed from the item's text, in which each block
/// (paragraph, list item, heading …) is a line: ^ and $ match at a block's ends, and (?s) lets a
/// pattern run over several blocks (e.g. to the end). Each has a match timeout.
/// </param>
/// <param name="Heuristics">The default heuristics; false keeps everything but what the rules remove.</param>
public sealed record FurnitureRules(IReadOnlyList<string> Selectors, IReadOnlyList<Regex> Patterns, bool Heuristics)
{
    /// <summary>How long one pattern may run on one item before it is given up for that item.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    public static FurnitureRules Default { get; } = new([], [], Heuristics: true);

    public static Regex CompilePattern(string pattern) =>
        new(pattern, RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, PatternTimeout);
}
