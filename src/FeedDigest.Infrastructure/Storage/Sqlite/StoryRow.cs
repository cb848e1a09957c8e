using System.Text.Json;
using FeedDigest.Core.Stories;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed record StoryRow(
    long Id,
    long? Sequence,
    string FeedId,
    string Title,
    string? Link,
    string Summary,
    string? Author,
    string Categories,
    string? PublishedAt,
    string FirstSeenAt,
    long Revision)
{
    public const string Columns =
        "stories.id AS Id, stories.seq AS Sequence, stories.feed_id AS FeedId, stories.title AS Title, stories.link AS Link, stories.summary AS Summary, " +
        "stories.author AS Author, stories.categories AS Categories, stories.published_at AS PublishedAt, stories.first_seen_at AS FirstSeenAt, " +
        "stories.revision AS Revision";

    public StoredStory ToStory() => new(
        Id,
        Sequence ?? 0,
        FeedId,
        Title,
        Link,
        Summary,
        Author,
        JsonSerializer.Deserialize<List<string>>(Categories) ?? [],
        SqliteTime.FromNullableText(PublishedAt),
        SqliteTime.FromText(FirstSeenAt))
    {
        Revision = (int)Revision,
    };
}
