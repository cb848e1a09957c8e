-- A merge no longer moves the absorbed clusters' members: each member keeps the cluster it joined,
-- and readers take clusters.merged_into where it is set (one hop: a merge re-points the clusters
-- already merged into the one it absorbs). Moving them rewrote, at the commit after each merge,
-- every member row of the smaller clusters and their entries in the index by cluster, which served
-- only that move and pruning's count of what is left of a cluster (pruning now counts them in one
-- pass over the members). Rows moved before this migration name live clusters, as before.
DROP INDEX ix_cluster_members_cluster;
