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

        Assert.InRange(background.Match(WritingSystem.Other, alerts[199]).Similarity(), 0.4, 1);
        Assert.InRange(background.Match(WritingSystem.Other, unrelated).Similarity(), 0, 0.05);
        Assert.Equal(0, background.Match(WritingSystem.Japanese, alerts[199]).Similarity());
    }

    [Fact]
    public void Similarity_WhileTheBackgroundHoldsFewStories_CountsInProportion()
    {
        var background = new StoryBackground();
        var alert = Vector("M 4.1 earthquake - 12 km north of Hilo", "A magnitude 4.1 earthquake struck 12 kilometres north of Hilo.");
        background.Add(WritingSystem.Other, alert);

        // One story is not a background: the same story again is only a fifth as "typical".
        Assert.Equal(1.0 / 5, background.Match(WritingSystem.Other, alert).Similarity(), 6);
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

        var before = background.Match(WritingSystem.Other, alerts[399]).Similarity();

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
        Assert.InRange(background.Match(WritingSystem.Other, alerts[399]).Similarity(), before * 0.5, 1);
    }

    [Fact]
    public void Similarity_LessOneStoryOfACluster_DropsWhatTheStoryHasOnlyWithThatCluster_NotATemplate()
    {
        // A desk of a few stories on one beat, one of them the copy a new story would join.
        var background = new StoryBackground();
        var copy = Vector("China launches month-long crackdown on WeChat public accounts", "The regulator suspended dozens of self-media accounts that spread harmful information.");
        background.Add(WritingSystem.Other, copy);
        foreach (var (title, summary) in new[]
        {
            ("China tightens VPN curbs in Xinjiang", "Users reported VPN blackouts as censors tightened their grip."),
            ("Weibo users mourn teacher as posts vanish", "Censors deleted posts about the teacher's death."),
            ("Blogger detained over VPN tutorial videos", "Police detained a blogger who taught viewers to use VPNs."),
            ("Censors delete reports on Shanghai metro fire", "A directive ordered sites to delete reports on the fire."),
            ("China targets celebrity gossip accounts on Weibo", "The regulator closed accounts that spread celebrity gossip."),
        })
        {
            background.Add(WritingSystem.Other, Vector(title, summary));
        }

        var story = Vector("Beijing widens clampdown on WeChat public accounts", "The regulator said it would spend a month cleaning up WeChat accounts spreading harmful information.");
        var cluster = ClusterCentroid.Empty.Add(copy, 64);
        var whole = background.Match(WritingSystem.Other, story).Similarity();
        var others = background.Match(WritingSystem.Other, story).Similarity(cluster, size: 1);
        Assert.True(others < whole - 0.1, $"{others} against {whole}");

        // Two hundred items of a template: one of them out of the background leaves the template in it.
        var alerts = new StoryBackground();
        var items = TemplateAlerts.Generate(200, seed: 5).Select(alert => Vector(alert.Title, alert.Summary)).ToList();
        var sent = ClusterCentroid.Empty;
        foreach (var alert in items.Take(199))
        {
            alerts.Add(WritingSystem.Other, alert);
            sent = sent.Add(alert, 64);
        }

        Assert.InRange(alerts.Match(WritingSystem.Other, items[199]).Similarity(sent, size: 199), 0.4, 1);
    }

    // Weighed as if each term were in one story of a thousand: enough for the comparisons here.
    private static TermVector Vector(string title, string? summary)
    {
        var features = StoryFeatures.Of(title, summary, bands: 16, rowsPerBand: 1);
        return features.Weigh(1000, features.Terms.Select(_ => 1L).ToList(), addedToEach: 0);
    }
}
