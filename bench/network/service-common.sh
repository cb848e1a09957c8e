# Sourced by service-poll.sh and service-first-poll.sh (N and OUT set before): the shared harness
# copied to $WORK, feeddigest published to $BIN (or FEEDDIGEST_BIN used), the N-feed corpus
# generated, nginx and the SMTP sink started, and the helpers both scripts time with.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
WORK="${BENCH_COPY:-/tmp/feeddigest-bench}"
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
mkdir -p "$OUT"
cd "$WORK"
[ -d "work/data/feeds-$N" ] || /usr/bin/python3 gen-feeds.py --n "$N" --out "work/data/feeds-$N"
# Started afresh, with BENCH_LATENCY_MS (default none) and not whatever delay a server left running has.
./stop-http.sh >/dev/null
./start-http.sh >/dev/null
./start-smtp.sh >/dev/null
. ./bench-env.sh

# timed LABEL STATE: one `poll --once` on STATE's configuration, printing "LABEL seconds load :: its report".
timed() {
  local start end
  start=$(date +%s.%N)
  (cd "$2" && "$BIN" poll --once --config "$2/appsettings.json" > poll.log)
  end=$(date +%s.%N)
  echo "$1 $(/usr/bin/python3 -c "print(f\"{$end - $start:.3f}\")") load $(cut -d' ' -f1 /proc/loadavg) :: $(tail -1 "$2/poll.log")"
}

# start_service STATE: `feeddigest run` on STATE's configuration in the background (its pid in
# $service, its output in STATE/service.log), returning once it listens on its control socket.
start_service() {
  (cd "$1" && exec "$BIN" run --config "$1/appsettings.json") > "$1/service.log" 2>&1 &
  service=$!
  for _ in $(seq 300); do
    [ -S "$1/feeddigest.sock" ] && return 0
    kill -0 "$service" 2>/dev/null || { echo "the service stopped; see $1/service.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the service did not open $1/feeddigest.sock within a minute; see $1/service.log" >&2
  exit 1
}

# report_medians WHAT: the median seconds of each label in $OUT/runs.txt ("LABEL seconds ..." lines,
# a "_" in a label printed as a space), as "WHAT, label: median ...".
report_medians() {
  /usr/bin/python3 - "$OUT/runs.txt" "$1" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, seconds = line.split()[:2]
    runs.setdefault(label.replace("_", " "), []).append(float(seconds))
for label, seconds in runs.items():
    print(f"{sys.argv[2]}, {label}: median {statistics.median(seconds):.3f} s over {len(seconds)} {sorted(seconds)}")
PY
}

# stop_services: nginx and the SMTP sink, at the end.
stop_services() {
  cd "$WORK"; ./stop-http.sh >/dev/null; ./stop-smtp.sh >/dev/null
}
