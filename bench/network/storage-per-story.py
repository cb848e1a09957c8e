#!/usr/bin/env python3
"""What a FeedDigest database spends a story, beyond the story's text: every table and index
(dbstat), less the UTF-8 bytes of the stories' titles and summaries, over the number of stories.
Issue 4 asks for at most 2 KB a story beyond its text.

Usage: storage-per-story.py DB      (a copy is checkpointed first: the write-ahead log folded in)
"""
import shutil
import sqlite3
import sys
import tempfile

CLUSTERING = ("clusters", "cluster_members", "cluster_terms", "cluster_member_days", "cluster_stats",
              "ix_cluster_members_cluster", "ix_clusters_merged_into")

with tempfile.TemporaryDirectory() as folder:
    copy = f"{folder}/copy.db"
    source = sqlite3.connect(sys.argv[1])
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stories, text = target.execute(
        "SELECT count(*), coalesce(sum(length(CAST(title AS BLOB)) + length(CAST(coalesce(summary, '') AS BLOB))), 0) FROM stories").fetchone()
    pages = dict(target.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    total = target.execute("PRAGMA page_count").fetchone()[0] * target.execute("PRAGMA page_size").fetchone()[0]
    target.close()

print(f"{stories:,} stories; file {total / 2**20:.1f} MiB, of which titles and summaries {text / 2**20:.1f} MiB")
for name, size in sorted(pages.items(), key=lambda item: -item[1])[:12]:
    print(f"  {name:32} {size / stories:8.0f} bytes a story")
clustering = sum(size for name, size in pages.items() if name in CLUSTERING)
print(f"clustering tables and indexes: {clustering / stories:.0f} bytes a story")
print(f"beyond the text, everything: {(total - text) / stories:.0f} bytes a story")
