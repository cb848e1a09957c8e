-- The members' index by time (ix_cluster_members_at) goes: keeping it cost about as much as writing
-- the member row itself. A poll's stories come feed by feed, each feed newest first, so their
-- times jump back and forth: every insert landed on a random leaf of the index, and at each batch
-- most of its recent leaves were written again to the log and then to the file. The band index
-- (SqliteStoryClusterIndex) reads members by time only when it loads: the days since shortly before
-- the newest story, and the days of a late story's window.
--
-- Instead, each day that has members (unix days, at / 86400 truncated as SQLite and C# both do;
-- undated members under the lowest integer) keeps the lowest and highest story_id among them. A
-- load by time reads the members whose story_id lies between those of its days, in story_id order
-- (the primary key), and keeps those of its times. Stories of a day are mostly first seen on that
-- day or the next, so the range holds little else; a day that a late story joined months later
-- reads more, once, when a story of its time needs it loaded. A batch updates the rows of the
-- days its members have, a few dozen rows on a few pages.
CREATE TABLE cluster_member_days (
    day         INTEGER PRIMARY KEY,
    first_story INTEGER NOT NULL,
    last_story  INTEGER NOT NULL
) STRICT;

INSERT INTO cluster_member_days (day, first_story, last_story)
    SELECT coalesce(at / 86400, -9223372036854775808), min(story_id), max(story_id)
    FROM cluster_members
    GROUP BY 1;

DROP INDEX ix_cluster_members_at;
