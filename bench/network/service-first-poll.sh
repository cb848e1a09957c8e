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
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
WORK="${BENCH_COPY:-/tmp/feeddigest-bench}"
OUT="${OUT:-/tmp/feeddigest-service-first-poll}"
if [ ! -d "$WORK" ]; then
  cp -r "$SHARED" "$WORK"
  chmod -R u+w "$WORK"
fi
BIN="${FEEDDIGEST_BIN:-}"
if [ -z "$BIN" ]; then
  # As the README's install publishes it (see run.sh).
  dotnet publish "$REPO/src/FeedDigest.Service" -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -o "$OUT/feeddigest" >/dev/null
  BIN="$OUT/feeddigest/feeddigest"
fi
cd "$WORK"
[ -d "work/data/feeds-$N" ] || /usr/bin/python3 gen-feeds.py --n "$N" --out "work/data/feeds-$N"
./start-http.sh >/dev/null
./start-smtp.sh >/dev/null
. ./bench-env.sh
export FeedDigest__Clustering__Enabled=$CLUSTERING
mkdir -p "$OUT"

fresh() {  # fresh STATE: an empty state folder with the full configuration in full.json
  rm -rf "$1"; mkdir -p "$1"
  /usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$1" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
  mv "$1/appsettings.json" "$1/full.json"
}

timed() {  # timed LABEL STATE: one `poll --once`, printing "LABEL seconds load :: its report"
  local start end
  start=$(date +%s.%N)
  (cd "$2" && "$BIN" poll --once --config "$2/appsettings.json" > poll.log)
  end=$(date +%s.%N)
  echo "$1 $(/usr/bin/python3 -c "print(f\"{$end - $start:.3f}\")") load $(cut -d' ' -f1 /proc/loadavg) :: $(tail -1 "$2/poll.log")"
}

for rep in $(seq "$REPS"); do
  state="$OUT/one-shot-$rep"
  fresh "$state"
  cp "$state/full.json" "$state/appsettings.json"
  timed one-shot "$state"

  state="$OUT/service-$rep"
  fresh "$state"
  /usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["FeedDigest"]["Feeds"] = []; json.dump(c, open(sys.argv[2], "w"))' "$state/full.json" "$state/appsettings.json"
  (cd "$state" && exec "$BIN" run --config "$state/appsettings.json") > "$state/service.log" 2>&1 &
  service=$!
  for _ in $(seq 300); do
    [ -S "$state/feeddigest.sock" ] && break
    kill -0 "$service" 2>/dev/null || { echo "the service stopped; see $state/service.log" >&2; exit 1; }
    sleep 0.2
  done
  sleep 3
  cp "$state/full.json" "$state/next.json" && mv "$state/next.json" "$state/appsettings.json"
  timed service "$state"
  kill -TERM "$service"; wait "$service" || true
done | tee "$OUT/runs.txt"
cd "$WORK"; ./stop-http.sh >/dev/null; ./stop-smtp.sh >/dev/null

/usr/bin/python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, seconds = line.split()[:2]
    runs.setdefault(label, []).append(float(seconds))
for label, seconds in runs.items():
    print(f"first poll, {label}: median {statistics.median(seconds):.3f} s over {len(seconds)} {sorted(seconds)}")
PY
