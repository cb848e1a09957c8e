-- What each cluster member added, so that pruning a story (FeedDigest:Stories:Retention) can take
-- it out again: its band keys (int64 each, little-endian), to delete its cluster_bands rows through
-- their primary key, and its unit TF-IDF vector as added to its cluster's centroid (the centroid's
-- encoding), to subtract its share of the centroid and its terms from the document frequencies.
-- Members stored before this migration have neither: pruning finds their band rows by a scan and
-- leaves their centroid shares and document frequencies in place.
ALTER TABLE cluster_members ADD COLUMN bands BLOB;
ALTER TABLE cluster_members ADD COLUMN contribution BLOB;

-- The index keeps the band rows of the last days in memory and loads them from the members dated
-- since then. Times grow with the stories, so this index is appended to, not written at random.
CREATE INDEX ix_cluster_members_at ON cluster_members (at);
