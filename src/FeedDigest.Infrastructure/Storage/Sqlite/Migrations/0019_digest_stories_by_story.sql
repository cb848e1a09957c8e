-- Whether any subscriber got a story (in a digest sent or waiting): an edit under EditedStories
-- IncludeOnce queues a story again only once someone got it; before that, the edit is the story.
-- The delivered index leads with the subscriber, so it cannot answer by story.
CREATE INDEX ix_digest_stories_story ON digest_stories (story_id);
