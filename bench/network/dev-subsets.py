#!/usr/bin/env python3
"""How much the DEV score moves with the sample: `feeddigest cluster` on random halves of the dedup
DEV set's stories and on the whole set in other orders.

Usage: dev-subsets.py FEEDDIGEST_BIN [HALVES] [SHUFFLES]        (defaults 40 and 8)

The held-out set is drawn as DEV was, by whole story (../shared/corpus/dedup/README.md), so a half
of DEV's stories, kept in file order, is a held-out set of half DEV's size; a larger one varies
less. A shuffle keeps every item and changes the order they are clustered in. Prints the minimum,
tenth percentile, median and maximum of B-cubed precision, recall and F1 over each. Deterministic
(seeded).
"""
import collections
import json
import os
import random
import subprocess
import sys

BIN = sys.argv[1]
HALVES = int(sys.argv[2]) if len(sys.argv) > 2 else 40
SHUFFLES = int(sys.argv[3]) if len(sys.argv) > 3 else 8
DEV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "corpus", "dedup", "dev.jsonl")
items = [json.loads(line) for line in open(DEV, encoding="utf-8")]


def b_cubed(subset):
    text = "".join(json.dumps({k: v for k, v in item.items() if k != "cluster"}) + "\n" for item in subset)
    out = subprocess.run([BIN, "cluster"], input=text, capture_output=True, text=True, check=True).stdout
    predicted = {row["id"]: row["cluster"] for row in map(json.loads, out.splitlines())}
    by_predicted, by_gold = collections.defaultdict(set), collections.defaultdict(set)
    for item in subset:
        by_predicted[predicted[item["id"]]].add(item["id"])
        by_gold[item["cluster"]].add(item["id"])
    both = [len(by_predicted[predicted[i["id"]]] & by_gold[i["cluster"]]) for i in subset]
    p = sum(n / len(by_predicted[predicted[i["id"]]]) for n, i in zip(both, subset)) / len(subset)
    r = sum(n / len(by_gold[i["cluster"]]) for n, i in zip(both, subset)) / len(subset)
    return p, r, 2 * p * r / (p + r)


def report(name, scores):
    if not scores:
        return
    for label, index in (("P", 0), ("R", 1), ("F1", 2)):
        values = sorted(score[index] for score in scores)
        print(f"{name} {label}: min {values[0]:.3f} p10 {values[len(values) // 10]:.3f} "
              f"median {values[len(values) // 2]:.3f} max {values[-1]:.3f}")


stories = sorted({item["cluster"] for item in items})
halves = []
for seed in range(HALVES):
    chosen = set(random.Random(seed).sample(stories, len(stories) // 2))
    halves.append(b_cubed([item for item in items if item["cluster"] in chosen]))
report(f"{HALVES} halves", halves)

shuffles = []
for seed in range(SHUFFLES):
    order = list(items)
    random.Random(100 + seed).shuffle(order)
    shuffles.append(b_cubed(order))
report(f"{SHUFFLES} shuffles", shuffles)
