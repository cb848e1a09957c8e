namespace FeedDigest.DigestBench;

/// <summary>
/// Deterministic news-like text: titles and summaries of common English words around a few named
/// subjects (made-up proper names), so that topic queries on subjects match a few percent of the
/// stories, as real topics do. The stories of one event share its subjects and are clustered together.
/// </summary>
internal sealed class SyntheticNews(int seed)
{
    private static readonly string[] Common =
    [
        "the", "a", "of", "in", "on", "after", "over", "new", "report", "says", "government", "plan", "talks", "court",
        "police", "market", "shares", "rise", "fall", "week", "year", "city", "state", "officials", "deal", "vote",
        "election", "minister", "company", "workers", "strike", "prices", "rates", "bank", "trade", "border", "ban",
        "law", "rules", "protest", "leaders", "meeting", "crisis", "growth", "energy", "water", "storm", "fire",
        "health", "school", "students", "budget", "tax", "study", "data", "online", "network", "service", "users",
        "app", "court", "judge", "ruling", "appeal", "team", "season", "match", "win", "loss", "first", "second",
        "record", "high", "low", "warns", "calls", "for", "to", "with", "amid", "as", "its", "their", "more", "than",
        "million", "billion", "percent", "local", "national", "global", "security", "forces", "army", "peace", "aid",
        "flood", "drought", "crop", "farmers", "port", "ships", "rail", "airline", "flights", "cars", "factory",
    ];

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mir", "ten", "vas", "ru", "dan", "sel", "or", "pi", "qua", "zen", "bor", "li", "ta", "nek",
        "sha", "vu", "mon", "gar", "el", "is", "tro", "ven", "ya", "hul", "cor", "da", "fi", "pen",
    ];

    private readonly Random random = new(seed);

    /// <summary>Named subjects (people, places, firms), the words topics are written on.</summary>
    public string[] Subjects { get; } = MakeSubjects(new Random(seed + 1), 12_000);

    public string Title(IReadOnlyList<string> subjects) => Sentence(7, subjects.Take(1).ToList());

    public string Summary(IReadOnlyList<string> subjects) => Sentence(35, subjects) + " " + Sentence(20, []);

    /// <summary>A subject, the popular ones far more often (Zipf-like), as news keeps returning to a few names.</summary>
    public string Subject()
    {
        var u = random.NextDouble();
        return Subjects[(int)(Math.Pow(u, 2.5) * Subjects.Length)];
    }

    public int Next(int maxExclusive) => random.Next(maxExclusive);

    private string Sentence(int words, IReadOnlyList<string> subjects)
    {
        var parts = new List<string>(words + subjects.Count);
        for (var i = 0; i < words; i++)
        {
            parts.Add(Common[random.Next(Common.Length)]);
        }

        foreach (var subject in subjects)
        {
            parts.Insert(random.Next(parts.Count + 1), subject);
        }

        parts[0] = char.ToUpperInvariant(parts[0][0]) + parts[0][1..];
        return string.Join(' ', parts) + ".";
    }

    private static string[] MakeSubjects(Random random, int count)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < count)
        {
            var length = 2 + random.Next(3);
            var name = string.Concat(Enumerable.Range(0, length).Select(_ => Syllables[random.Next(Syllables.Length)]));
            names.Add(char.ToUpperInvariant(name[0]) + name[1..]);
        }

        return [.. names];
    }
}
