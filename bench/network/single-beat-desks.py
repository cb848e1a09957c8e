#!/usr/bin/env python3
"""Small desks of one beat, made from the dedup DEV set: each gold story with its 1, 2 or 4 most
similar gold stories (TF-IDF over their headlines and leads), in file order and shuffled. Clusters
each desk with `BIN cluster` and prints its B-cubed precision and recall as JSON lines, then the
means on stderr. A desk's first stories meet a background of few stories (StoryBackground), which
the whole DEV stream hides.

    bench/network/single-beat-desks.py BIN > desks.jsonl
"""
import json, math, random, re, subprocess, sys, collections, zlib
from concurrent.futures import ThreadPoolExecutor
BIN = sys.argv[1]
import os
DEV = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'corpus', 'dedup', 'dev.jsonl')
items = [json.loads(l) for l in open(DEV)]
by = collections.defaultdict(list)
for it in items: by[it['cluster']].append(it)
tok = lambda s: re.findall(r"[a-z]{3,}", (s or '').lower())
df = collections.Counter()
bags = {}
for c, its in by.items():
    bag = collections.Counter()
    for it in its: bag.update(tok(it['title']) + tok(it.get('summary')))
    bags[c] = bag; df.update(bag.keys())
n = len(bags)
vec = {}
for c, bag in bags.items():
    v = {t: (1 + math.log(x)) * math.log(n / df[t]) for t, x in bag.items()}
    norm = math.sqrt(sum(w * w for w in v.values())) or 1
    vec[c] = {t: w / norm for t, w in v.items()}
cos = lambda a, b: sum(w * b.get(t, 0) for t, w in a.items())
subsets = set()
for c in bags:
    near = sorted((x for x in bags if x != c), key=lambda x: -cos(vec[c], vec[x]))
    for k in (1, 2, 4):
        subsets.add(tuple(sorted([c] + near[:k])))
subsets = sorted(subsets)
jobs = []
for s in subsets:
    members = [it for it in items if it['cluster'] in s]
    for order in ('file', 'shuffle'):
        m = list(members)
        if order == 'shuffle': random.Random(zlib.crc32('+'.join(s).encode())).shuffle(m)  # the same shuffle in every run
        jobs.append((s, order, m))
def run(job):
    s, order, m = job
    inp = ''.join(json.dumps({k: v for k, v in it.items() if k != 'cluster'}) + '\n' for it in m)
    out = subprocess.run([BIN, 'cluster'], input=inp, capture_output=True, text=True).stdout
    pred = {json.loads(l)['id']: json.loads(l)['cluster'] for l in out.splitlines() if l.strip()}
    gold = {it['id']: it['cluster'] for it in m}
    pc = collections.defaultdict(set); gc = collections.defaultdict(set)
    for i in gold: pc[pred.get(i, 'x' + i)].add(i); gc[gold[i]].add(i)
    P = sum(len(pc[pred.get(i, 'x' + i)] & gc[gold[i]]) / len(pc[pred.get(i, 'x' + i)]) for i in gold) / len(gold)
    R = sum(len(pc[pred.get(i, 'x' + i)] & gc[gold[i]]) / len(gc[gold[i]]) for i in gold) / len(gold)
    return {'subset': '+'.join(s), 'order': order, 'n': len(m), 'P': round(P, 4), 'R': round(R, 4)}
results = []
with ThreadPoolExecutor(2) as ex:
    for r in ex.map(run, jobs):
        results.append(r)
        print(json.dumps(r), flush=True)
print(f"{len(results)} runs ({len(results) // 2} desks, two orders each): mean B3 P {sum(r['P'] for r in results) / len(results):.3f}, R {sum(r['R'] for r in results) / len(results):.3f}", file=sys.stderr)
