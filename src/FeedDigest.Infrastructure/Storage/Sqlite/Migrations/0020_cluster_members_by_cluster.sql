-- A digest names under "also" the outlets whose copy of a story came before the subscriber's
-- cut-off: the members of the few clusters a run lists, read by cluster. Without this index they
-- were read as a range of member ids by day, and after a first poll (which numbers stories feed by
-- feed, its archives' days interleaved) every day's range held the whole poll. It costs each story
-- clustered one more index entry (about 1 µs of its commit in the replay, bench/README.md,
-- "Nineteenth session"); 0012 dropped an index of the same name, which served moving members on a
-- merge, a write this one never needs: members keep the cluster they joined.
CREATE INDEX ix_cluster_members_cluster ON cluster_members (cluster_id);
