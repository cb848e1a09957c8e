-- Each cluster member keeps what it added, so that pruning a story (FeedDigest:Stories:Retention)
-- can take it out again and the band index can live in memory: its band keys (int64 each,
-- little-endian) and its unit TF-IDF vector as added to its cluster's centroid (the centroid's
-- encoding), to subtract its share of the centroid and its terms from the document frequencies.
ALTER TABLE cluster_members ADD COLUMN bands BLOB;
ALTER TABLE cluster_members ADD COLUMN contribution BLOB;

-- The index builds its band index from the members dated within the last days (and loads older
-- ones for a story dated earlier). Times grow with the stories, so this index is appended to.
CREATE INDEX ix_cluster_members_at ON cluster_members (at);

-- The band rows move into memory (SqliteStoryClusterIndex): a table of them cost ten random
-- B-tree writes per story and a query over all of them per read. Members clustered before this
-- migration have no band keys: they stay in their clusters but are no longer candidates for new
-- stories (clustering came in the release before this one, so they are days old at most).
DROP TABLE cluster_bands;

-- Undated stories counted only to decide whether the band table had to be searched for them.
ALTER TABLE cluster_stats DROP COLUMN undated;
