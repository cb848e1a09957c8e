-- The sign-up requests that were confirmed, and the subscriber each became. A confirmed request's
-- row leaves subscription_requests, as does one whose link expired unconfirmed, so a confirmation
-- link opened again finds no request either way: this tells "already confirmed" from "expired",
-- for every request a subscriber confirmed (an address may confirm a second request while its
-- first link still works). Pruned with the expired requests, once the link lifetime has passed
-- since the confirmation: the link has expired by then. Requests confirmed before this table
-- are not here; their links read as expired or used, and the page says where the digest's
-- own links lead.
CREATE TABLE confirmed_requests (
    request_id TEXT PRIMARY KEY,
    subscriber_key TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX confirmed_requests_confirmed_at ON confirmed_requests (confirmed_at);
