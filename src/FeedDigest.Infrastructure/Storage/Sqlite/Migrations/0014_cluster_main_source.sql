-- The feed most of a cluster's stories came from (MainSource in Core: a majority vote over their
-- sources, as a 64-bit key) and how many more of its stories are known to come from it than from
-- others. NULL and 0 for clusters made before this migration, and when no story's source was
-- known. A story joins a cluster mostly of its own feed only when more alike
-- (ClusteringOptions.SameSourceThreshold): a feed written from a template makes its unrelated
-- items alike enough to pass the usual threshold.
ALTER TABLE clusters ADD COLUMN main_source INTEGER;
ALTER TABLE clusters ADD COLUMN main_source_lead INTEGER NOT NULL DEFAULT 0;
