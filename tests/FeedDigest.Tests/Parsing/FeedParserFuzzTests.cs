using FeedDigest.Fuzz;

namespace FeedDigest.Tests.Parsing;

/// <summary>
/// A short version of bench/FeedDigest.Fuzz: the same mutator and runner, 2,000 inputs of a fixed
/// seed, cut to 64 KiB, from seeds that travel with the repository (samples/feeds and the
/// built-in documents), so it runs anywhere. The full run is described in bench/README.md.
/// </summary>
public sealed class FeedParserFuzzTests(FeedParserFuzzTests.ShortRun run) : IClassFixture<FeedParserFuzzTests.ShortRun>
{
    [Fact]
    public void Parse_ShortRun_RunsEveryInput()
    {
        Assert.Equal(ShortRun.Count, run.Report.InputsRun);
        Assert.Empty(run.Report.SeedFailures);
    }

    [Fact]
    public void Parse_ShortRunJsonInputs_NoExceptionNoSlowInputWellFormedResults()
    {
        var jsonInputs = run.Report.InputsOn("json");
        Assert.True(jsonInputs > ShortRun.Count / 10, $"only {jsonInputs} inputs went to the JSON reader");
        Assert.Empty(run.Describe(run.Report.Failures.Where(f => f.Route == "json")));
    }

    [Fact]
    public void Parse_ShortRunAllInputs_NoExceptionNoSlowInputWellFormedResults()
    {
        Assert.Empty(run.Describe(run.Report.Failures));
    }

    [Fact]
    public void Create_SameSeedAndIndex_SameInput()
    {
        var seeds = SeedDocuments.BuiltIn();

        var first = new FeedMutator(seeds, 7).Create(1234);
        var again = new FeedMutator(seeds, 7).Create(1234);
        var other = new FeedMutator(seeds, 8).Create(1234);

        Assert.Equal(first.Bytes, again.Bytes);
        Assert.Equal(first.Mutations, again.Mutations);
        Assert.Equal(first.DocumentUri, again.DocumentUri);
        Assert.Equal(first.DeclaredCharset, again.DeclaredCharset);
        Assert.NotEqual(first.Bytes, other.Bytes);
    }

    /// <summary>The run, done once for the class.</summary>
    public sealed class ShortRun
    {
        public const int Count = 2_000;
        private const int Seed = 20260310;
        // 64 KiB keeps the run near a second of CPU: the integration tests run beside this assembly and
        // are sensitive to a busy machine. The megabyte-sized fragments are the full run's job.
        private const int MaxBytes = 64 * 1024;

        private readonly FeedMutator mutator;

        public ShortRun()
        {
            var root = SeedDocuments.FindRepositoryRoot(AppContext.BaseDirectory)
                ?? throw new InvalidOperationException("FeedDigest.sln not found above " + AppContext.BaseDirectory);
            var seeds = SeedDocuments.FromDirectories([Path.Combine(root, "samples", "feeds")]);
            seeds.AddRange(SeedDocuments.BuiltIn());
            mutator = new FeedMutator(seeds, Seed, MaxBytes);
            Report = FuzzRunner.Run(seeds, new FuzzSettings { Count = Count, Seed = Seed, MaxInputBytes = MaxBytes });
        }

        public FuzzReport Report { get; }

        /// <summary>One line per failure, with what reproduces it, so a failing assertion says what broke.</summary>
        public List<string> Describe(IEnumerable<FuzzFailure> failures) =>
            failures.Select(f => $"{f.Kind} ({f.Signature}): {FeedMutator.Describe(mutator.Create(f.Index), Seed)}: {f.Detail}").ToList();
    }
}
