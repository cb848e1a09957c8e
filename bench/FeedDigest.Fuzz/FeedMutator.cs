using System.Globalization;

namespace FeedDigest.Fuzz;

/// <summary>One generated input: its bytes, how it was made, and what the parser is told about it.</summary>
public sealed record MutatedInput(
    long Index,
    string SeedName,
    byte[] Bytes,
    IReadOnlyList<string> Mutations,
    Uri? DocumentUri,
    string? DeclaredCharset);

/// <summary>
/// Makes input number <c>index</c> of a run from the seed documents, the same bytes for the same
/// (seeds, run seed, index) on every machine: each input has its own <see cref="Random"/>, seeded
/// from the run seed and the index, so one input is reproduced without replaying the others.
/// </summary>
public sealed class FeedMutator
{
    /// <summary>The fetcher's default body cap (PollingOptions.MaxBodyBytes); nothing larger reaches the parser.</summary>
    public const int DefaultMaxInputBytes = 10 * 1024 * 1024;

    private static readonly Uri?[] DocumentUris =
    [
        null,
        new("https://fuzz.example/feeds/feed.xml"),
        new("http://fuzz.example:8080/a/b/c/"),
        new("file:///srv/feeds/feed.json"),
    ];

    private static readonly string?[] Charsets = [null, null, null, "utf-8", "iso-8859-1", "utf-16", "windows-1251", "gb2312", "x-bogus", ""];

    private readonly IReadOnlyList<SeedDocument> seeds;
    private readonly int runSeed;
    private readonly int maxInputBytes;
    private readonly List<(string Name, byte[] Bytes)> fragments;
    private readonly List<SeedDocument> jsonSeeds;

