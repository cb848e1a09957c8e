namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>A stored story for <see cref="SqliteClusterBulkLoader"/>.</summary>
internal sealed record BulkMember(long StoryId, DateTimeOffset Time, IReadOnlyList<long> BandKeys);
