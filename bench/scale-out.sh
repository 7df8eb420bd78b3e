#!/usr/bin/env bash
# Scale-out benchmark: ingest (github-webhook-source -> inbox, verified and durable) with the store on the embedded
# HSQLDB, then on PostgreSQL with one instance, then with two instances sharing that database, the load split evenly
# between them (as a load balancer would). One run, side by side, so the figures compare on a noisy machine.
#   bench/scale-out.sh [duration-seconds]      (needs wrk and PostgreSQL: .ci/postgres installs and starts it)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
WARMUP=${WARMUP:-8}
CONNECTIONS=${CONNECTIONS:-32}
PORT1=${PORT1:-18381}
PORT2=${PORT2:-18382}
SECRET=bench-secret
PG_SERVER=${HOOKBRIDGE_BENCH_POSTGRES:-postgresql://hookbridge:hookbridge@127.0.0.1:5432}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is missing: run .ci/postgres" >&2; exit 1; }
[ -f target/hookbridge.jar ] || mvn -B -q package -DskipTests

WORK=$(mktemp -d)
PIDS=()
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap 'stop_all; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/routes"
cp bench/routes.yaml "$WORK/routes/"
echo "github.secret = $SECRET" > "$WORK/application.properties"

. bench/github-push.sh # BODY and SIGNATURE
export BODY SIGNATURE

fresh_pg_database() { # a new, empty database for each case
  psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS hookbridge_bench WITH (FORCE)" -c "CREATE DATABASE hookbridge_bench"
  echo "jdbc:postgresql://127.0.0.1:5432/hookbridge_bench?user=hookbridge&password=hookbridge"
}

start() { # port datasource-url instance-id
  (cd "$WORK" && exec java -Xmx512m ${JAVA_OPTS:-} -Dcamel.server.port="$1" -Dcamel.management.enabled=false \
    -Dcamel.component.inbox.database-url="$2" -Dcamel.component.inbox.instance-id="$3" \
    -jar "$OLDPWD/target/hookbridge.jar" >> "$WORK/gateway-$3.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$1/plain" -d x && return; sleep 0.2; done
  echo "gateway $3 did not start; its log:" >&2; tail -20 "$WORK/gateway-$3.log" >&2; exit 1
}

load() { # seconds connections port... -> total requests/s over the ports, loaded at once
  local seconds=$1 connections=$2; shift 2
  local outs=() loaders=()
  for port in "$@"; do
    out="$WORK/wrk-$port.out"; outs+=("$out")
    RUN_ID="$(date +%s%N)-$port" wrk -t1 -c"$connections" -d"${seconds}s" -s bench/github.lua \
      "http://127.0.0.1:$port/webhooks/github" > "$out" &
    loaders+=($!)
  done
  wait "${loaders[@]}"
  cat "${outs[@]}" | grep '^RESULT' | sed 's/.*rps=\([0-9]*\).*non2xx=\([0-9]*\).*/\1 \2/' |
    awk '{ rps += $1; bad += $2 } END { printf "%d %d\n", rps, bad }'
}

measure() { # name ports...
  local name=$1; shift
  load "$WARMUP" $((CONNECTIONS / $#)) "$@" > /dev/null
  read -r rps bad < <(load "$DURATION" $((CONNECTIONS / $#)) "$@")
  printf '%-32s %8d events/s  (non-202: %d)\n' "$name" "$rps" "$bad"
  echo "$rps"  > "$WORK/$name.rps"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, wrk, $CONNECTIONS connections in all, ${DURATION}s per case, 1 KB JSON"
start "$PORT1" "jdbc:hsqldb:file:$WORK/hsqldb/hookbridge" hsqldb
measure hsqldb-1-instance "$PORT1"
stop_all

start "$PORT1" "$(fresh_pg_database)" pg1
measure postgresql-1-instance "$PORT1"
stop_all

url=$(fresh_pg_database)
start "$PORT1" "$url" pg1
start "$PORT2" "$url" pg2
measure postgresql-2-instances "$PORT1" "$PORT2"
stop_all
awk -v one="$(cat "$WORK/postgresql-1-instance.rps")" -v two="$(cat "$WORK/postgresql-2-instances.rps")" \
  'BEGIN { printf "2 instances / 1 instance on PostgreSQL = %.2f\n", two / one }'
