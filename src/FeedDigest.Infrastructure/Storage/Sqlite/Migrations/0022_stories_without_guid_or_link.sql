-- An item with neither GUID nor link that a fetch does not know may be an edit of such a story of
-- its feed (SqliteFeedStore.MatchEditsWithoutIdentityAsync): those stories, a feed's newest first,
-- are read through this index, which holds them alone (few feeds give neither). Without it the read
-- walked the whole stories table from its newest row under the write lock.
CREATE INDEX ix_stories_without_guid_or_link ON stories (feed_id, id) WHERE link IS NULL AND has_guid = 0;
