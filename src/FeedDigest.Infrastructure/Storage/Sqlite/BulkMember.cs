using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>A stored story for <see cref="SqliteClusterBulkLoader"/>, with its vector as added to its cluster's centroid.</summary>
internal sealed record BulkMember(long StoryId, DateTimeOffset Time, IReadOnlyList<long> BandKeys, IReadOnlyList<CentroidTerm> Contribution);
