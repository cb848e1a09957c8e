-- When a feed's identity policy changes, none of its items was stored under the keys the new
-- policy makes. Taking its next items as an archive (0016) held back the old ones but sent the new
-- feed window's items (the last day's, already sent) a second time. Now the policy the stored keys
-- were made under is kept: the next fetch also makes each item's keys under it, and an item known
-- by those is the stored story (its new keys are added to it); the others are new. NULL when the
-- policy did not change since items were last stored. (0021 held this for a few commits under
-- another design; a database that ran either version of it gets this column all the same.)
ALTER TABLE feeds ADD COLUMN prior_identity TEXT;
