using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Tests.Stories.Clustering;

public sealed class StoryBackgroundTests
{
    [Fact]
    public void Similarity_OfATemplatesNextItem_IsHigh_ButNotInAnotherWritingSystem_NorForAnUnrelatedStory()
    {
        var background = new StoryBackground();
        var alerts = TemplateAlerts.Generate(200, seed: 5).Select(alert => Vector(alert.Title, alert.Summary)).ToList();
        foreach (var alert in alerts.Take(199))
        {
            background.Add(WritingSystem.Other, alert);
        }

        var unrelated = Vector("Chiquita and Fyffes agree to merge into the largest banana company", "The two fruit companies said shareholders would vote in June.");

        Assert.InRange(background.Similarity(WritingSystem.Other, alerts[199]), 0.4, 1);
        Assert.InRange(background.Similarity(WritingSystem.Other, unrelated), 0, 0.05);
        Assert.Equal(0, background.Similarity(WritingSystem.Japanese, alerts[199]));
    }

    [Fact]
    public void Similarity_WhileTheBackgroundHoldsFewStories_CountsInProportion()
    {
        var background = new StoryBackground();
        var alert = Vector("M 4.1 earthquake - 12 km north of Hilo", "A magnitude 4.1 earthquake struck 12 kilometres north of Hilo.");
        background.Add(WritingSystem.Other, alert);

        // One story is not a background: the same story again is only a fifth as "typical".
        Assert.Equal(1.0 / 5, background.Similarity(WritingSystem.Other, alert), 6);
    }

    [Fact]
    public void Add_MoreTermsThanKept_DropsTheLightest_AndStillKnowsTheTemplate()
    {
        var background = new StoryBackground();
        var alerts = TemplateAlerts.Generate(400, seed: 9).Select(alert => Vector(alert.Title, alert.Summary)).ToList();
        foreach (var alert in alerts.Take(300))
        {
            background.Add(WritingSystem.Other, alert);
        }

        var before = background.Similarity(WritingSystem.Other, alerts[399]);

        // Stories of words no other story has, as a months-long service meets them, then the template again.
        var random = new Random(4);
        for (var i = 0; background.TermCount(WritingSystem.Other) <= StoryBackground.MaxTerms / 2 || i < 3000; i++)
        {
            var words = string.Join(' ', Enumerable.Range(0, 40).Select(_ => $"w{random.Next():x}"));
            background.Add(WritingSystem.Other, Vector(words, null));
        }

        foreach (var alert in alerts.Skip(300).Take(99))
        {
            background.Add(WritingSystem.Other, alert);
        }

        Assert.InRange(background.TermCount(WritingSystem.Other), 1, StoryBackground.MaxTerms);
        Assert.InRange(background.Similarity(WritingSystem.Other, alerts[399]), before * 0.5, 1);
    }

    // Weighed as if each term were in one story of a thousand: enough for the comparisons here.
    private static TermVector Vector(string title, string? summary)
    {
        var features = StoryFeatures.Of(title, summary, bands: 16, rowsPerBand: 1);
        return features.Weigh(1000, features.Terms.Select(_ => 1L).ToList(), addedToEach: 0);
    }
}
