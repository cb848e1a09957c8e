#!/usr/bin/env bash
# What story clustering adds to the polls of a service in its steady state: the running service
# (`feeddigest run`) polls after 10% of the feeds changed on the server (gen-feeds.py --mutate 0.1:
# most of those gain 1-5 items), with clustering on and off (FeedDigest__Clustering__Enabled), REPS
# reps of each, alternating which goes first. Each rep starts from the corpus's round 0 and a fresh
# state: one first poll stores every item (one-shot, with the mode's setting), the service starts,
# and ROUNDS times 10% of the feeds change and one `poll --once` asks the service to poll.
#
#   bench/network/service-change.sh [N] [REPS] [ROUNDS]     # default N=1000, REPS=3, ROUNDS=4
#   FEEDDIGEST_BIN=/path/to/feeddigest ...                  # an existing publish instead of a new one
#
# The first poll after the service starts costs more than the later ones, which are the steady
# state (bench/README.md, "Fifteenth session"). Prints each mode's medians of both, and their ratios.
set -euo pipefail
N=${1:-1000}
REPS=${2:-3}
ROUNDS=${3:-4}
OUT="${OUT:-/tmp/feeddigest-service-change}"
. "$(dirname "$0")/service-common.sh"

change_round() {  # change_round MODE STATE ROUND: 10% of the feeds change, the service polls, timed
  /usr/bin/python3 gen-feeds.py --out "work/data/feeds-$N" --mutate 0.1 > /dev/null
  local label="${1}_later"
  [ "$3" = 1 ] && label="${1}_first_after_start"
  timed "$label" "$2"
}

run_mode() {  # run_mode MODE REP
  local mode=$1 state="$OUT/state-$1-$2" enabled=true
  [ "$mode" = off ] && enabled=false
  /usr/bin/python3 gen-feeds.py --out "work/data/feeds-$N" --reset > /dev/null
  rm -rf "$state"; mkdir -p "$state"
  /usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$state" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
  export FeedDigest__Clustering__Enabled=$enabled
  # No digest while polls are timed: the subscriber's digest is due once a year.
  export FeedDigest__Subscribers__0__Cron="0 0 1 1 *"
  (cd "$state" && "$BIN" poll --once --config "$state/appsettings.json" > first-poll.log)
  start_service "$state"
  # The service's first ticks (polls of the feeds due, none here, and digests) go first.
  sleep 3
  for round in $(seq "$ROUNDS"); do change_round "$mode" "$state" "$round"; done
  kill -TERM "$service"; wait "$service" || true
  unset FeedDigest__Clustering__Enabled FeedDigest__Subscribers__0__Cron
}

for rep in $(seq "$REPS"); do
  if [ $((rep % 2)) = 1 ]; then run_mode on "$rep"; run_mode off "$rep"; else run_mode off "$rep"; run_mode on "$rep"; fi
done | tee "$OUT/runs.txt"
/usr/bin/python3 gen-feeds.py --out "work/data/feeds-$N" --reset > /dev/null
stop_services

report_medians "10% changed, polled by the running service"
/usr/bin/python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, seconds = line.split()[:2]
    mode, which = label.split("_", 1)
    runs.setdefault(which, {}).setdefault(mode, []).append(float(seconds))
for which, modes in runs.items():
    on, off = statistics.median(modes["on"]), statistics.median(modes["off"])
    print(f"{which.replace('_', ' ')}: on/off = {on / off:.3f} (on {on:.3f} s, off {off:.3f} s)")
PY
