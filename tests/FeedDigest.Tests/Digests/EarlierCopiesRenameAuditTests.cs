using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Feeds;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Tests.Storage;
using static FeedDigest.Tests.Digests.EarlierCopiesAuditTests;

namespace FeedDigest.Tests.Digests;

/// <summary>
/// Audit: earlier copies from a feed that a rename archived. FeedCatalogSync moves a stored feed
/// out of a rename's way to an archive id ("{id}~removed-{hex}"), with its stories; that feed is no
/// longer configured. Its stories from before the subscriber's cut-off are now read as earlier
/// copies, and the renderer names an outlet the catalog does not know by its feed id.
/// </summary>
public sealed class EarlierCopiesRenameAuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Yesterday = new(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// harbor was polled at https://harbor.example/feed.xml; its unmatched copy of the media-law story
    /// (story 3) came yesterday, before ana's cut-off. The admin then points "harbor" at the feed stored
    /// as "bay" (https://bay.example/feed.xml): bay is renamed to harbor and the old harbor row is archived
    /// as "harbor~removed-…" with story 3. The wire's new censorship story (story 6) of the same cluster
    /// goes out, and story 3 is named under "also" by the archive id, an internal name, for an outlet no
    /// longer configured.
    /// </summary>
    [Fact]
    public async Task EarlierCopyOfArchivedFeed_IsNotNamedByItsArchiveId()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using (var connection = await database.Connections.OpenAsync(CancellationToken.None))
        await using (var bay = connection.CreateCommand())
        {
            bay.CommandText = "INSERT INTO feeds (id, source, next_check_at) VALUES ('bay', 'https://bay.example/feed.xml', $now)";
            bay.Parameters.AddWithValue("$now", SqliteTime.ToText(Now));
            await bay.ExecuteNonQueryAsync();
        }

        await InsertStoriesAsync(database,
        [
            new(3, "harbor", "Parliament debates the media law", Now.AddHours(-20), null, 100),
            new(4, "agency", "Censorship debate opens", Now.AddDays(-4), null, null),
            new(6, "wire", "Censorship law challenged in court", Now.AddHours(-2), null, 100),
        ]);
        var digestStore = new SqliteDigestStore(database.Connections);
        var created = await digestStore.GetOrCreateStateAsync("ana@example.com", Now.AddDays(-30), Now.AddDays(-30), CancellationToken.None);
        var earlier = new ClaimedDigest("earlier", "ana@example.com", "earlier@feeddigest", Now.AddDays(-4), [new DigestEntry(4, "censorship", 0)], 0);
        Assert.True(await digestStore.TryClaimAsync(created, Now.AddDays(-4), 0, earlier, CancellationToken.None));
        await digestStore.MarkSentAsync("earlier", Now.AddDays(-4), CancellationToken.None);
        var state = await digestStore.GetOrCreateStateAsync("ana@example.com", Now, Now, CancellationToken.None);
        Assert.True(await digestStore.TryClaimAsync(state, Yesterday, 4, null, CancellationToken.None));

        var options = new CatalogOptions
        {
            Feeds =
            [
                new FeedOptions { Id = "harbor", Url = "https://bay.example/feed.xml", Title = "Harbor Times" },
                new FeedOptions { Id = "wire", Url = "https://wire.example/feed.xml", Title = "Wire" },
                new FeedOptions { Id = "agency", Url = "https://agency.example/feed.xml", Title = "Agency" },
            ],
            Topics = [new TopicOptions { Id = "censorship", Name = "Online censorship", Query = "censor*" }],
            Subscribers = [new SubscriberOptions { Email = "ana@example.com", Topics = ["censorship"], SendAt = "07:00", TimeZone = "UTC" }],
        };
        Assert.True(Catalog.TryCreate(options, "/", out var catalog, out var errors), string.Join("\n", errors));

        await using var harness = new Harness(database, catalog);
        await harness.Dispatcher.RunAsync(CancellationToken.None);

        var archived = await database.ScalarAsync<string>("SELECT feed_id FROM stories WHERE id = 3");
        Assert.Contains(FeedRenames.ArchiveMark, archived, StringComparison.Ordinal);
        var body = Assert.Single(harness.Sender.Sent).TextBody!;
        Assert.Contains("Censorship law challenged in court", body, StringComparison.Ordinal);
        Assert.False(
            body.Contains(FeedRenames.ArchiveMark, StringComparison.Ordinal),
            $"the digest names the archived feed's earlier copy (story 3, before the cut-off) under 'also' by its internal archive id '{archived}':\n" + body);
    }
}
