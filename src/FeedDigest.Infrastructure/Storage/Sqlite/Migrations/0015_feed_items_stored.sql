-- Whether any item of the feed was ever stored: until one is, the feed's next items are its archive
-- and only the recent ones count as new (StoryOptions.NewFeedWindow). Its first successful fetch
-- did not say it: that fetch may have been empty, or a 304. Story keys are hashes without their
-- feed, so stored stories are what tells existing feeds; one whose stories were all pruned counts
-- as new once more, which only holds back items of its next fetch that are both unseen and old.
ALTER TABLE feeds ADD COLUMN items_stored INTEGER NOT NULL DEFAULT 0;
UPDATE feeds SET items_stored = 1 WHERE id IN (SELECT feed_id FROM stories);
