using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>A cluster for <see cref="SqliteClusterBulkLoader"/>: its id, centroid and members.</summary>
internal sealed record BulkCluster(long Id, ClusterCentroid Centroid, IReadOnlyList<BulkMember> Members);
