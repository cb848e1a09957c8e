# Sourced by clustering-overhead.sh and clustering-phases.sh (N and OUT set before): the shared
# harness copied to $WORK, the builds to compare in $BUILDS ("name=binary ..."; unset, this checkout
# published as the README's install does, a few minutes), the N-feed corpus generated, and the
# working folder $WORK.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$REPO/../shared/bench}"
WORK="${BENCH_COPY:-/tmp/feeddigest-bench}"
mkdir -p "$OUT"

if [ ! -d "$WORK" ]; then
  cp -r "$SHARED" "$WORK"
  chmod -R u+w "$WORK"
fi

# Self-contained, one file, the framework and the service ReadyToRun-compiled as one composite
# image, so a one-shot `poll --once` does not spend its time in the JIT.
if [ -z "${BUILDS:-}" ]; then
  dotnet publish "$REPO/src/FeedDigest.Service" -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -o "$OUT/feeddigest" >/dev/null
  BUILDS="this=$OUT/feeddigest/feeddigest"
fi
cd "$WORK"
[ -d "work/data/feeds-$N" ] || /usr/bin/python3 gen-feeds.py --n "$N" --out "work/data/feeds-$N"
