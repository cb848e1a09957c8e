-- Feed health and politeness: where the feed is really fetched from, the last HTTP status, the
-- current run of failures and whether the admin was told, and whether the server said 410 Gone.
ALTER TABLE feeds ADD COLUMN fetch_url TEXT;
ALTER TABLE feeds ADD COLUMN last_status INTEGER;
ALTER TABLE feeds ADD COLUMN failing_since TEXT;
ALTER TABLE feeds ADD COLUMN alert_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;

DROP INDEX ix_feeds_due;
CREATE INDEX ix_feeds_due ON feeds (next_check_at) WHERE active = 1 AND gone = 0;
