-- When a feed's identity policy changes, its next items are its archive again (0016), and until
-- now only those within Stories:NewFeedWindow counted as new: the items of the last day, which
-- were sent under the old keys, went out again. The last success before the change says how far
-- the feed had been read: the next fetch's items dated up to then, and those with no date, were
-- seen already and are held back; those dated after it are new. NULL when no policy changed (or
-- the feed had never been read): the new feed window applies.
ALTER TABLE feeds ADD COLUMN seen_until TEXT;
