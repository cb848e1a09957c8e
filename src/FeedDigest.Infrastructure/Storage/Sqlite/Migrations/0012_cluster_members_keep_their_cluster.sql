-- Less written for each story clustered; a first poll's clustering was mostly these writes.
--
-- A merge no longer moves the absorbed clusters' members: each member keeps the cluster it joined,
-- and readers take clusters.merged_into where it is set (one hop: a merge re-points the clusters
-- already merged into the one it absorbs). Moving them rewrote, at the commit after each merge,
-- every member row of the smaller clusters and their entries in the index by cluster, which served
-- only that move and pruning's count of what is left of a cluster (pruning now counts them in one
-- pass over the members). Rows moved before this migration name live clusters, as before.
DROP INDEX ix_cluster_members_cluster;

-- A member no longer keeps its vector (about 500 bytes, as much as the rest of its row and its
-- share of its cluster's row together) for pruning to subtract. Retention prunes stories months
-- after their clusters last took a story (the window is days): a cluster left without members
-- goes, one with members left keeps its centroid. The document frequencies and the story count
-- that IDF is learned from now count every story ever clustered, pruned or not, so they stay
-- consistent with each other (taking a story out of one and not the other skewed them).
ALTER TABLE cluster_members DROP COLUMN contribution;
