-- Superseded by 0023_feed_prior_identity.sql. During one session on main, 0021 added a column
-- (seen_until, then previous_identity) that the code no longer reads; it is left where it was
-- added, and a new database gets neither.
SELECT 1;
