#!/usr/bin/env bash
# Ingest benchmark: plain Camel platform-http route vs. github-webhook-source -> inbox (verified, durable), measured
# one after the other against the same gateway process, so the ratio holds even on a noisy machine.
#   bench/run.sh [duration-seconds]      (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}
SECRET=bench-secret

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f target/hookbridge.jar ] || mvn -B -q package -DskipTests

WORK=$(mktemp -d)
PID=
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/routes"
cp bench/routes.yaml "$WORK/routes/"
echo "github.secret = $SECRET" > "$WORK/application.properties"

# a 1 KB push payload
. bench/github-push.sh # BODY and SIGNATURE
export BODY SIGNATURE

(cd "$WORK" && exec java -Xmx512m ${JAVA_OPTS:-} -Dcamel.server.port=$PORT -Dcamel.management.enabled=false \
  -jar "$OLDPWD/target/hookbridge.jar" > gateway.log 2>&1) &
PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/plain" -d x && break; sleep 0.2; done

run() { # name url script seconds
  # delivery ids unique to each run: a repeated id would be answered as a (cheaper) duplicate
  RUN_ID=$(date +%s%N) wrk -t2 -c"$CONNECTIONS" -d"$4"s -s "bench/$3" "$2" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
echo "warm-up ${WARMUP}s each..." >&2
run warmup-plain "http://127.0.0.1:$PORT/plain" plain.lua "$WARMUP" > /dev/null
run warmup-ingest "http://127.0.0.1:$PORT/webhooks/github" github.lua "$WARMUP" > /dev/null

PLAIN=$(run plain "http://127.0.0.1:$PORT/plain" plain.lua "$DURATION")
INGEST=$(run ingest "http://127.0.0.1:$PORT/webhooks/github" github.lua "$DURATION")
rps() { sed 's/.*rps=\([0-9]*\).*/\1/' <<< "$1"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, wrk -t2 -c$CONNECTIONS -d${DURATION}s, 1 KB JSON"
echo "$PLAIN"
echo "$INGEST"
awk -v i="$(rps "$INGEST")" -v p="$(rps "$PLAIN")" 'BEGIN { printf "ratio ingest/plain = %.2f\n", i / p }'
