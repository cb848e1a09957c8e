#!/usr/bin/env bash
# Peak memory of a first `poll --once` of N feeds (every item new) into an empty database, with
# story clustering on and off, REPS of each, alternating: GNU time's maximum resident set (the
# figure issue 3 bounds at 300 MB for 10,000 feeds), and the peaks of its anonymous and file-backed
# parts (/proc/PID/status, read every 0.25 s), which tell the heaps from mapped files.
#
#   bench/network/first-poll-memory.sh [N] [REPS]          # default N=10000, REPS=2
#
# BUILDS="old=/tmp/pub-old/feeddigest new=/tmp/pub-new/feeddigest" compares published builds in one
# sitting; without it this checkout is published as the README's install does (a few minutes).
set -euo pipefail
N=${1:-10000}
REPS=${2:-2}
OUT="${OUT:-/tmp/feeddigest-first-poll-memory}"
. "$(dirname "$0")/clustering-common.sh"
./start-http.sh >/dev/null
. ./bench-env.sh

for rep in $(seq "$REPS"); do
  for entry in $BUILDS; do
    build=${entry%%=*} binary=${entry#*=}
    for mode in on off; do
      state="$OUT/state-$build-$mode"
      rm -rf "$state"; mkdir -p "$state"
      /usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$state" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
      enabled=true; [ "$mode" = off ] && enabled=false
      (cd "$state" && FeedDigest__Clustering__Enabled=$enabled /usr/bin/time -f "%e %M" -o "$state/time.txt" \
        "$binary" poll --once --config "$state/appsettings.json" > "$state/poll.log" 2>&1) &
      runner=$!
      anon=0 file=0 pid=""
      while kill -0 "$runner" 2>/dev/null; do
        [ -n "$pid" ] || pid=$(pgrep -n -f "^$binary poll --once --config $state/" || true)
        if [ -n "$pid" ] && read -r a f < <(awk '/^RssAnon/{a=$2} /^RssFile/{f=$2} END{print a+0, f+0}' "/proc/$pid/status" 2>/dev/null); then
          [ "$a" -gt "$anon" ] && anon=$a
          [ "$f" -gt "$file" ] && file=$f
        fi
        sleep 0.25
      done
      wait "$runner"
      read -r wall maxrss < "$state/time.txt"
      echo "$build clustering $mode: wall $wall s, max RSS $((maxrss / 1024)) MB (peak anonymous $((anon / 1024)) MB, file-backed $((file / 1024)) MB); $(tail -1 "$state/poll.log")"
    done
  done
done
