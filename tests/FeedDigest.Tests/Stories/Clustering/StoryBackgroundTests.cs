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

        // One story is not a background: the same story again is only a twentieth as "typical".
        Assert.Equal(1.0 / 20, background.Similarity(WritingSystem.Other, alert), 6);
    }

    // Weighed as if each term were in one story of a thousand: enough for the comparisons here.
    private static TermVector Vector(string title, string summary)
    {
        var features = StoryFeatures.Of(title, summary, bands: 16, rowsPerBand: 1);
        return features.Weigh(1000, features.Terms.Select(_ => 1L).ToList(), addedToEach: 0);
    }
}
