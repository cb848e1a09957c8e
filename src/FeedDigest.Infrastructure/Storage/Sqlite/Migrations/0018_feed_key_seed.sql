-- The name a feed's story keys are hashed with (StoryIdentity.KeyHash): its id when it was first
-- stored, kept when the admin renames the feed (a stored feed moves to the configured id that has
-- its Url, when each is the only one with it: FeedRenames in Core). The keys are
-- 64-bit hashes seeded with it, and their text is gone (0006), so they could not be hashed again
-- under a new id; keeping the seed keeps every key, tombstones included, without writing one.
-- A new feed given an id that a renamed feed's seed still holds gets a seed of its own, so the two
-- never share keys; the unique index makes sure. NULL (a row written without it): the id.
ALTER TABLE feeds ADD COLUMN key_seed TEXT;
UPDATE feeds SET key_seed = id;
CREATE UNIQUE INDEX ux_feeds_key_seed ON feeds (key_seed);
