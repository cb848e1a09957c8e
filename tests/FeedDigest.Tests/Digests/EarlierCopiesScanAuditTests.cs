using FeedDigest.Core.Stories.Clustering;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Tests.Storage;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Tests.Digests;

/// <summary>
/// How much of cluster_members the earlier copies' query (SqliteStoryClusterIndex.GetClusterStoriesAsync,
/// asked by DigestDispatcher.GetEarlierCopiesAsync at every digest run) reads. Measured as SQLite
/// virtual-machine steps (a progress handler on the pooled connection the index opens), compared
/// with the same members numbered in date order: what the query needs is the same in both.
/// </summary>
public sealed class EarlierCopiesScanAuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private const int Feeds = 500;
    private const int ItemsPerFeed = 60;

    /// <summary>
    /// The service's first poll of 500 feeds whose archives hold 60 daily items each (two months): the
    /// stories are numbered feed by feed, each feed newest first, so every one of those days has
    /// members from the first to the last story of the poll. An hour later a new story joins a
    /// cluster and a digest run asks for its cluster's members dated within the window (72 h): the
    /// query reads the whole poll (30,000 rows) for the 1,500 members of the three days, at every
    /// digest run until the window has passed the poll's days, and again whenever a kept story is
    /// dated back in the archive.
    /// </summary>
    [Fact]
    public async Task EarlierCopiesQuery_AfterFirstPollOfArchives_ReadsAboutTheWindowNotTheWholePoll()
    {
        var interleaved = await MeasureAsync(dateOrder: false);
        var ordered = await MeasureAsync(dateOrder: true);

        Assert.Equal(ordered.Found, interleaved.Found);
        Assert.True(
            interleaved.Steps <= 3 * ordered.Steps,
            $"the earlier-copies query took {interleaved.Steps} VM steps (id range {interleaved.RangeRows} members) after a first poll, " +
            $"{ordered.Steps} steps (id range {ordered.RangeRows} members) for the same members numbered in date order; {ordered.Dated} are dated in the span");
    }

    private static async Task<(long Steps, int Found, long RangeRows, long Dated)> MeasureAsync(bool dateOrder)
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        // (feed, k): k days old, an hour before now.
        var items = Enumerable.Range(0, Feeds).SelectMany(f => Enumerable.Range(0, ItemsPerFeed).Select(k => (Feed: f, Age: k))).ToList();
        if (dateOrder)
        {
            items = [.. items.OrderByDescending(i => i.Age).ThenBy(i => i.Feed)];
        }

        await using (var connection = await database.Connections.OpenAsync(CancellationToken.None))
        await using (var transaction = connection.BeginTransaction())
        {
            await using var cluster = connection.CreateCommand();
            cluster.Transaction = transaction;
            cluster.CommandText = "INSERT INTO clusters (id, version, size, centroid) VALUES ($id, 1, 1, zeroblob(0))";
            var clusterId = cluster.Parameters.Add("$id", SqliteType.Integer);
            await using var member = connection.CreateCommand();
            member.Transaction = transaction;
            member.CommandText = "INSERT INTO cluster_members (story_id, cluster_id, at) VALUES ($id, $id, $at)";
            var memberId = member.Parameters.Add("$id", SqliteType.Integer);
            var at = member.Parameters.Add("$at", SqliteType.Integer);
            for (var i = 0; i < items.Count; i++)
            {
                clusterId.Value = i + 1;
                await cluster.ExecuteNonQueryAsync();
                memberId.Value = i + 1;
                at.Value = Now.AddHours(-1).AddDays(-items[i].Age).ToUnixTimeSeconds();
                await member.ExecuteNonQueryAsync();
            }

            // The new story, seen now, joins the cluster of a story of yesterday.
            var yesterdays = items.FindIndex(i => i.Age == 1) + 1;
            memberId.Value = items.Count + 1;
            at.Value = Now.ToUnixTimeSeconds();
            await using var join = connection.CreateCommand();
            join.Transaction = transaction;
            join.CommandText = $"INSERT INTO cluster_members (story_id, cluster_id, at) VALUES ({items.Count + 1}, {yesterdays}, {Now.ToUnixTimeSeconds()})";
            await join.ExecuteNonQueryAsync();
            await using var days = connection.CreateCommand();
            days.Transaction = transaction;
            days.CommandText = ClusterMemberDays.RebuildSql;
            await days.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            SqliteConnection.ClearPool(connection);
        }

        var window = new ClusteringOptions().Window;
        var from = Now - window;
        var to = Now + window;
        var joined = (long)items.FindIndex(i => i.Age == 1) + 1;
        long rangeRows = await database.ScalarAsync<long>(
            $"SELECT count(*) FROM cluster_members WHERE story_id BETWEEN (SELECT min(first_story) FROM cluster_member_days WHERE day BETWEEN {ClusterMemberDays.Of(from.ToUnixTimeSeconds())} AND {ClusterMemberDays.Of(to.ToUnixTimeSeconds())}) AND (SELECT max(last_story) FROM cluster_member_days WHERE day BETWEEN {ClusterMemberDays.Of(from.ToUnixTimeSeconds())} AND {ClusterMemberDays.Of(to.ToUnixTimeSeconds())})");
        long dated = await database.ScalarAsync<long>($"SELECT count(*) FROM cluster_members WHERE at >= {from.ToUnixTimeSeconds()} AND at < {to.ToUnixTimeSeconds()}");

        // One pooled connection, with a step counter: the index's next open takes it.
        long steps = 0;
        await using (var probe = await database.Connections.OpenAsync(CancellationToken.None))
        {
            SqliteConnection.ClearPool(probe);
        }

        var counting = false;
        await using (var probe = await database.Connections.OpenAsync(CancellationToken.None))
        {
            SQLitePCL.raw.sqlite3_progress_handler(probe.Handle, 1, _ => { if (counting) { steps++; } return 0; }, null);
        }

        await using var index = new SqliteStoryClusterIndex(database.Connections);
        counting = true;
        var found = await index.GetClusterStoriesAsync([new ClusterSpan(joined, from, to)], CancellationToken.None);
        counting = false;
        Assert.True(steps > 0, "the progress handler did not count: the index did not take the pooled connection");
        return (steps, found.Count, rangeRows, dated);
    }
}
