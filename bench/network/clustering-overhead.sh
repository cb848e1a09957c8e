#!/usr/bin/env bash
# What story clustering adds to ingestion: the first `poll --once` of N feeds (every item new) into
# an empty database, with clustering on and off (FeedDigest__Clustering__Enabled=false), runs
# alternating in one sitting, REPS of each. Feeds are served by the shared harness's nginx on
# 127.0.0.1 (see run.sh); dedup (story identity keys) is part of the store's write in both modes.
#
#   bench/network/clustering-overhead.sh [N] [REPS]        # default N=1000, REPS=3
#
# With BENCH_LATENCY_MS=100 (the shared harness's latency mode, nginx's echo module: every response
# delayed that long, as a distant server would be) the web server is started afresh with that delay;
# without it, afresh without one.
#
# Builds side by side: BUILDS="old=/tmp/pub-old/feeddigest new=/tmp/pub-new/feeddigest" runs each
# published binary in turn (on and off for one, then the next) instead of publishing this checkout,
# and prints each one's medians: ratios of two builds measured in one sitting.
set -euo pipefail
N=${1:-1000}
REPS=${2:-3}
OUT="${OUT:-/tmp/feeddigest-clustering-overhead}"
. "$(dirname "$0")/clustering-common.sh"
./stop-http.sh >/dev/null
./start-http.sh
. ./bench-env.sh

run() {  # run BUILD BINARY MODE REP: one first poll into a fresh state folder; prints "BUILD MODE seconds"
  local build=$1 binary=$2 mode=$3 state="$OUT/state-$1-$3-$4"
  rm -rf "$state"; mkdir -p "$state"
  /usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$state" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
  local enabled=true; [ "$mode" = off ] && enabled=false
  local start end
  start=$(date +%s.%N)
  (cd "$state" && FeedDigest__Clustering__Enabled=$enabled "$binary" poll --once --config "$state/appsettings.json") > "$state/poll.log"
  end=$(date +%s.%N)
  echo "$build $mode $(/usr/bin/python3 -c "print(f\"{$end - $start:.2f}\")") load $(cut -d' ' -f1 /proc/loadavg) :: $(tail -1 "$state/poll.log")"
}

for rep in $(seq "$REPS"); do
  for entry in $BUILDS; do
    build=${entry%%=*} binary=${entry#*=}
    # Alternate which mode goes first, so a drift in the machine's load falls on both.
    if [ $((rep % 2)) = 1 ]; then
      run "$build" "$binary" on "$rep"; run "$build" "$binary" off "$rep"
    else
      run "$build" "$binary" off "$rep"; run "$build" "$binary" on "$rep"
    fi
  done
done | tee "$OUT/runs.txt"

/usr/bin/python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    build, mode, seconds = line.split()[:3]
    runs.setdefault(build, {}).setdefault(mode, []).append(float(seconds))
for build, modes in runs.items():
    on, off = statistics.median(modes["on"]), statistics.median(modes["off"])
    print(f"{build}: median first poll: clustering on {on:.2f} s {sorted(modes['on'])}, off {off:.2f} s {sorted(modes['off'])}; on/off = {on / off:.3f} (+{(on / off - 1) * 100:.1f}%)")
PY