    /// <param name="maxInputBytes">Inputs are cut to this size; a short run may want smaller ones.</param>
    public FeedMutator(IReadOnlyList<SeedDocument> seeds, int runSeed, int maxInputBytes = DefaultMaxInputBytes)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed document is needed.", nameof(seeds));
        }

        this.seeds = seeds;
        this.runSeed = runSeed;
        this.maxInputBytes = maxInputBytes;

        // A fragment is at most an eighth of the input cap: a short run with small inputs leaves out
        // the megabyte-sized ones rather than have every input that takes one cut short.
        fragments = HostileFragments.All.Where(f => f.Bytes.Length <= maxInputBytes / 8).ToList();
        jsonSeeds = seeds.Where(s => LooksLikeJson(s.Bytes)).ToList();
    }

    public int RunSeed => runSeed;

    public MutatedInput Create(long index)
    {
        var random = new Random(InputSeed(runSeed, index));
        // A quarter of the inputs start from a JSON document: JSON Feed is a small share of the
        // seeds (the corpus is mostly XML) but has a reader of its own to exercise.
        var seed = jsonSeeds.Count > 0 && random.Next(4) == 0
            ? jsonSeeds[random.Next(jsonSeeds.Count)]
            : seeds[random.Next(seeds.Count)];
        var data = seed.Bytes;
        var mutations = new List<string>();

        // Mostly one or two mutations, so inputs stay close enough to a feed to reach the deep code.
        var count = random.Next(100) switch
        {
            < 45 => 1,
            < 75 => 2,
            < 92 => 3,
            _ => 4 + random.Next(5),
        };
        for (var i = 0; i < count; i++)
        {
            data = Mutate(data, random, mutations);
            if (data.Length > maxInputBytes)
            {
                data = data[..maxInputBytes];
                mutations.Add($"cap@{maxInputBytes}");
            }
        }

        return new MutatedInput(
            index,
            seed.Name,
            data,
            mutations,
            DocumentUris[random.Next(DocumentUris.Length)],
            Charsets[random.Next(Charsets.Length)]);
    }

    private byte[] Mutate(byte[] data, Random random, List<string> mutations)
    {
        switch (random.Next(13))
        {
            case 0:
                return FlipBits(data, random, mutations);
            case 1:
                return RandomBytes(data, random, mutations);
            case 2:
                return Truncate(data, random, mutations);
            case 3:
                return DeleteSpan(data, random, mutations);
            case 4:
                return DuplicateSpan(data, random, mutations);
            case 5:
                return SwapSpans(data, random, mutations);
            case 6:
            case 7:
            case 8:
                return InsertFragment(data, random, mutations);
            case 9:
                return ReplaceWithFragment(data, random, mutations);
            case 10:
                return RepeatSpan(data, random, mutations);
            case 11:
                return Crossover(data, random, mutations);
            default:
                return PrependFragment(data, random, mutations);
        }
    }

    private static byte[] FlipBits(byte[] data, Random random, List<string> mutations)
    {
        if (data.Length == 0)
        {
            return data;
        }

        var copy = (byte[])data.Clone();
        var flips = 1 + random.Next(8);
        for (var i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        mutations.Add($"flip-bits x{flips}");
        return copy;
    }

    private static byte[] RandomBytes(byte[] data, Random random, List<string> mutations)
    {
        if (data.Length == 0)
        {
            return data;
        }

        var copy = (byte[])data.Clone();
        var count = 1 + random.Next(16);
        var special = "<>&;\"'/=:[]{},!?-\\\0\n"u8;
        for (var i = 0; i < count; i++)
        {
            // Half the time a byte that matters to a parser rather than any byte.
            copy[random.Next(copy.Length)] = random.Next(2) == 0
                ? (byte)random.Next(256)
                : special[random.Next(special.Length)];
        }

        mutations.Add($"random-bytes x{count}");
        return copy;
    }

    private static byte[] Truncate(byte[] data, Random random, List<string> mutations)
    {
        var length = random.Next(data.Length + 1);
        mutations.Add($"truncate@{length}");
        return data[..length];
    }

    private static byte[] DeleteSpan(byte[] data, Random random, List<string> mutations)
    {
        var (start, length) = Span(data.Length, random);
        mutations.Add($"delete@{start}+{length}");
        return [.. data.AsSpan(0, start), .. data.AsSpan(start + length)];
    }

    private static byte[] DuplicateSpan(byte[] data, Random random, List<string> mutations)
    {
        var (start, length) = Span(data.Length, random);
        var at = random.Next(data.Length + 1);
        mutations.Add($"duplicate@{start}+{length}->{at}");
        return [.. data.AsSpan(0, at), .. data.AsSpan(start, length), .. data.AsSpan(at)];
    }

    private static byte[] SwapSpans(byte[] data, Random random, List<string> mutations)
    {
        if (data.Length < 2)
        {
            return data;
        }

        var cut = 1 + random.Next(data.Length - 1);
        var (a, aLength) = Span(cut, random);
        var (b, bLength) = Span(data.Length - cut, random);
        b += cut;
        mutations.Add($"swap@{a}+{aLength}<->{b}+{bLength}");
        return
        [
            .. data.AsSpan(0, a),
            .. data.AsSpan(b, bLength),
            .. data.AsSpan(a + aLength, b - (a + aLength)),
            .. data.AsSpan(a, aLength),
            .. data.AsSpan(b + bLength),
        ];
    }

    private byte[] InsertFragment(byte[] data, Random random, List<string> mutations)
    {
        var (name, fragment) = fragments[random.Next(fragments.Count)];
        var at = StructuralPosition(data, random);
        mutations.Add($"insert {name}@{at}");
        return [.. data.AsSpan(0, at), .. fragment, .. data.AsSpan(at)];
    }

    private byte[] ReplaceWithFragment(byte[] data, Random random, List<string> mutations)
    {
        var (name, fragment) = fragments[random.Next(fragments.Count)];
        var (start, length) = Span(data.Length, random);
        mutations.Add($"replace@{start}+{length} with {name}");
        return [.. data.AsSpan(0, start), .. fragment, .. data.AsSpan(start + length)];
    }

    private byte[] PrependFragment(byte[] data, Random random, List<string> mutations)
    {
        var (name, fragment) = fragments[random.Next(fragments.Count)];
        mutations.Add($"prepend {name}");
        return [.. fragment, .. data];
    }

    /// <summary>Repeats one span many times in place: a whole item when one is found, so a document grows its item list.</summary>
    private byte[] RepeatSpan(byte[] data, Random random, List<string> mutations)
    {
        var (start, length) = FindItem(data, random) ?? Span(data.Length, random);
        if (length == 0)
        {
            return data;
        }

        var times = Math.Min(2 + random.Next(2_000), Math.Max(1, (maxInputBytes - data.Length) / length));
        var result = new byte[data.Length + (length * (times - 1))];
        data.AsSpan(0, start + length).CopyTo(result);
        var at = start + length;
        for (var i = 1; i < times; i++, at += length)
        {
            data.AsSpan(start, length).CopyTo(result.AsSpan(at));
        }

        data.AsSpan(start + length).CopyTo(result.AsSpan(at));
        mutations.Add($"repeat@{start}+{length} x{times}");
        return result;
    }

    /// <summary>The head of this document joined to the tail of another seed: mixed formats, mixed encodings.</summary>
    private byte[] Crossover(byte[] data, Random random, List<string> mutations)
    {
        var other = seeds[random.Next(seeds.Count)];
        var cut = random.Next(data.Length + 1);
        var otherCut = random.Next(other.Bytes.Length + 1);
        mutations.Add($"crossover@{cut} with {other.Name}@{otherCut}");
        return [.. data.AsSpan(0, cut), .. other.Bytes.AsSpan(otherCut)];
    }

    /// <summary>A random span, mostly short, sometimes up to a quarter of the document.</summary>
    private static (int Start, int Length) Span(int size, Random random)
    {
        if (size == 0)
        {
            return (0, 0);
        }

        var start = random.Next(size);
        var limit = random.Next(4) == 0 ? Math.Max(1, size / 4) : 64;
        var length = Math.Min(size - start, 1 + random.Next(limit));
        return (start, length);
    }

    /// <summary>Right after a '&gt;', '{', '[' or ',' half the time, so fragments land between elements and members.</summary>
    private static int StructuralPosition(byte[] data, Random random)
    {
        var at = random.Next(data.Length + 1);
        if (random.Next(2) == 0 && at < data.Length)
        {
            var next = data.AsSpan(at).IndexOfAny("<>{[,"u8);
            if (next >= 0)
            {
                at += next + (data[at + next] == '<' ? 0 : 1);
            }
        }

        return at;
    }

    private static (int Start, int Length)? FindItem(byte[] data, Random random)
    {
        ReadOnlySpan<byte> open = random.Next(2) == 0 ? "<item"u8 : "<entry"u8;
        ReadOnlySpan<byte> close = open.Length == 5 ? "</item>"u8 : "</entry>"u8;
        var start = data.AsSpan().IndexOf(open);
        if (start < 0)
        {
            return null;
        }

        var end = data.AsSpan(start).IndexOf(close);
        return end < 0 ? null : (start, end + close.Length);
    }

    private static bool LooksLikeJson(byte[] bytes)
    {
        var start = bytes.AsSpan().IndexOfAnyExcept(" \t\r\n\uFEFF"u8);
        return start >= 0 && bytes[start] == (byte)'{';
    }

    /// <summary>SplitMix64 of the run seed and the index: a stable mix (HashCode is randomised per process).</summary>
    private static int InputSeed(int runSeed, long index)
    {
        unchecked
        {
            var z = ((ulong)(uint)runSeed << 32) ^ (ulong)index;
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }

    /// <summary>How to make this input again: the run's seed and the input's index.</summary>
    public static string Describe(MutatedInput input, int runSeed) => string.Create(
        CultureInfo.InvariantCulture,
        $"--seed {runSeed} --only {input.Index} (seed document {input.SeedName}; {string.Join(", ", input.Mutations)}; uri {input.DocumentUri?.ToString() ?? "none"}; charset {input.DeclaredCharset ?? "none"})");
}
