-- Subscribers who manage themselves through the web pages, and the state a configured subscriber
-- gives themselves there: a row here wins over the configuration entry with the same key, so one
-- who changed their preferences gets those, and one who left ('unsubscribed') gets nothing.
CREATE TABLE web_subscribers (
    subscriber_key TEXT PRIMARY KEY,             -- the lower-cased email, as for configured subscribers
    email          TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('active', 'unsubscribed')),
    topics         TEXT NOT NULL,                -- JSON array of topic ids
    cadence        TEXT NOT NULL,
    send_at        TEXT NOT NULL,
    day            TEXT,
    time_zone      TEXT NOT NULL,
    paused         INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL
) STRICT;

-- Subscription requests waiting for their confirmation (double opt-in): nothing but the
-- confirmation mail goes to these addresses, and at most one per address per resend interval.
CREATE TABLE subscription_requests (
    request_id     TEXT PRIMARY KEY,
    subscriber_key TEXT NOT NULL UNIQUE,
    email          TEXT NOT NULL,
    topics         TEXT NOT NULL,
    cadence        TEXT NOT NULL,
    send_at        TEXT NOT NULL,
    day            TEXT,
    time_zone      TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    mailed_at      TEXT NOT NULL
) STRICT;
