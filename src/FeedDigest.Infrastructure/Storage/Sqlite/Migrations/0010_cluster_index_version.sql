-- The cluster index keeps its working state in memory (SqliteStoryClusterIndex) and writes a batch
-- of assignments at its end. version counts the writes to the clustering tables: every write adds
-- one, in the same transaction, and a batch commits only if the version is still the one its state
-- was read at. Another process's write (a second node, `feeddigest poll --once` beside the service,
-- a prune) makes the others' batches fail at commit and their memory reload, instead of
-- overwriting a cluster they read before it changed. The count of stories (documents) could not
-- serve: a prune lowers it and new stories raise it back.
ALTER TABLE cluster_stats ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
