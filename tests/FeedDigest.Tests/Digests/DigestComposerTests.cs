using FeedDigest.Core.Digests;

namespace FeedDigest.Tests.Digests;

public sealed class DigestComposerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Compose_StoryMatchingTwoTopics_IsListedOnceUnderTheSubscribersFirstTopic()
    {
        var story = DigestTestData.Story(1, "Censorship tightens at the port");

        var (shippingFirst, _) = DigestComposer.Compose(DigestTestData.Subscriber("shipping", "censorship"), DigestTestData.Catalog(), [story], 50);
        var (censorshipFirst, _) = DigestComposer.Compose(DigestTestData.Subscriber("censorship", "shipping"), DigestTestData.Catalog(), [story], 50);

        Assert.Equal([new DigestEntry(1, "shipping", 0)], shippingFirst);
        Assert.Equal([new DigestEntry(1, "censorship", 0)], censorshipFirst);
    }

    [Fact]
    public void Compose_NonMatchingStories_AreExcludedAndNotCountedAsOmitted()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Markets rally"),
            DigestTestData.Story(2, "Great Firewall blocks new sites"),
            DigestTestData.Story(3, "Weather: sunny"),
        };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Equal([new DigestEntry(2, "censorship", 0)], entries);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Compose_OnlyTopicsTheSubscriberFollows_Count()
    {
        var stories = new[] { DigestTestData.Story(1, "Shipping volumes rise") };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Empty(entries);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Compose_OverTheCap_KeepsTheNewestAndReportsOmitted()
    {
        var stories = Enumerable.Range(1, 5)
            .Select(i => DigestTestData.Story(i, $"Censorship story {i}", published: Noon.AddHours(-i)))
            .Append(DigestTestData.Story(6, "Unrelated"))
            .ToList();

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("censorship"), DigestTestData.Catalog(), stories, 3);

        Assert.Equal([3L, 4L, 5L], entries.Select(e => e.StoryId).Order());
        Assert.Equal(2, omitted);
    }

    [Fact]
    public void Compose_Entries_AreOrderedByTopicThenNewestPublishedWithRunningPositions()
    {
        var stories = new[]
        {
            DigestTestData.Story(1, "Port strike", published: Noon.AddHours(-3)),
            DigestTestData.Story(2, "Censorship law passes", published: Noon.AddHours(-2)),
            DigestTestData.Story(3, "Port reopens", published: Noon.AddHours(-1)),
            DigestTestData.Story(4, "审查范围扩大", published: Noon),
        };

        var (entries, omitted) = DigestComposer.Compose(DigestTestData.Subscriber("shipping", "censorship"), DigestTestData.Catalog(), stories, 50);

        Assert.Equal(
            [
                new DigestEntry(3, "shipping", 0),
                new DigestEntry(1, "shipping", 1),
                new DigestEntry(4, "censorship", 2),
                new DigestEntry(2, "censorship", 3),
            ],
            entries);
        Assert.Equal(0, omitted);
    }
}
