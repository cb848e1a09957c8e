-- Story keys kept as 64-bit hashes of (feed, key) (StoryIdentity.KeyHash, XXH3) in a rowid table: the
-- text keys, often 100-character URLs beside the feed id, made the busiest B-tree of a poll about
-- five times larger, and every item of every fetch is looked up in it. feeddigest_key_hash is the
-- same function, registered on the migrating connection.
CREATE TABLE story_key_hashes (
    key_hash INTEGER PRIMARY KEY,
    story_id INTEGER                                 -- NULL: a tombstone, its story pruned
) STRICT;

INSERT INTO story_key_hashes (key_hash, story_id)
SELECT feeddigest_key_hash(feed_id, key), story_id FROM story_keys WHERE true
ON CONFLICT (key_hash) DO NOTHING;

-- Whether the story was ever seen with a GUID: what tells a feed regenerating its GUIDs from one
-- that adds a GUID to an item that had none. The text keys said it by their prefix; hashes don't.
ALTER TABLE stories ADD COLUMN has_guid INTEGER NOT NULL DEFAULT 0;
UPDATE stories SET has_guid = 1
WHERE id IN (SELECT story_id FROM story_keys WHERE key >= 'guid:' AND key < 'guid;' AND story_id IS NOT NULL);

DROP TABLE story_keys;
ALTER TABLE story_key_hashes RENAME TO story_keys;

-- The main key was copied into every story row and never read since story_keys took over.
ALTER TABLE stories DROP COLUMN story_key;
