-- Times are stored as UTC text in one fixed format (yyyy-MM-ddTHH:mm:ss.fffffffZ), so they sort and compare as text.

CREATE TABLE feeds (
    id                 TEXT PRIMARY KEY,          -- the admin's feed id from configuration
    source             TEXT NOT NULL,
    active             INTEGER NOT NULL DEFAULT 1,
    etag               TEXT,
    last_modified      TEXT,
    last_checked_at    TEXT,
    last_success_at    TEXT,
    next_check_at      TEXT NOT NULL,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT
) STRICT;

CREATE INDEX ix_feeds_due ON feeds (next_check_at) WHERE active = 1;

-- id grows with every story first seen: subscribers' cut-offs compare against it.
CREATE TABLE stories (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id       TEXT NOT NULL REFERENCES feeds (id),
    story_key     TEXT NOT NULL,
    title         TEXT NOT NULL,
    link          TEXT,
    summary       TEXT NOT NULL,
    author        TEXT,
    categories    TEXT NOT NULL,                  -- JSON array
    published_at  TEXT,
    updated_at    TEXT,
    first_seen_at TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX ux_stories_feed_key ON stories (feed_id, story_key);

CREATE TABLE subscriber_state (
    subscriber_key TEXT PRIMARY KEY,
    created_at     TEXT NOT NULL,
    last_slot_at   TEXT,
    story_cutoff   INTEGER NOT NULL
) STRICT;

-- The outbox: a digest is stored when its stories are claimed and marked when it is sent.
CREATE TABLE digests (
    id              TEXT PRIMARY KEY,
    subscriber_key  TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    omitted_count   INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    sent_at         TEXT,
    last_error      TEXT
) STRICT;

CREATE INDEX ix_digests_pending ON digests (next_attempt_at) WHERE status = 'pending';

CREATE TABLE digest_stories (
    digest_id      TEXT NOT NULL REFERENCES digests (id),
    subscriber_key TEXT NOT NULL,
    story_id       INTEGER NOT NULL REFERENCES stories (id),
    topic_id       TEXT NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (digest_id, story_id)
) STRICT;

-- The guarantee behind "a story never reaches the same subscriber twice".
CREATE UNIQUE INDEX ux_digest_stories_delivered ON digest_stories (subscriber_key, story_id);
