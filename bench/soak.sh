#!/usr/bin/env bash
# Soak run: a steady stream of signed GitHub pushes, delivered to a sink, with retention purging behind them. Prints,
# every minute, the events received so far, the database's size on disk, the process's resident memory and the
# backlog, to show that disk and memory level off.
#   bench/soak.sh [minutes, default 15] [requests/s, default 200] [retention, default 3m]   (needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-15}
RATE=${2:-200}
RETENTION=${3:-3m}
CONNECTIONS=4
PORT=${PORT:-18081}
SECRET=bench-secret

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
JAR=${JAR:-$PWD/target/hookbridge.jar}
[ -f "$JAR" ] || mvn -B -q package -DskipTests

WORK=$(mktemp -d)
PID= WRK=
trap 'kill $PID $WRK 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/routes"
cp bench/soak-routes.yaml "$WORK/routes/"
cat > "$WORK/application.properties" <<PROPS
github.secret = $SECRET
hookbridge.retention.delivered = $RETENTION
hookbridge.retention.interval = 30s
hookbridge.egress.allow = 127.0.0.1/32
PROPS

. bench/github-push.sh # BODY and SIGNATURE
export BODY SIGNATURE RUN_ID=$(date +%s%N) DELAY_MS=$((1000 * CONNECTIONS / RATE))

(cd "$WORK" && exec java -Xmx512m ${JAVA_OPTS:-} -Dcamel.server.port=$PORT -Dcamel.management.enabled=false \
  -jar "$JAR" > gateway.log 2>&1) &
PID=$!
# ready when the webhook route answers (401 to an unsigned post): the admin routes start before it
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/webhooks/github")" = 401 ] && break
  sleep 0.2
done

wrk -t1 -c$CONNECTIONS -d$((MINUTES * 60))s -s bench/github.lua "http://127.0.0.1:$PORT/webhooks/github" \
  > "$WORK/wrk.out" &
WRK=$!
echo "# $(date -u +%FT%TZ) $(nproc) cores, ~$RATE events/s of 1 KB for $MINUTES min, retention of delivered events $RETENTION"
for minute in $(seq 1 "$MINUTES"); do
  sleep 60
  START=$(date +%s%N)
  SUBS=$(curl -s "http://127.0.0.1:$PORT/admin/subscriptions")
  ADMIN_MS=$(( ($(date +%s%N) - START) / 1000000 ))
  count() { grep -o "\"$1\":[0-9]*" <<< "$SUBS" | head -1 | cut -d: -f2 || echo 0; }
  mb() { du -sm "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
  RECEIVED=$(grep -c 'stored in github' "$WORK/gateway.log" || true)
  PURGED=$({ grep -o 'purged [0-9]* events' "$WORK/gateway.log" || true; } | awk '{ s += $2 } END { print s + 0 }')
  echo "minute=$minute received=$RECEIVED kept=$((RECEIVED - PURGED)) pending=$(count pending)" \
       "db_mb=$(mb "$WORK/data") (data=$(mb "$WORK"/data/*.data) log=$(mb "$WORK"/data/*.log))" \
       "rss_mb=$(( $(ps -o rss= -p $PID) / 1024 )) admin_subscriptions_ms=$ADMIN_MS"
done
wait $WRK || true
grep '^RESULT\|^NOT202' "$WORK/wrk.out" | sed 's/^RESULT/load/'
echo "purge runs that deleted events: $(grep -c 'Retention: purged' "$WORK/gateway.log" || true)"
echo "refused or failed webhooks: $( { grep -o 'Refused a webhook on [^ ]*: [0-9]* .*\|Could not store\|Failed handling' "$WORK/gateway.log" || true; } \
  | sed 's/ on [^:]*//' | sort | uniq -c | tr '\n' ';')"
