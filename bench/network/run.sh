#!/usr/bin/env bash
# Side-by-side network bench: FeedDigest's `poll --once` (which also clusters the new stories) and
# rss2email on the same feeds, served by nginx on 127.0.0.1, through the shared harness
# (../shared/bench). Results land in $WORK/results. clustering-overhead.sh measures clustering on and off.
#
#   bench/network/run.sh [N] [REPS]        # default N=1000, REPS=3
#
# Needs: apt-get install -y --no-install-recommends rss2email python3-feedparser python3-aiosmtpd \
#        nginx libnginx-mod-http-echo time procps curl
set -euo pipefail
N=${1:-1000}
REPS=${2:-3}
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
WORK="${BENCH_COPY:-/tmp/feeddigest-bench}"

if [ ! -d "$WORK" ]; then
  cp -r "$SHARED" "$WORK"
  chmod -R u+w "$WORK"
fi

# As the README's install publishes it: self-contained, one file, the framework and the service
# ReadyToRun-compiled as one composite image (a few minutes), so a one-shot `poll --once` does not
# spend its time in the JIT.
dotnet publish "$REPO/src/FeedDigest.Service" -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -o "$WORK/feeddigest" >/dev/null
cd "$WORK"
[ -d "work/data/feeds-$N" ] || /usr/bin/python3 gen-feeds.py --n "$N" --out "work/data/feeds-$N"

./run-candidate.sh feeddigest "$N" \
  "cd {state} && $WORK/feeddigest/feeddigest poll --once --config {state}/appsettings.json" \
  "/usr/bin/python3 $REPO/bench/network/make-config.py {urls} {state} {smtp_host} {smtp_port} {to} {from}" \
  --reps "$REPS" --label "poll-and-cluster"

R2E_SETUP=opml R2E_DIGEST=True ./run-rss2email.sh "$N" "$REPS"

./stop-http.sh; ./stop-smtp.sh
/usr/bin/python3 summarize.py > results/summary.md
echo "results: $WORK/results/summary.md"
