using FeedDigest.Core.Configuration;
using FeedDigest.Core.Subscriptions;

namespace FeedDigest.Tests.Subscriptions;

public sealed class SubscriberDirectoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Merge_ConfiguredSubscriberWhoLeftOnTheWeb_GetsNoDigest()
    {
        var catalog = CatalogWith("ana@example.com", "ben@example.com");
        var left = new WebSubscriber("ana@example.com", "ana@example.com", WebSubscriberStatus.Unsubscribed, Preferences(["censorship"]), Now);

        var merged = SubscriberDirectory.Merge(catalog, [left]);

        Assert.Equal(["ben@example.com"], merged.Select(s => s.Key));
    }

    [Fact]
    public void Merge_ConfiguredSubscriberWhoChangedPreferences_GetsTheirChoiceAndKeepsName()
    {
        var catalog = CatalogWith("ana@example.com");
        var changed = new WebSubscriber("ana@example.com", "ana@example.com", WebSubscriberStatus.Active, Preferences(["shipping"], sendAt: "10:30", zone: "Europe/Berlin"), Now);

        var ana = Assert.Single(SubscriberDirectory.Merge(catalog, [changed]));

        Assert.Equal(["shipping"], ana.TopicIds);
        Assert.Equal("Europe/Berlin", ana.Schedule.TimeZone.Id);
        Assert.Equal("Ana", ana.DisplayName);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero), ana.Schedule.NextAfter(Now));
    }

    [Fact]
    public void Merge_WebSubscribers_AreAddedUnlessTheyLeftOrTheirTopicsAreGone()
    {
        var catalog = CatalogWith("ana@example.com");
        WebSubscriber[] rows =
        [
            new("cai@example.com", "cai@example.com", WebSubscriberStatus.Active, Preferences(["censorship", "removed-topic"]), Now),
            new("dan@example.com", "dan@example.com", WebSubscriberStatus.Unsubscribed, Preferences(["censorship"]), Now),
            new("eve@example.com", "eve@example.com", WebSubscriberStatus.Active, Preferences(["removed-topic"]), Now),
            new("fay@example.com", "fay@example.com", WebSubscriberStatus.Active, Preferences(["censorship"], paused: true), Now),
        ];

        var merged = SubscriberDirectory.Merge(catalog, rows);

        Assert.Equal(["ana@example.com", "cai@example.com", "fay@example.com"], merged.Select(s => s.Key));
        Assert.Equal(["censorship"], merged[1].TopicIds);
        Assert.True(merged[2].Paused);
    }

    private static SubscriberPreferences Preferences(IReadOnlyList<string> topics, string sendAt = "07:00", string zone = "UTC", bool paused = false) =>
        new(topics, "daily", sendAt, null, zone, paused);

    private static Catalog CatalogWith(params string[] emails)
    {
        var options = new CatalogOptions
        {
            Feeds = [new FeedOptions { Id = "wire", Url = "https://wire.example/feed.atom" }],
            Topics =
            [
                new TopicOptions { Id = "censorship", Name = "Online censorship", Keywords = ["censorship"] },
                new TopicOptions { Id = "shipping", Name = "Shipping", Keywords = ["shipping"] },
            ],
            Subscribers = emails.Select(email => new SubscriberOptions { Email = email, Name = email == "ana@example.com" ? "Ana" : null, Topics = ["censorship"], TimeZone = "Asia/Shanghai" }).ToList(),
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        return catalog;
    }
}
