#!/usr/bin/env bash
# An all-304 poll of N feeds (nothing changed on the server) two ways, alternating in one sitting:
#   one-shot : `feeddigest poll --once` with no service running: a new process polls on its own;
#   service  : the same command while `feeddigest run` runs on the same database: it asks the
#              service through its control socket, and the service, started and warm, polls.
# After one first poll stores every item, each rep times one one-shot poll, then starts the service,
# waits for it to settle and times POLLS polls through it, then stops it. Feeds are served by the
# shared harness's nginx on 127.0.0.1 (see run.sh); clustering is on, as by default.
#
#   bench/network/service-poll.sh [N] [REPS] [POLLS]      # default N=1000, REPS=5, POLLS=3
#   FEEDDIGEST_BIN=/path/to/feeddigest ...                # an existing publish instead of a new one
set -euo pipefail
N=${1:-1000}
REPS=${2:-5}
POLLS=${3:-3}
OUT="${OUT:-/tmp/feeddigest-service-poll}"
. "$(dirname "$0")/service-common.sh"
STATE="$OUT/state"
rm -rf "$STATE"; mkdir -p "$STATE"
/usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$STATE" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
(cd "$STATE" && "$BIN" poll --once --config "$STATE/appsettings.json" > first-poll.log)

for rep in $(seq "$REPS"); do
  timed one-shot "$STATE"
  start_service "$STATE"
  # The service's first ticks (polls of the feeds due, none here, and digests) go first.
  sleep 3
  timed "service,_first_after_start" "$STATE"
  for _ in $(seq 2 "$POLLS"); do timed "service,_later" "$STATE"; done
  kill -TERM "$service"; wait "$service" || true
done | tee "$OUT/runs.txt"
stop_services

report_medians "all-304 poll"
