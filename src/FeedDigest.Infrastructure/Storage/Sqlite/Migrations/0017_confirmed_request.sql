-- The request a web subscriber was last confirmed from. A confirmed request's row is deleted, as is
-- one whose link expired unconfirmed, so a confirmation link opened again finds no request either
-- way: this tells "already confirmed" from "expired". NULL for subscribers confirmed before this
-- column, whose old links then read as expired or used, which is also true.
ALTER TABLE web_subscribers ADD COLUMN confirmed_request_id TEXT;
CREATE INDEX web_subscribers_confirmed_request ON web_subscribers (confirmed_request_id) WHERE confirmed_request_id IS NOT NULL;
