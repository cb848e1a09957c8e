-- Every key a story was seen under (its GUID as written and in canonical form, its canonical
-- link, ...): an item is a known story when any of its keys is here. When a story is pruned its
-- keys stay, with story_id NULL, as tombstones, so it never comes back as new.
-- No index on story_id and no foreign key: every index is paid for on each story a poll stores,
-- while the lookups by story are rare (a GUID change, found through the feed's own keys) or daily
-- (pruning, one scan).
CREATE TABLE story_keys (
    feed_id  TEXT NOT NULL,
    key      TEXT NOT NULL,
    story_id INTEGER,
    PRIMARY KEY (feed_id, key)
) STRICT, WITHOUT ROWID;

INSERT INTO story_keys (feed_id, key, story_id) SELECT feed_id, story_key, id FROM stories;

-- story_keys now decides what is known; the old unique key would be one more index to update.
DROP INDEX ux_stories_feed_key;

-- seq is the order stories fall due in, and what subscribers' cut-offs compare with: a story sent
-- again after an edit gets a new one. NULL: stored as already seen, never due.
ALTER TABLE stories ADD COLUMN seq INTEGER;
UPDATE stories SET seq = id;
CREATE UNIQUE INDEX ux_stories_seq ON stories (seq);

-- The last seq handed out. A counter rather than MAX(seq): pruning the newest stories must not
-- hand their numbers out again, below subscribers' cut-offs.
CREATE TABLE story_sequence (value INTEGER NOT NULL) STRICT;
INSERT INTO story_sequence (value) SELECT COALESCE(MAX(id), 0) FROM stories;

-- What the reader sees of the story, hashed, to notice edits; and how often an edit sent it again.
ALTER TABLE stories ADD COLUMN content_hash TEXT;
ALTER TABLE stories ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

ALTER TABLE feeds ADD COLUMN guids_unstable INTEGER NOT NULL DEFAULT 0;

-- A story goes to a subscriber once per revision: once, or once more after an edit.
ALTER TABLE digest_stories ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
DROP INDEX ux_digest_stories_delivered;
CREATE UNIQUE INDEX ux_digest_stories_delivered ON digest_stories (subscriber_key, story_id, revision);
