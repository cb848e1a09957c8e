-- The feed's own title (its channel's, from its last full fetch): how digests name a feed that the
-- configuration gives no Title (a hand-edited configuration often does not; `feeds add` fills it
-- in), instead of by its id.
ALTER TABLE feeds ADD COLUMN channel_title TEXT;
