#!/usr/bin/env bash
# The first poll of N new feeds (every item stored) two ways, alternating in one sitting, each into a
# fresh database:
#   one-shot : `feeddigest poll --once` with no service running;
#   service  : `feeddigest run` is started on a configuration without feeds; once it listens, the N
#              feeds are written into its configuration and `poll --once` asks it to poll (it reads
#              the edit first), as when an admin adds feeds to a running service and polls at once.
# Feeds are served by the shared harness's nginx on 127.0.0.1 (see run.sh). Clustering is off by
# default, as issue 3's ingestion figures are taken (clustering-overhead.sh measures what it adds);
# CLUSTERING=true turns it on.
#
#   bench/network/service-first-poll.sh [N] [REPS]        # default N=1000, REPS=3
#   FEEDDIGEST_BIN=/path/to/feeddigest ...                # an existing publish instead of a new one
set -euo pipefail
N=${1:-1000}
REPS=${2:-3}
CLUSTERING=${CLUSTERING:-false}
OUT="${OUT:-/tmp/feeddigest-service-first-poll}"
. "$(dirname "$0")/service-common.sh"
export FeedDigest__Clustering__Enabled=$CLUSTERING

fresh() {  # fresh STATE: an empty state folder with the full configuration in full.json
  rm -rf "$1"; mkdir -p "$1"
  /usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$1" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
  mv "$1/appsettings.json" "$1/full.json"
}

for rep in $(seq "$REPS"); do
  state="$OUT/one-shot-$rep"
  fresh "$state"
  cp "$state/full.json" "$state/appsettings.json"
  timed one-shot "$state"

  state="$OUT/service-$rep"
  fresh "$state"
  /usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["FeedDigest"]["Feeds"] = []; json.dump(c, open(sys.argv[2], "w"))' "$state/full.json" "$state/appsettings.json"
  start_service "$state"
  sleep 3
  cp "$state/full.json" "$state/next.json" && mv "$state/next.json" "$state/appsettings.json"
  timed service "$state"
  kill -TERM "$service"; wait "$service" || true
done | tee "$OUT/runs.txt"
stop_services

report_medians "first poll"
