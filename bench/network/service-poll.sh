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
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
WORK="${BENCH_COPY:-/tmp/feeddigest-bench}"
OUT="${OUT:-/tmp/feeddigest-service-poll}"
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
STATE="$OUT/state"
rm -rf "$STATE"; mkdir -p "$STATE"
/usr/bin/python3 "$REPO/bench/network/make-config.py" "$WORK/work/data/feeds-$N/urls.txt" "$STATE" 127.0.0.1 "$BENCH_SMTP_PORT" bench@example.org
cd "$STATE"
"$BIN" poll --once --config "$STATE/appsettings.json" > first-poll.log

timed() {  # timed LABEL: one `poll --once`, printing "LABEL seconds load :: its report"
  local start end
  start=$(date +%s.%N)
  "$BIN" poll --once --config "$STATE/appsettings.json" > poll.log
  end=$(date +%s.%N)
  echo "$1 $(/usr/bin/python3 -c "print(f\"{$end - $start:.3f}\")") load $(cut -d' ' -f1 /proc/loadavg) :: $(tail -1 poll.log)"
}

for rep in $(seq "$REPS"); do
  timed one-shot
  "$BIN" run --config "$STATE/appsettings.json" > "service-$rep.log" 2>&1 &
  service=$!
  for _ in $(seq 300); do
    [ -S "$STATE/feeddigest.sock" ] && break
    kill -0 "$service" 2>/dev/null || { echo "the service stopped; see $STATE/service-$rep.log" >&2; exit 1; }
    sleep 0.2
  done
  # The service's first ticks (polls of the feeds due, none here, and digests) go first.
  sleep 3
  for poll in $(seq "$POLLS"); do timed "service-$poll"; done
  kill -TERM "$service"; wait "$service" || true
done | tee "$OUT/runs.txt"
cd "$WORK"; ./stop-http.sh >/dev/null; ./stop-smtp.sh >/dev/null

/usr/bin/python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, seconds = line.split()[:2]
    runs.setdefault("one-shot" if label == "one-shot" else "service, first after start" if label == "service-1" else "service, later", []).append(float(seconds))
for label, seconds in runs.items():
    print(f"all-304 poll, {label}: median {statistics.median(seconds):.3f} s over {len(seconds)} {sorted(seconds)}")
PY
