-- Permanent delivery failures (a 5xx for the recipient) per subscriber. permanent_failures counts
-- them in a row (a delivered digest resets it); at FeedDigest:Digests:SuspendAfterPermanentFailures
-- the subscriber is suspended: no digests are claimed or sent for them until an admin resumes them
-- (feeddigest digest resume), and the admin is told once (suspension_notified).
ALTER TABLE subscriber_state ADD COLUMN permanent_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriber_state ADD COLUMN last_permanent_failure TEXT;
ALTER TABLE subscriber_state ADD COLUMN suspended_at TEXT;
ALTER TABLE subscriber_state ADD COLUMN suspension_notified INTEGER NOT NULL DEFAULT 0;

-- Every digest run looks for suspensions the admin has not been told about: few rows, if any.
CREATE INDEX ix_subscriber_state_untold ON subscriber_state (subscriber_key) WHERE suspended_at IS NOT NULL AND suspension_notified = 0;
