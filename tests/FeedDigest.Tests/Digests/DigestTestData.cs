using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Stories;

namespace FeedDigest.Tests.Digests;

/// <summary>A small catalog of two feeds and two topics, shared by the composer and renderer tests.</summary>
internal static class DigestTestData
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <param name="moreFeeds">Feeds listed after harbor and wire.</param>
    public static Catalog Catalog(params FeedOptions[] moreFeeds)
    {
        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://harbor.example/feed.xml", Title = "Harbor Times" },
                new FeedOptions { Id = "wire", Url = "https://wire.example/feed.atom" },
                .. moreFeeds,
            ],
            Topics =
            [
                new TopicOptions { Id = "censorship", Name = "Online censorship", Keywords = ["censorship", "Great Firewall", "审查"] },
                new TopicOptions { Id = "shipping", Name = "Shipping", Keywords = ["port", "shipping"] },
            ],
        };
        Assert.True(Core.Configuration.Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));
        return catalog;
    }

    public static Subscriber Subscriber(params string[] topicIds) =>
        new("ana@example.com", "ana@example.com", "Ana", topicIds, DigestSchedule.Daily(new TimeOnly(7, 0), Shanghai));

    public static StoredStory Story(long sequence, string title, string summary = "", string? link = null, DateTimeOffset? published = null, string feedId = "harbor") =>
        new(sequence, sequence, feedId, title, link ?? $"https://{feedId}.example/news/{sequence}", summary, null, [], published,
            new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero).AddMinutes(sequence));
}
