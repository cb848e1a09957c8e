-- Whether a digest lists a story again for its subscriber, edited since a digest of theirs showed
-- it (Stories:EditedStories IncludeOnce): only then is it marked updated. The story's revision
-- alone marked it for subscribers who had never had it. Digests claimed before keep their marks.
ALTER TABLE digest_stories ADD COLUMN updated INTEGER NOT NULL DEFAULT 0;
UPDATE digest_stories SET updated = 1 WHERE revision > 0 AND lead_story_id IS NULL;
