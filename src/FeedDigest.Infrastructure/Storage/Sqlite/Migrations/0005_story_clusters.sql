-- Story clustering (Core/Stories/Clustering): stories about one event, from different feeds, share
-- a cluster. Times here are unix seconds, not text: they sit in every band row, so they must be
-- small. A story without a date has at = -9223372036854775808 in cluster_bands and NULL in
-- cluster_members. story_id is stories.id in the service (not enforced: the CLI clusters items
-- that are not stored stories).

-- A cluster merged into another keeps its row (band rows still name it) with merged_into set to
-- the live cluster it is now part of, and an empty centroid.
CREATE TABLE clusters (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL,         -- +1 with every change: a writer updates only the version it read
    size        INTEGER NOT NULL,
    merged_into INTEGER REFERENCES clusters (id),
    centroid    BLOB NOT NULL             -- (term int64, weight float32) little-endian, heaviest first
) STRICT;

CREATE INDEX ix_clusters_merged_into ON clusters (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE cluster_members (
    story_id   INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES clusters (id),
    at         INTEGER
) STRICT;

CREATE INDEX ix_cluster_members_cluster ON cluster_members (cluster_id);

-- The LSH index: one row per story and band key. Read by band key, newest first within the window,
-- so an assignment reads only the rows of its own band keys. cluster_id is the story's cluster when
-- it was added (a merge does not rewrite band rows; readers follow clusters.merged_into), so
-- candidates need no join through cluster_members.
CREATE TABLE cluster_bands (
    band       INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    story_id   INTEGER NOT NULL,
    cluster_id INTEGER NOT NULL,
    PRIMARY KEY (band, at, story_id)
) STRICT, WITHOUT ROWID;

-- Document frequencies for IDF weighting, learned from every story clustered so far. The index
-- adds a story's terms here in batches (every 256 stories, and when it closes): one story's 25 or
-- so terms are 25 pages to write, a batch's repeated terms are written once.
CREATE TABLE cluster_terms (
    term INTEGER PRIMARY KEY,
    df   INTEGER NOT NULL
) STRICT;

-- documents: stories clustered so far, the N of IDF; undated: how many had no date, so that
-- readers look for undated band rows only when there are some.
CREATE TABLE cluster_stats (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    documents INTEGER NOT NULL,
    undated   INTEGER NOT NULL
) STRICT;

INSERT INTO cluster_stats (id, documents, undated) VALUES (1, 0, 0);
