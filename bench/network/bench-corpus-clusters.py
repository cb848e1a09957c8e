#!/usr/bin/env python3
"""Scores `feeddigest cluster` on the shared bench's generated feeds, whose generator knows which
items are one story told by several outlets (gen-feeds.py, `item_cluster`) and which stand alone.

Usage: bench-corpus-clusters.py DB GEN_FEEDS FEEDDIGEST [ARGS...]

DB is the database of a first poll of the bench's feeds (clustering on or off: the stories are read
back in the order they were stored); GEN_FEEDS is the copy of the harness's gen-feeds.py that made
them (seed bench-v1); FEEDDIGEST [ARGS...] is the binary and any `cluster` options. Prints B-cubed
precision, recall and F1 over every story (a story with no multi-outlet story is its own gold
cluster) and the sizes of the largest clusters; then the same over the items of multi-outlet
stories alone, and how much of each such story its largest cluster holds (recall over every story
is mostly the lone ones, each trivially whole). The text is generated from small vocabularies and
seven sentence templates, so unrelated items share many words: a test of precision on
template-heavy feeds, not of quality on real news (the DEV set is that).
"""
import collections
import importlib.util
import json
import re
import sqlite3
import subprocess
import sys

db, gen_path, binary, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
spec = importlib.util.spec_from_file_location("gen_feeds", gen_path)
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

rows = sqlite3.connect(db).execute(
    "SELECT id, title, summary, feed_id, CASE WHEN published_at IS NOT NULL AND published_at < first_seen_at"
    " THEN published_at ELSE first_seen_at END, link FROM stories WHERE seq IS NOT NULL ORDER BY id").fetchall()
lines, gold, specs = [], {}, {}
for story_id, title, summary, feed, published, link in rows:
    key = str(story_id)
    lines.append(json.dumps({"id": key, "title": title, "summary": summary, "source": feed, "published": published}))
    feed_index, item = map(int, re.search(r"i(\d+)x(\d+)", link).groups())
    feed_spec = specs.setdefault(feed_index, gen.feed_spec("bench-v1", feed_index))
    gold[key] = gen.item_cluster("bench-v1", feed_spec, item) or "alone-" + key

out = subprocess.run([binary, "cluster", *extra], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True).stdout
predicted = {d["id"]: d["cluster"] for d in map(json.loads, out.splitlines())}
gold_members, predicted_members = collections.defaultdict(set), collections.defaultdict(set)
for key in gold:
    gold_members[gold[key]].add(key)
    predicted_members[predicted[key]].add(key)
precision = recall = 0.0
for key in gold:
    both = len(gold_members[gold[key]] & predicted_members[predicted[key]])
    precision += both / len(predicted_members[predicted[key]])
    recall += both / len(gold_members[gold[key]])
precision, recall = precision / len(gold), recall / len(gold)
largest = sorted((len(members) for members in predicted_members.values()), reverse=True)[:5]
print(f"{len(gold)} stories: B3 P {precision:.3f} R {recall:.3f} F1 {2 * precision * recall / (precision + recall):.3f}; "
      f"{len(predicted_members)} clusters (gold {len(gold_members)}), the largest {largest}")
story_items = [key for key in gold if len(gold_members[gold[key]]) > 1]
precision = sum(len(gold_members[gold[key]] & predicted_members[predicted[key]]) / len(predicted_members[predicted[key]]) for key in story_items) / len(story_items)
recall = sum(len(gold_members[gold[key]] & predicted_members[predicted[key]]) / len(gold_members[gold[key]]) for key in story_items) / len(story_items)
shares = sorted(
    collections.Counter(predicted[key] for key in members).most_common(1)[0][1] / len(members)
    for members in gold_members.values() if len(members) > 1)
print(f"{len(story_items)} items of {len(shares)} multi-outlet stories: B3 P {precision:.3f} R {recall:.3f}; "
      f"a story's largest cluster holds a median {shares[len(shares) // 2]:.2f} of it")
