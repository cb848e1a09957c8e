#!/usr/bin/env python3
"""A feed written from a template among many other feeds: does clustering keep its items apart?

Usage: template-feed-mix.py [--sources K] FEEDDIGEST_BIN [DEV_JSONL] [-- CLUSTER_ARGS...]

Mixes N quake alerts from one source ("usgs"; every alert the same sentences around a town, a
magnitude, a distance and a depth, as tests/.../TemplateAlerts.cs writes them; with --sources K,
the alerts come in turn from K sources of the same template, as several alert services would
send them, and MainSource no longer tells them apart: bench/README.md) into the shared
dedup corpus's DEV headlines (../shared/corpus/dedup/dev.jsonl, 3,059 items from many outlets), in
a shuffled order, for N = 160, 340 and 1,000 (a twentieth, a tenth and a quarter of the stories).
Runs `feeddigest cluster` on each mix and prints how many clusters the alerts ended in and the
largest four (every alert is a different quake: ideally N clusters of one), and the B3 scores of
the whole mix by the corpus's score.py (each alert its own gold story). Deterministic (seeded).
"""
import collections
import json
import os
import random
import subprocess
import sys
import tempfile

TOWNS = ["Hilo", "Anchorage", "Ridgecrest", "Ferndale", "Tonopah", "Parkfield", "Hollister", "Nome", "Kodiak", "Eureka",
         "Bishop", "Coalinga", "Hawthorne", "Seward", "Valdez", "Talkeetna", "Cordova", "Big Pine", "Ojai", "Fillmore",
         "Barstow", "Needles", "Blythe", "Calexico", "Brawley", "Borrego", "Julian", "Idyllwild", "Banning", "Yucaipa",
         "Tehachapi", "Lebec", "Frazier Park", "Taft", "Avenal", "Lemoore", "Hanford", "Visalia", "Porterville", "Lindsay"]
DIRECTIONS = ["north", "south", "east", "west", "northeast", "southwest"]
REMARKS = ["No tsunami warning was issued.", "Residents reported light shaking.",
           "There were no immediate reports of damage.", "Aftershocks are expected over the coming days.",
           "The quake was felt across the region.", "Officials said they were assessing roads and bridges."]


def alert(r):
    magnitude = "%.1f" % (r.randint(25, 69) / 10)
    distance, direction, town = r.randint(2, 59), r.choice(DIRECTIONS), r.choice(TOWNS)
    return ("M %s earthquake - %d km %s of %s" % (magnitude, distance, direction, town),
            "A magnitude %s earthquake struck %d kilometres %s of %s at a depth of %d km. %s %s"
            % (magnitude, distance, direction, town, r.randint(1, 39), r.choice(REMARKS), r.choice(REMARKS)))


def main():
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[:args.index("--")] if "--" in args else args
    sources = ["usgs"]
    if args[0] == "--sources":
        sources = ["usgs", "emsc", "geonet", "jma", "gfz", "ingv", "kandilli", "phivolcs"][:int(args[1])]
        args = args[2:]
    binary = args[0]
    here = os.path.dirname(os.path.abspath(__file__))
    dev = args[1] if len(args) > 1 else os.path.join(here, "..", "..", "..", "shared", "corpus", "dedup", "dev.jsonl")
    score = os.path.join(os.path.dirname(dev), "score.py")
    items = [json.loads(line) for line in open(dev, encoding="utf-8")]
    r = random.Random(5)
    with tempfile.TemporaryDirectory() as work:
        for n in (160, 340, 1000):
            mix = [dict(item) for item in items]
            for i in range(n):
                title, summary = alert(r)
                mix.append({"id": "alert-%d" % i, "title": title, "summary": summary, "source": sources[i % len(sources)],
                            "cluster": "alert-%d" % i, "published": "2014-03-10"})
            r.shuffle(mix)
            path = os.path.join(work, "mix-%d.jsonl" % n)
            with open(path, "w", encoding="utf-8") as f:
                for item in mix:
                    f.write(json.dumps(item, ensure_ascii=False) + "\n")
            with open(path, encoding="utf-8") as f:
                out = subprocess.run([binary, "cluster", *extra], stdin=f, capture_output=True, text=True, check=True).stdout
            predicted = {row["id"]: row["cluster"] for row in map(json.loads, out.splitlines())}
            counts = collections.Counter(predicted["alert-%d" % i] for i in range(n))
            scored = subprocess.run([sys.executable, score, "score", path, "--cmd", " ".join([binary, "cluster", *extra])],
                                    capture_output=True, text=True, check=True).stdout
            overall = next(line for line in scored.splitlines() if line.strip().startswith("overall"))
            print("%4d alerts among %d headlines: %d clusters, the largest %s; %s"
                  % (n, len(items), len(counts), [c for _, c in counts.most_common(4)], overall.split("pairP")[0].strip() + " " + overall[overall.index("B3P"):]))


if __name__ == "__main__":
    main()
