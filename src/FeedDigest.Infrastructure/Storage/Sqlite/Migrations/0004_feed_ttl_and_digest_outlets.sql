-- The feed's own word on how long it stays fresh (RSS <ttl>, or sy:updatePeriod/updateFrequency),
-- in seconds, from its last full fetch; kept so a 304 (which has no body) still honours it.
ALTER TABLE feeds ADD COLUMN ttl_seconds INTEGER;

-- Another outlet's version of a story a digest lists, shown under it as "also": the listed story.
ALTER TABLE digest_stories ADD COLUMN lead_story_id INTEGER;
