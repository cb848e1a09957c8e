#!/usr/bin/env bash
# What story clustering adds to each of the shared harness's three phases (the first poll, a poll
# where every feed answers 304, a poll after 10% of feeds changed): for each build, the harness's
# run-candidate.sh with clustering on and then off, one rep each, ROUNDS rounds alternating; then
# each build's medians and on/off ratios by phase, and for the three phases' medians together.
#
#   BUILDS="old=/tmp/pub-old/feeddigest new=/tmp/pub-new/feeddigest" bench/network/clustering-phases.sh [N] [ROUNDS]
#
# Default N=1000, ROUNDS=3, and BUILDS this checkout, published as the README's install does (a few
# minutes). Results go to the harness copy's results/raw.jsonl under labels phases-BUILD-on|off.
set -euo pipefail
N=${1:-1000}
ROUNDS=${2:-3}
OUT="${OUT:-/tmp/feeddigest-clustering-phases}"
. "$(dirname "$0")/clustering-common.sh"
started=$(date +%Y-%m-%dT%H:%M:%S)

for round in $(seq "$ROUNDS"); do
  for entry in $BUILDS; do
    build=${entry%%=*} binary=${entry#*=}
    for mode in on off; do
      enabled=true; [ "$mode" = off ] && enabled=false
      FeedDigest__Clustering__Enabled=$enabled ./run-candidate.sh feeddigest "$N" \
        "cd {state} && $binary poll --once --config {state}/appsettings.json" \
        "/usr/bin/python3 $REPO/bench/network/make-config.py {urls} {state} {smtp_host} {smtp_port} {to} {from}" \
        --reps 1 --label "phases-$build-$mode" > "$OUT/$build-$mode-$round.log" 2>&1
      echo "round $round: $build clustering $mode done, load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
# The harness stops the web server when it is done; the next runs expect it.
./start-http.sh >/dev/null

/usr/bin/python3 - results/raw.jsonl "$started" $BUILDS <<'PY'
import json, statistics, sys
path, started, builds = sys.argv[1], sys.argv[2], [b.split("=", 1)[0] for b in sys.argv[3:]]
walls = {}
for line in open(path):
    row = json.loads(line)
    if row.get("ts", "") >= started and row.get("label", "").startswith("phases-"):
        walls.setdefault((row["label"], row["phase"]), []).append(row["wall_s"])
for build in builds:
    together = {"on": 0.0, "off": 0.0}
    for phase in ("first", "nochange", "change"):
        medians = {mode: statistics.median(walls[(f"phases-{build}-{mode}", phase)]) for mode in ("on", "off")}
        for mode in medians:
            together[mode] += medians[mode]
        print(f"{build} {phase}: on {medians['on']:.2f} s, off {medians['off']:.2f} s, on/off {medians['on'] / medians['off']:.2f}")
    print(f"{build} the three together: on {together['on']:.2f} s, off {together['off']:.2f} s, on/off {together['on'] / together['off']:.2f}")
PY
