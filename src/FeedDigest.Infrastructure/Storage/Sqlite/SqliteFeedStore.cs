using System.Buffers;
using System.Text;
using System.Text.Json;
using Dapper;
using FeedDigest.Core.Feeds;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Stories.Clustering;
using Microsoft.Data.Sqlite;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

internal sealed class SqliteFeedStore(SqliteConnectionFactory connections) : IFeedStore
{
    private const string FeedColumns =
        "id, source, etag, last_modified, last_checked_at, last_success_at, next_check_at, consecutive_errors, last_error, " +
        "fetch_url, last_status, failing_since, alert_sent, gone, guids_unstable, ttl_seconds, items_stored, prior_identity, channel_title";

    public Task<FeedRenames> SyncFeedsAsync(IReadOnlyList<Feed> feeds, DateTimeOffset now, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (scope, token) =>
            {
                // Renamed first: the renamed row is then one more feed already as configured. The
                // rows moved out of a rename's way, and the temporary ids of a swap, come in Moves.
                var renames = FeedRenames.Find(feeds, await ReadStoredFeedsAsync(scope, token).ConfigureAwait(false));
                foreach (var move in renames.Moves)
                {
                    await RenameAsync(scope, move, token).ConfigureAwait(false);
                }

                // A feed whose URL changed is a new source: forget its validators and check it now. A URL
                // changed to the one the feed was fetched from (the feed a configured page advertised, or
                // where a permanent redirect led) is the same document, and keeps its state.
                // One statement for the whole list, and rows already as configured are left alone:
                // a start with 1,000 unchanged feeds rewrote 1,000 rows. A new feed's key seed is its
                // id, unless a renamed feed's seed holds that id (see 0018_feed_key_seed.sql).
                var upsert = scope.Command(
                    """
                    INSERT INTO feeds (id, source, active, next_check_at, identity, key_seed)
                    SELECT value ->> 0, value ->> 1, 1, $now, value ->> 2,
                        CASE WHEN EXISTS (SELECT 1 FROM feeds WHERE key_seed = value ->> 0)
                            THEN (value ->> 0) || ' ' || lower(hex(randomblob(8))) ELSE value ->> 0 END
                    FROM json_each($feeds) WHERE true
                    ON CONFLICT (id) DO UPDATE SET
                        active = 1,
                        source = excluded.source,
                        identity = excluded.identity,
                        etag = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.etag END,
                        last_modified = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.last_modified END,
                        consecutive_errors = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.consecutive_errors ELSE 0 END,
                        last_error = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.last_error END,
                        fetch_url = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.fetch_url END,
                        failing_since = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.failing_since END,
                        alert_sent = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.alert_sent ELSE 0 END,
                        gone = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN feeds.gone ELSE 0 END,
                        -- Another feed, or keys made another way: the next items are stored as new ones are.
                        items_stored = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) AND (feeds.identity IS NULL OR feeds.identity = excluded.identity) THEN feeds.items_stored ELSE 0 END,
                        -- Keys made another way for the same feed: the policy its stored keys were made under
                        -- (0023_feed_prior_identity.sql); none while no item was stored since (a feed whose
                        -- items were never stored takes its next ones as its archive), so a second change
                        -- before a fetch keeps the first's.
                        prior_identity = CASE
                            WHEN NOT (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) THEN NULL
                            WHEN feeds.identity IS NOT NULL AND feeds.identity IS NOT excluded.identity
                                THEN CASE WHEN feeds.items_stored = 0 THEN feeds.prior_identity ELSE feeds.identity END
                            ELSE feeds.prior_identity END,
                        next_check_at = CASE WHEN (feeds.source = excluded.source OR feeds.fetch_url = excluded.source) AND feeds.active = 1 THEN feeds.next_check_at ELSE excluded.next_check_at END
                    WHERE feeds.source IS NOT excluded.source OR feeds.active = 0 OR feeds.identity IS NOT excluded.identity
                    """);
                SqliteWriteScope.Set(upsert, "$now", SqliteTime.ToText(now));
                var feedList = FeedListJson(feeds);
                SqliteWriteScope.Set(upsert, "$feeds", feedList);
                await upsert.ExecuteNonQueryAsync(token).ConfigureAwait(false);

                var deactivate = scope.Command("UPDATE feeds SET active = 0 WHERE active = 1 AND id NOT IN (SELECT value ->> 0 FROM json_each($feeds))");
                SqliteWriteScope.Set(deactivate, "$feeds", feedList);
                await deactivate.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return renames;
            },
            cancellationToken);

    /// <summary>Every stored feed, configured or not: one short row per feed ever configured, read once per configuration.</summary>
    private static async Task<List<StoredFeed>> ReadStoredFeedsAsync(SqliteWriteScope scope, CancellationToken cancellationToken)
    {
        var stored = new List<StoredFeed>();
        await using var reader = await scope.Command($"SELECT {StoredFeedColumns} FROM feeds").ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored.Add(ReadStoredFeed(reader));
        }

        return stored;
    }

    /// <summary>The columns <see cref="ReadStoredFeed"/> reads, first in a query's row.</summary>
    private const string StoredFeedColumns = "id, source, fetch_url";

    private static StoredFeed ReadStoredFeed(SqliteDataReader reader) =>
        new(reader.GetString(0), new Uri(reader.GetString(1)), reader.IsDBNull(2) ? null : new Uri(reader.GetString(2)));

    public async Task<IReadOnlyList<UnconfiguredFeed>> GetUnconfiguredFeedsAsync(IReadOnlyCollection<string> configuredIds, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        // stories.feed_id has no index (see RenameAsync): one pass over the stories counts those of
        // every feed listed, where a count per feed would read the whole table once for each.
        query.CommandText =
            $"""
            SELECT {StoredFeedColumns}, last_success_at, coalesce(held.story_count, 0)
            FROM feeds LEFT JOIN (
                SELECT feed_id, count(*) AS story_count FROM stories
                WHERE feed_id NOT IN (SELECT value FROM json_each($configured))
                GROUP BY feed_id) AS held ON held.feed_id = feeds.id
            WHERE id NOT IN (SELECT value FROM json_each($configured))
            ORDER BY id
            """;
        query.Parameters.AddWithValue("$configured", JsonSerializer.Serialize(configuredIds));
        var unconfigured = new List<UnconfiguredFeed>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            unconfigured.Add(new UnconfiguredFeed(
                ReadStoredFeed(reader),
                (int)reader.GetInt64(4),
                SqliteTime.FromNullableText(reader.IsDBNull(3) ? null : reader.GetString(3))));
        }

        return unconfigured;
    }

    /// <summary>
    /// Gives a stored feed its new id everywhere the id is kept: its row (validators, schedule,
    /// failures, Gone and all), its stories, and the main source of the clusters its stories are in.
    /// </summary>
    /// <remarks>
    /// Story keys are not rewritten, and need not be. They are 64-bit hashes of the feed's key seed
    /// and the key (StoryIdentity.KeyHash), without the key's text (0006), so they could not be
    /// hashed again under the new id; and a feed's keys, tombstones of pruned stories included, are
    /// far more rows than its stories. The row keeps its seed (its first id, 0018_feed_key_seed.sql),
    /// so every key it stored stays its own. The stories' feed_id has no index: renaming reads the
    /// stories table once, and writes only the feed's own stories, which retention bounds.
    /// </remarks>
    private static async Task RenameAsync(SqliteWriteScope scope, FeedIdMove rename, CancellationToken cancellationToken)
    {
        // stories.feed_id references feeds.id: checked when the transaction commits, once both say the new id
        // (and, in a swap, once the second feed has taken the first one's old id).
        await scope.Command("PRAGMA defer_foreign_keys = ON").ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var feed = scope.Command("UPDATE feeds SET id = $new, key_seed = coalesce(key_seed, id) WHERE id = $old");
        SqliteWriteScope.Set(feed, "$old", rename.From);
        SqliteWriteScope.Set(feed, "$new", rename.To);
        await feed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var stories = scope.Command("UPDATE stories SET feed_id = $new WHERE feed_id = $old");
        SqliteWriteScope.Set(stories, "$old", rename.From);
        SqliteWriteScope.Set(stories, "$new", rename.To);
        await stories.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        // A cluster's main source is a feed id, hashed (MainSource), and always the source of one of
        // its stories: the clusters holding the feed's stories follow the rename, so one made mostly
        // of them still takes its next ones only at SameSourceThreshold. (Clusters whose stories were
        // all pruned keep the old hash; they are long out of the clustering window.) The version
        // moves on, as with every write to the clustering tables: an index holding the old state reloads.
        var clusters = scope.Command(
            """
            UPDATE clusters SET main_source = $newSource, version = version + 1
            WHERE main_source = $oldSource AND merged_into IS NULL
              AND id IN (SELECT coalesce(c.merged_into, m.cluster_id)
                         FROM stories AS s JOIN cluster_members AS m ON m.story_id = s.id JOIN clusters AS c ON c.id = m.cluster_id
                         WHERE s.feed_id = $new)
            """);
        SqliteWriteScope.Set(clusters, "$oldSource", MainSource.KeyOf(rename.From));
        SqliteWriteScope.Set(clusters, "$newSource", MainSource.KeyOf(rename.To));
        SqliteWriteScope.Set(clusters, "$new", rename.To);
        if (await clusters.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            await scope.Command(SqliteStoryClusterIndex.BumpSql).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>[[id, source, identity policy], …]: written directly, since the serializer's first use (reflection over the type) cost more than the sync.</summary>
    private static string FeedListJson(IReadOnlyList<Feed> feeds)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var feed in feeds)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(feed.Id);
                writer.WriteStringValue(feed.Source.AbsoluteUri);
                writer.WriteStringValue(feed.Identity.ToString().ToLowerInvariant());
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public async Task<IReadOnlyList<FeedState>> GetDueFeedsAsync(DateTimeOffset now, DateTimeOffset latestScheduledCheck, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {FeedColumns} FROM feeds WHERE active = 1 AND gone = 0 AND (next_check_at <= $now OR next_check_at > $latest) ORDER BY next_check_at LIMIT $limit";
        query.Parameters.AddWithValue("$now", SqliteTime.ToText(now));
        query.Parameters.AddWithValue("$latest", SqliteTime.ToText(latestScheduledCheck));
        query.Parameters.AddWithValue("$limit", limit);
        return await ReadFeedStatesAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FeedState>> GetFeedsDueAfterAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        // A range of ix_feeds_due: every poll asks, and it is almost always empty.
        query.CommandText = $"SELECT {FeedColumns} FROM feeds WHERE active = 1 AND gone = 0 AND next_check_at > $after ORDER BY next_check_at";
        query.Parameters.AddWithValue("$after", SqliteTime.ToText(after));
        return await ReadFeedStatesAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FeedState>> GetFeedsCheckedAfterAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {FeedColumns} FROM feeds WHERE active = 1 AND (last_checked_at > $after OR (last_checked_at IS NULL AND next_check_at > $after)) ORDER BY id";
        query.Parameters.AddWithValue("$after", SqliteTime.ToText(after));
        return await ReadFeedStatesAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public Task SaveStatesAsync(IReadOnlyList<FeedState> states, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (scope, token) =>
            {
                foreach (var state in states)
                {
                    await UpdateStateAsync(scope, state, token).ConfigureAwait(false);
                }

                return states.Count;
            },
            cancellationToken);

    public async Task<IReadOnlyList<FeedState>> GetFeedStatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {FeedColumns} FROM feeds WHERE active = 1 ORDER BY id";
        return await ReadFeedStatesAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rows of <see cref="FeedColumns"/> read by position: every poll starts here, and Dapper's
    /// first mapping of a type compiles a reader for it, a cost each start of the CLI paid.
    /// </summary>
    private static async Task<List<FeedState>> ReadFeedStatesAsync(SqliteCommand query, CancellationToken cancellationToken)
    {
        var states = new List<FeedState>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
            long? Number(int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);
            states.Add(new FeedState(
                reader.GetString(0),
                new Uri(reader.GetString(1)),
                Text(2),
                Text(3),
                SqliteTime.FromNullableText(Text(4)),
                SqliteTime.FromNullableText(Text(5)),
                SqliteTime.FromText(reader.GetString(6)),
                (int)reader.GetInt64(7),
                Text(8))
            {
                FetchUri = Text(9) is { } fetchUrl ? new Uri(fetchUrl) : null,
                LastStatus = (int?)Number(10),
                FailingSince = SqliteTime.FromNullableText(Text(11)),
                AlertSent = reader.GetInt64(12) != 0,
                Gone = reader.GetInt64(13) != 0,
                GuidsUnstable = reader.GetInt64(14) != 0,
                TimeToLive = Number(15) is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
                ItemsStored = reader.GetInt64(16) != 0,
                PreviousIdentity = Enum.TryParse<IdentityPolicy>(Text(17), ignoreCase: true, out var previous) ? previous : null,
                ChannelTitle = Text(18),
            });
        }

        return states;
    }

    public Task<StoriesSaved> SaveFetchAsync(FeedState state, IReadOnlyList<NewStory> stories, EditedStoryPolicy editedStories, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (scope, token) =>
            {
                var saved = await SaveStoriesAsync(scope, state.FeedId, stories, editedStories, token).ConfigureAwait(false);
                await UpdateStateAsync(scope, state with { GuidsUnstable = state.GuidsUnstable || saved.GuidChanges > 0, ItemsStored = state.ItemsStored || stories.Count > 0 }, token).ConfigureAwait(false);
                return saved;
            },
            cancellationToken);

    /// <summary>
    /// Stores a fetch's stories in a handful of statements whatever their number: the fetch's keys
    /// are looked up at once, and its new keys and the stored state of its known stories read and
    /// written at once. Only new stories and edits are written one by one.
    /// </summary>
    private static async Task<StoriesSaved> SaveStoriesAsync(SqliteWriteScope scope, string feedId, IReadOnlyList<NewStory> stories, EditedStoryPolicy editedStories, CancellationToken cancellationToken)
    {
        int added = 0, guidChanges = 0;
        var sequence = new SequenceAllocator(scope);
        var seed = await KeySeedAsync(scope, feedId, cancellationToken).ConfigureAwait(false);
        var hashes = stories.Select(story => story.Keys.Select(key => StoryIdentity.KeyHash(seed, key)).ToArray()).ToList();
        var previousHashes = stories.Select(story => story.PreviousKeys.Select(key => StoryIdentity.KeyHash(seed, key)).ToArray()).ToList();
        // Known keys, and the keys this fetch adds as it goes: an item may repeat one before it.
        var known = await FindKeysAsync(scope, hashes.SelectMany(h => h).Concat(previousHashes.SelectMany(h => h)), cancellationToken).ConfigureAwait(false);
        var (sameStory, regenerated) = await MatchNewGuidsAsync(scope, stories, hashes, known, cancellationToken).ConfigureAwait(false);
        var knownBefore = await MatchPreviousKeysAsync(scope, stories, previousHashes, known, cancellationToken).ConfigureAwait(false);
        var editedWithoutIdentity = await MatchEditsWithoutIdentityAsync(scope, feedId, stories, hashes, known, sameStory, cancellationToken).ConfigureAwait(false);
        var newKeys = new List<(long Hash, long? StoryId)>();
        // Whether each was named by its GUID at a link new to the feed: an edit of it may be another
        // article under that GUID, which Identity link would have stored as an item of its own.
        var knownStories = new List<(long StoryId, NewStory Story, bool ByGuidAtNewLink)>();
        var gainedGuid = new HashSet<long>();
        for (var i = 0; i < stories.Count; i++)
        {
            var story = stories[i];
            var keys = hashes[i];
            // While a feed's GUIDs are usable an item with one is named by it alone: a new GUID is
            // a new story even when its link is stored (a picture of the day, a changelog's anchors).
            var hasGuid = story.Keys.Any(IsGuid);
            var naming = Enumerable.Range(0, keys.Length).Where(k => (!hasGuid || IsGuid(story.Keys[k])) && known.ContainsKey(keys[k])).ToList();
            long? storyId;
            var keepStoredGuid = false;
            var byGuidAtNewLink = false;
            if (knownBefore.TryGetValue(i, out var storedBefore))
            {
                // Known under the keys of the feed's previous identity policy: the stored story (or its tombstone).
                storyId = storedBefore;
            }
            else if (editedWithoutIdentity.TryGetValue(i, out var edited))
            {
                storyId = edited;
            }
            else if (sameStory.TryGetValue(i, out var match))
            {
                storyId = match.StoryId;
                if (match.HadGuid)
                {
                    // The new GUID is not recorded beside the stored one: a feed that regenerates
                    // GUIDs would add a key per item on every fetch for good.
                    keepStoredGuid = true;
                    guidChanges += regenerated ? 1 : 0;
                }
                else
                {
                    gainedGuid.Add(match.StoryId);
                }
            }
            else if (naming.Count == 0)
            {
                var id = InsertStory(scope, story, story.HeldBack ? null : await sequence.NextAsync(cancellationToken).ConfigureAwait(false));
                foreach (var key in keys)
                {
                    if (known.TryAdd(key, id))
                    {
                        newKeys.Add((key, id));
                    }
                }

                added += story.HeldBack ? 0 : 1;
                continue;
            }
            else
            {
                storyId = naming.Select(k => known[keys[k]]).FirstOrDefault(v => v is not null);
                byGuidAtNewLink = hasGuid && Enumerable.Range(0, keys.Length).Any(k => IsLinkKey(story.Keys[k]) && !known.ContainsKey(keys[k]));
            }

            // A known story named by its GUID gains no title-and-date key: a feed dating its items at
            // each fetch would add one a fetch for good. Nor does a story named by its text without
            // counts (content policy) gain a key of its text with them: a view count changing at each
            // fetch would do the same. Both are kept from the story's first fetch.
            var namedWithoutCounts = Enumerable.Range(0, keys.Length).Any(k => IsUncountedContentKey(story.Keys[k]) && known.ContainsKey(keys[k]));
            foreach (var k in Enumerable.Range(0, keys.Length).Where(k => !known.ContainsKey(keys[k]) && !(keepStoredGuid && IsGuid(story.Keys[k])) && !(hasGuid && IsTextKey(story.Keys[k])) && !(namedWithoutCounts && IsContentKey(story.Keys[k]))))
            {
                known[keys[k]] = storyId;
                newKeys.Add((keys[k], storyId));
            }

            if (storyId is { } stored)
            {
                knownStories.Add((stored, story, byGuidAtNewLink));
            }
        }

        await AddKeysAsync(scope, newKeys, gainedGuid, cancellationToken).ConfigureAwait(false);
        var (updated, guidReused) = await UpdateEditedAsync(scope, knownStories, editedStories, sequence, cancellationToken).ConfigureAwait(false);
        await sequence.SaveAsync(cancellationToken).ConfigureAwait(false);
        return new StoriesSaved(added, updated, guidChanges) { GuidReused = guidReused };
    }

    /// <summary>What the feed's keys are hashed with: its first id, kept when it is renamed (0018_feed_key_seed.sql).</summary>
    private static async Task<string> KeySeedAsync(SqliteWriteScope scope, string feedId, CancellationToken cancellationToken)
    {
        var read = scope.Command("SELECT coalesce(key_seed, id) FROM feeds WHERE id = $id");
        SqliteWriteScope.Set(read, "$id", feedId);
        return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? feedId;
    }

    private static bool IsGuid(string key) => key.StartsWith(StoryIdentity.GuidPrefix, StringComparison.Ordinal);

    /// <summary>A key made from an item's canonical link, as <see cref="IdentityPolicy.Link"/> names items.</summary>
    private static bool IsLinkKey(string key) => key.StartsWith(StoryIdentity.LinkPrefix, StringComparison.Ordinal);

    /// <summary>A key made from an item's text (title and date), not from its GUID or link.</summary>
    private static bool IsTextKey(string key) => key.StartsWith(StoryIdentity.TextKeyPrefix, StringComparison.Ordinal);

    /// <summary>A key the content policy made of the item's text with its counts (comments, views).</summary>
    private static bool IsContentKey(string key) => key.StartsWith(StoryIdentity.ContentKeyPrefix, StringComparison.Ordinal);

    /// <summary>A key the content policy made of the item's text without its counts.</summary>
    private static bool IsUncountedContentKey(string key) => key.StartsWith(StoryIdentity.UncountedContentKeyPrefix, StringComparison.Ordinal);

    private static string CategoriesJson(NewStory story) =>
        story.Categories.Count == 0 ? "[]" : JsonSerializer.Serialize(story.Categories);

    /// <returns>Each stored key among <paramref name="hashes"/>, with its story (null for a pruned one's tombstone).</returns>
    private static async Task<Dictionary<long, long?>> FindKeysAsync(SqliteWriteScope scope, IEnumerable<long> hashes, CancellationToken cancellationToken)
    {
        var find = scope.Command("SELECT key_hash, story_id FROM story_keys WHERE key_hash IN (SELECT value FROM json_each($hashes))");
        SqliteWriteScope.Set(find, "$hashes", SqliteJson.Array(hashes));
        var found = new Dictionary<long, long?>();
        await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        return found;
    }

    /// <summary>Prepared once per batch and bound by position per story: a first poll stores tens of thousands.</summary>
    private static long InsertStory(SqliteWriteScope scope, NewStory story, long? sequence)
    {
        var insert = scope.RawStatement(
            """
            INSERT INTO stories (feed_id, title, link, summary, author, categories, published_at, updated_at, first_seen_at, content_hash, seq, has_guid)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """);
        insert.Bind(1, story.FeedId);
        insert.Bind(2, story.Title);
        insert.Bind(3, story.Link);
        insert.Bind(4, story.Summary);
        insert.Bind(5, story.Author);
        insert.Bind(6, CategoriesJson(story));
        insert.Bind(7, SqliteTime.ToText(story.PublishedAt));
        insert.Bind(8, SqliteTime.ToText(story.UpdatedAt));
        insert.Bind(9, SqliteTime.ToText(story.FirstSeenAt));
        insert.Bind(10, story.ContentHash);
        insert.Bind(11, sequence);
        insert.Bind(12, story.Keys.Any(IsGuid) ? 1 : 0);
        return insert.Insert();
    }

    private static async Task AddKeysAsync(SqliteWriteScope scope, List<(long Hash, long? StoryId)> keys, HashSet<long> gainedGuid, CancellationToken cancellationToken)
    {
        if (keys.Count > 0)
        {
            // [[hash, story], ...] in one parameter; json_each reads a tombstone's null as NULL.
            var rows = "[" + string.Join(',', keys.Select(k => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{k.Hash},{(k.StoryId is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")}]"))) + "]";
            var add = scope.Command("INSERT INTO story_keys (key_hash, story_id) SELECT value ->> 0, value ->> 1 FROM json_each($rows) WHERE true ON CONFLICT DO NOTHING");
            SqliteWriteScope.Set(add, "$rows", rows);
            await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (gainedGuid.Count > 0)
        {
            var mark = scope.Command("UPDATE stories SET has_guid = 1 WHERE id IN (SELECT value FROM json_each($ids)) AND has_guid = 0");
            SqliteWriteScope.Set(mark, "$ids", SqliteJson.Array(gainedGuid));
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The items with GUIDs none of which is stored, yet known by their link, that are a stored
    /// story: one stored without a GUID that now has one, or one with another GUID when the feed
    /// regenerates GUIDs or the item is sent again unchanged. A new GUID on a known link is
    /// otherwise a new story, so GUIDs are taken for regenerated only on strong evidence: at least
    /// two, and at least half, of the fetch's items with GUIDs bring a new one on a stored link.
    /// This fetch's items are then matched by link, so even the fetch that reveals it delivers
    /// nothing twice.
    /// </summary>
    private static async Task<(Dictionary<int, (long StoryId, bool HadGuid)> SameStory, bool Regenerated)> MatchNewGuidsAsync(
        SqliteWriteScope scope, IReadOnlyList<NewStory> stories, List<long[]> hashes, Dictionary<long, long?> known, CancellationToken cancellationToken)
    {
        var withGuid = 0;
        var byLink = new Dictionary<int, long>();
        // Known by title and date, not by a link: notices titled alike and dated by the day are many
        // stories, so such an item is the stored one only with its text as well.
        var byTitleAndDate = new HashSet<int>();
        for (var i = 0; i < stories.Count; i++)
        {
            var keys = stories[i].Keys;
            if (!keys.Any(IsGuid))
            {
                continue;
            }

            withGuid++;
            if (Enumerable.Range(0, keys.Count).Any(k => IsGuid(keys[k]) && known.ContainsKey(hashes[i][k])))
            {
                continue;
            }

            var other = Enumerable.Range(0, keys.Count).Where(k => !IsGuid(keys[k]) && known.GetValueOrDefault(hashes[i][k]) is not null).Select(k => (int?)k).FirstOrDefault();
            if (other is { } k)
            {
                byLink[i] = known[hashes[i][k]]!.Value;
                if (IsTextKey(keys[k]))
                {
                    byTitleAndDate.Add(i);
                }
            }
        }

        var sameStory = new Dictionary<int, (long StoryId, bool HadGuid)>();
        if (byLink.Count == 0)
        {
            return (sameStory, false);
        }

        var stored = await ReadGuidsAndHashesAsync(scope, byLink.Values, cancellationToken).ConfigureAwait(false);

        bool SameText(int item, string? hash) => stories[item].HasTextOf(hash);
        var changed = byLink.Where(m => stored.TryGetValue(m.Value, out var s) && s.HasGuid && (!byTitleAndDate.Contains(m.Key) || SameText(m.Key, s.Hash))).ToList();
        var regenerated = changed.Count >= 2 && changed.Count * 2 >= withGuid;
        foreach (var (item, storyId) in byLink)
        {
            if (!stored.TryGetValue(storyId, out var story))
            {
                continue;
            }

            if (byTitleAndDate.Contains(item) ? SameText(item, story.Hash) : !story.HasGuid || regenerated || SameText(item, story.Hash))
            {
                sameStory[item] = (storyId, story.HasGuid);
            }
        }

        return (sameStory, regenerated);
    }

    /// <summary>Whether each of these stored stories was seen with a GUID, and the hash of its text.</summary>
    private static async Task<Dictionary<long, (bool HasGuid, string? Hash)>> ReadGuidsAndHashesAsync(SqliteWriteScope scope, IEnumerable<long> storyIds, CancellationToken cancellationToken)
    {
        var read = scope.Command("SELECT id, has_guid, content_hash FROM stories WHERE id IN (SELECT value FROM json_each($ids))");
        SqliteWriteScope.Set(read, "$ids", SqliteJson.Array(storyIds.Distinct()));
        var stored = new Dictionary<long, (bool HasGuid, string? Hash)>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[reader.GetInt64(0)] = (reader.GetInt64(1) != 0, reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return stored;
    }

    /// <summary>
    /// The items known under the keys of the feed's previous identity policy, and their stories (null
    /// for a pruned one's tombstone). A GUID or link key names its item; a key made from the text
    /// (a title, or title and date) names it only with the same text: an admin leaving the title
    /// policy because it merged the days of a "Daily briefing" wants today's as a story of its own.
    /// </summary>
    private static async Task<Dictionary<int, long?>> MatchPreviousKeysAsync(
        SqliteWriteScope scope, IReadOnlyList<NewStory> stories, List<long[]> previousHashes, Dictionary<long, long?> known, CancellationToken cancellationToken)
    {
        var matches = new Dictionary<int, long?>();
        var byText = new Dictionary<int, long>();
        for (var i = 0; i < stories.Count; i++)
        {
            var k = Array.FindIndex(previousHashes[i], known.ContainsKey);
            if (k < 0)
            {
                continue;
            }

            var storyId = known[previousHashes[i][k]];
            var key = stories[i].PreviousKeys[k];
            if (storyId is not { } stored || IsGuid(key) || key.StartsWith(StoryIdentity.LinkPrefix, StringComparison.Ordinal))
            {
                matches[i] = storyId;
            }
            else
            {
                byText[i] = stored;
            }
        }

        if (byText.Count == 0)
        {
            return matches;
        }

        var storedTexts = await ReadGuidsAndHashesAsync(scope, byText.Values, cancellationToken).ConfigureAwait(false);
        foreach (var (i, storyId) in byText)
        {
            if (storedTexts.TryGetValue(storyId, out var story) && stories[i].HasTextOf(story.Hash))
            {
                matches[i] = storyId;
            }
        }

        return matches;
    }

    /// <summary>
    /// Items with neither GUID nor link are known by title and date, so an edit of either makes a
    /// key never stored. Such an item, unknown, is the stored story of the feed (also without GUID
    /// or link) that no item of this fetch names, when it has the same text and either the same
    /// title (its date bumped) or the same date and a title it extends or cuts (a comment count,
    /// "Update:" added); only when one story alone fits. Not on the text alone, nor on the text and
    /// date: a feed may give every item one blurb, date them by the day and title them alike.
    /// </summary>
    /// <returns>The item's index and the story it is an edit of.</returns>
    private static async Task<Dictionary<int, long>> MatchEditsWithoutIdentityAsync(
        SqliteWriteScope scope, string feedId, IReadOnlyList<NewStory> stories, List<long[]> hashes, Dictionary<long, long?> known,
        Dictionary<int, (long StoryId, bool HadGuid)> sameStory, CancellationToken cancellationToken)
    {
        var matches = new Dictionary<int, long>();
        var unknown = Enumerable.Range(0, stories.Count)
            .Where(i => stories[i].Keys.All(IsTextKey)
                && !hashes[i].Any(known.ContainsKey) && !sameStory.ContainsKey(i) && stories[i].Summary.Length > 0)
            .ToList();
        if (unknown.Count == 0)
        {
            return matches;
        }

        // The feed's latest stories of that kind that this fetch does not name: an item still in the feed is no edit's source.
        var named = hashes.SelectMany(keys => keys).Select(key => known.GetValueOrDefault(key)).OfType<long>().Concat(sameStory.Values.Select(match => match.StoryId));
        var read = scope.Command(
            """
            SELECT id, title, summary, published_at FROM stories
            WHERE feed_id = $feed AND link IS NULL AND has_guid = 0 AND id NOT IN (SELECT value FROM json_each($named))
            ORDER BY id DESC LIMIT 200
            """);
        SqliteWriteScope.Set(read, "$feed", feedId);
        SqliteWriteScope.Set(read, "$named", SqliteJson.Array(named.Distinct()));
        var candidates = new List<(long Id, string Title, string Summary, string? Published)>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? string.Empty : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        foreach (var i in unknown)
        {
            var story = stories[i];
            var published = SqliteTime.ToText(story.PublishedAt);
            var fits = candidates
                .Where(c => string.Equals(c.Summary, story.Summary, StringComparison.Ordinal)
                    && (string.Equals(c.Title, story.Title, StringComparison.OrdinalIgnoreCase)
                        || StoryIdentity.TitleDiffersByItsCount(c.Title, story.Title)
                        || (published is not null && c.Published == published && StoryIdentity.TitleExtends(c.Title, story.Title))))
                .Take(2)
                .ToList();
            if (fits.Count == 1)
            {
                matches[i] = fits[0].Id;
                candidates.Remove(fits[0]);
            }
        }

        return matches;
    }

    /// <summary>Updates the stories whose title or text changed; their stored state is read in one statement.</summary>
    /// <returns>
    /// How many were edited, and the first edit of a story named by its GUID at a new link that
    /// reads as another article (the feed may give one GUID to article after article).
    /// </returns>
    private static async Task<(int Edited, GuidReuse? GuidReused)> UpdateEditedAsync(SqliteWriteScope scope, List<(long StoryId, NewStory Story, bool ByGuidAtNewLink)> knownStories, EditedStoryPolicy editedStories, SequenceAllocator sequence, CancellationToken cancellationToken)
    {
        if (knownStories.Count == 0)
        {
            return (0, null);
        }

        var read = scope.Command("SELECT id, content_hash, revision, seq IS NOT NULL, title, summary <> '' FROM stories WHERE id IN (SELECT value FROM json_each($ids))");
        SqliteWriteScope.Set(read, "$ids", SqliteJson.Array(knownStories.Select(k => k.StoryId).Distinct()));
        var stored = new Dictionary<long, (string? Hash, long Revision, bool Due, string Title, bool HasText)>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored[reader.GetInt64(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetString(4), reader.GetBoolean(5));
            }
        }

        var edited = 0;
        GuidReuse? guidReused = null;
        foreach (var (storyId, story, byGuidAtNewLink) in knownStories)
        {
            // An item that comes without the text its story has, under the same title or none (the
            // story's was made from the text), keeps the story as it is: a feed may carry
            // content:encoded for its newest items alone, or serve a trimmed copy now and then, and a
            // headline alone tells nothing of an edit.
            if (!stored.TryGetValue(storyId, out var state) || (story.IsWithoutText && state.HasText && (state.Title == story.Title || !story.HasOwnTitle)))
            {
                continue;
            }

            // Stored by an earlier version from the item's empty description (its title may have been
            // "(untitled)" then): no edit, and no other article under its GUID. Its fingerprint (never
            // the current one) is brought up to date even when its text is the same, so that a change
            // in page furniture alone is not taken for an edit later.
            var storedEarlier = story.StoredEarlierAs(state.Hash);
            if (StoryIdentity.SameContent(state.Hash, story.ContentHash) && !storedEarlier)
            {
                continue;
            }

            if (byGuidAtNewLink && guidReused is null && !storedEarlier && StoryIdentity.IsAnotherTitle(state.Title, story.Title))
            {
                guidReused = new GuidReuse(state.Title, story.Title);
            }

            // A story stored before edits were tracked, or hashed another way, or from its empty
            // description, gets the hash as it is now, and that is no edit.
            var isEdit = state.Hash is not null && StoryIdentity.IsCurrentContentHash(state.Hash) && !storedEarlier;
            // Only once someone got the story: an edit before any digest carried it (a typo fixed
            // within the hour) is what they will get, not an update, and must not use up the one.
            var sendAgain = isEdit && editedStories == EditedStoryPolicy.IncludeOnce && state.Revision == 0 && state.Due
                && await WasHeadlineAsync(scope, storyId, cancellationToken).ConfigureAwait(false);
            var update = scope.Command(
                """
                UPDATE stories SET title = $title, link = $link, summary = $summary, author = $author, categories = $categories,
                    updated_at = $updatedAt, content_hash = $contentHash, seq = COALESCE($seq, seq), revision = revision + $revisionStep
                WHERE id = $id
                """);
            SqliteWriteScope.Set(update, "$id", storyId);
            SqliteWriteScope.Set(update, "$title", story.Title);
            SqliteWriteScope.Set(update, "$link", story.Link);
            SqliteWriteScope.Set(update, "$summary", story.Summary);
            SqliteWriteScope.Set(update, "$author", story.Author);
            SqliteWriteScope.Set(update, "$categories", CategoriesJson(story));
            SqliteWriteScope.Set(update, "$updatedAt", SqliteTime.ToText(story.UpdatedAt));
            SqliteWriteScope.Set(update, "$contentHash", story.ContentHash);
            SqliteWriteScope.Set(update, "$seq", sendAgain ? await sequence.NextAsync(cancellationToken).ConfigureAwait(false) : null);
            SqliteWriteScope.Set(update, "$revisionStep", sendAgain ? 1 : 0);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            // The same story may come twice in one document: the second compares with the first.
            stored[storyId] = (story.ContentHash, state.Revision + (sendAgain ? 1 : 0), state.Due, story.Title, story.Summary.Length > 0);
            edited += isEdit ? 1 : 0;
        }

        return (edited, guidReused);
    }

    /// <summary>
    /// Whether some digest showed the story as a headline: an edit of a copy only named under "also"
    /// is not an update of what anyone read, and would send the story again once per outlet.
    /// </summary>
    private static async Task<bool> WasHeadlineAsync(SqliteWriteScope scope, long storyId, CancellationToken cancellationToken)
    {
        var query = scope.Command("SELECT EXISTS (SELECT 1 FROM digest_stories WHERE story_id = $id AND lead_story_id IS NULL)");
        SqliteWriteScope.Set(query, "$id", storyId);
        return await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long exists && exists != 0;
    }

    public Task<int> PruneStoriesAsync(DateTimeOffset firstSeenBefore, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            async (scope, token) =>
            {
                var before = SqliteTime.ToText(firstSeenBefore);
                // Stories are numbered as they are first seen, so when the first one is recent, none
                // is old: the usual day ends here instead of in two scans of the whole table.
                var oldest = scope.Command("SELECT first_seen_at FROM stories ORDER BY id LIMIT 1");
                if (await oldest.ExecuteScalarAsync(token).ConfigureAwait(false) is not string oldestSeen || string.CompareOrdinal(oldestSeen, before) >= 0)
                {
                    return 0;
                }

                var forgetSent = scope.Command(
                    """
                    DELETE FROM digest_stories
                    WHERE story_id IN (SELECT id FROM stories WHERE first_seen_at < $before)
                      AND digest_id IN (SELECT id FROM digests WHERE status <> 'pending')
                    """);
                SqliteWriteScope.Set(forgetSent, "$before", before);
                await forgetSent.ExecuteNonQueryAsync(token).ConfigureAwait(false);

                // One scan a day of each table: neither first_seen_at nor story_keys.story_id is
                // indexed, since an index costs on every story stored.
                var pruned = scope.Command("CREATE TEMP TABLE IF NOT EXISTS pruned_stories (id INTEGER PRIMARY KEY); DELETE FROM pruned_stories;");
                await pruned.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                var choose = scope.Command("INSERT INTO pruned_stories (id) SELECT id FROM stories WHERE first_seen_at < $before AND id NOT IN (SELECT story_id FROM digest_stories)");
                SqliteWriteScope.Set(choose, "$before", before);
                var count = await choose.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                if (count > 0)
                {
                    // The keys stay, without their story, as tombstones.
                    await scope.Command("UPDATE story_keys SET story_id = NULL WHERE story_id IN (SELECT id FROM pruned_stories)").ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    await scope.Command("DELETE FROM stories WHERE id IN (SELECT id FROM pruned_stories)").ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                // Sent or failed digests whose stories have all gone go too; one still in the outbox stays.
                var forgetDigests = scope.Command(
                    """
                    DELETE FROM digests
                    WHERE status <> 'pending' AND created_at < $before
                      AND NOT EXISTS (SELECT 1 FROM digest_stories WHERE digest_id = digests.id)
                    """);
                SqliteWriteScope.Set(forgetDigests, "$before", before);
                await forgetDigests.ExecuteNonQueryAsync(token).ConfigureAwait(false);

                return count;
            },
            cancellationToken);

    private const string PruneTask = "prune";

    /// <summary>The poll's high-water mark of the clock; in maintenance_runs, as when the poll last ran.</summary>
    private const string PollTask = "poll";

    public Task<DateTimeOffset?> GetLastPruneAsync(CancellationToken cancellationToken) =>
        MaintenanceRuns.GetLastRunAsync(connections, PruneTask, cancellationToken);

    public Task RecordPruneAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        MaintenanceRuns.RecordRunAsync(connections, PruneTask, at, cancellationToken);

    public Task<DateTimeOffset?> GetLastPollAsync(CancellationToken cancellationToken) =>
        MaintenanceRuns.GetLastRunAsync(connections, PollTask, cancellationToken);

    public Task RecordPollAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        MaintenanceRuns.RecordRunAsync(connections, PollTask, at, cancellationToken);

    public Task SaveStateAsync(FeedState state, CancellationToken cancellationToken) =>
        connections.WriteAsync((scope, token) => UpdateStateAsync(scope, state, token), cancellationToken);

    public Task SaveAlertSentAsync(string feedId, bool alertSent, CancellationToken cancellationToken) =>
        connections.WriteAsync(
            (scope, token) =>
            {
                var update = scope.Command("UPDATE feeds SET alert_sent = $sent WHERE id = $id");
                SqliteWriteScope.Set(update, "$sent", alertSent ? 1 : 0);
                SqliteWriteScope.Set(update, "$id", feedId);
                return update.ExecuteNonQueryAsync(token);
            },
            cancellationToken);

    public async Task<IReadOnlyList<StoryToCluster>> GetStoriesToClusterAfterIdAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, feed_id, title, summary, published_at, first_seen_at FROM stories WHERE id > $afterId AND seq IS NOT NULL ORDER BY id LIMIT $limit";
        query.Parameters.AddWithValue("$afterId", afterId);
        query.Parameters.AddWithValue("$limit", limit);
        // Read by position: every story of a first poll passes here once.
        var stories = new List<StoryToCluster>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stories.Add(new StoryToCluster(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : SqliteTime.FromText(reader.GetString(4)),
                SqliteTime.FromText(reader.GetString(5))));
        }

        return stories;
    }

    public async Task<IReadOnlyList<StoredStory>> GetStoriesAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StoryRow>(new CommandDefinition(
            $"SELECT {StoryRow.Columns} FROM stories WHERE seq > @afterSequence ORDER BY seq LIMIT @limit",
            new { afterSequence, limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToStory()).ToList();
    }

    public async Task<IReadOnlyList<StoredStory>> GetStoriesAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storyIds);
        if (storyIds.Count == 0)
        {
            return [];
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StoryRow>(new CommandDefinition(
            $"SELECT {StoryRow.Columns} FROM stories WHERE id IN (SELECT value FROM json_each(@ids)) AND seq IS NOT NULL ORDER BY seq",
            new { ids = SqliteJson.Array(storyIds) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToStory()).ToList();
    }

    private static Task<int> UpdateStateAsync(SqliteWriteScope scope, FeedState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Bound by position: it runs once per feed per poll, most often the poll's only write.
        var update = scope.RawStatement(
            """
            UPDATE feeds SET etag = ?2, last_modified = ?3, last_checked_at = ?4, last_success_at = ?5,
                next_check_at = ?6, consecutive_errors = ?7, last_error = ?8,
                fetch_url = ?9, last_status = ?10, failing_since = ?11, alert_sent = ?12, gone = ?13,
                guids_unstable = ?14, ttl_seconds = ?15, items_stored = ?16, channel_title = ?17
            WHERE id = ?1
            """);
        update.Bind(1, state.FeedId);
        update.Bind(2, state.ETag);
        update.Bind(3, state.LastModified);
        update.Bind(4, SqliteTime.ToText(state.LastCheckedAt));
        update.Bind(5, SqliteTime.ToText(state.LastSuccessAt));
        update.Bind(6, SqliteTime.ToText(state.NextCheckAt));
        update.Bind(7, state.ConsecutiveErrors);
        update.Bind(8, state.LastError);
        update.Bind(9, state.FetchUri?.AbsoluteUri);
        update.Bind(10, state.LastStatus);
        update.Bind(11, SqliteTime.ToText(state.FailingSince));
        update.Bind(12, state.AlertSent ? 1 : 0);
        update.Bind(13, state.Gone ? 1 : 0);
        update.Bind(14, state.GuidsUnstable ? 1 : 0);
        update.Bind(15, state.TimeToLive is { } ttl ? (long)ttl.TotalSeconds : null);
        update.Bind(16, state.ItemsStored ? 1 : 0);
        update.Bind(17, state.ChannelTitle);
        return Task.FromResult(update.Execute());
    }

    /// <summary>
    /// Hands out delivery sequence numbers from the story_sequence counter, read once and written
    /// back once per batch: the batch holds the write lock, so no other writer can interleave.
    /// </summary>
    private sealed class SequenceAllocator(SqliteWriteScope scope)
    {
        private long? last;
        private bool changed;

        public async Task<long> NextAsync(CancellationToken cancellationToken)
        {
            last ??= (long)(await scope.Command("SELECT value FROM story_sequence").ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            changed = true;
            last = last.Value + 1;
            return last.Value;
        }

        public async Task SaveAsync(CancellationToken cancellationToken)
        {
            if (!changed)
            {
                return;
            }

            var save = scope.Command("UPDATE story_sequence SET value = $value");
            SqliteWriteScope.Set(save, "$value", last);
            await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
