#!/usr/bin/env bash
# The benchmark suite: every case in one run on this machine, over loopback, so that the ratios between them hold
# even when the machine is shared and the absolute figures move.
#
#   bench/suite.sh [--quick]     (full: about 12 minutes; --quick: short windows, about 5 minutes, to check the suite)
#
#   1 ceiling   a bare Vert.x server answering 202 (bench/VertxCeiling.java)       wrk, 32 connections
#   2 plain     a Camel platform-http route answering 202 (bench/routes.yaml)      wrk, 32 connections
#   3 ingest    github-webhook-source -> inbox, durable (bench/routes.yaml)        wrk, 32 connections
#   3b          the same, paced at 50% of case 3's rate                            bench/Pace.java (open loop)
#   4p fan-out  plain Camel, not durable: platform-http -> seda -> multicast -> 3 x http (bench/fanout-routes.yaml),
#               to the receiver of case 4: the highest paced rate whose deliveries keep up, then 1,000/s
#   4 e2e       ingest + 3 subscriptions delivering to bench/Receiver.java (bench/e2e-routes.yaml): the highest paced
#               rate whose deliveries keep up (each destination gets >= 97% of the rate, all done within 3 s of the end
#               of the load), then 1,000/s
#   8 refused   as 4 at 4's rate, destination c's port closed (connections refused at once): a and b's rates, the
#               answers, the gateway's CPU and the log it writes per failed attempt
#   5 isolation as 4 at 4's rate, destination c a black hole (accepts, never answers)
#   7 overload  as 4, offered 3x case 4's rate for 20 s, then nothing: the answers during the burst, the time to drain
#   6 peer      Debian's webhook (adnanh/webhook 2.8) checking the same signatures, running /bin/true
#               (bench/webhook-hooks.json)                                          wrk, 32 connections
#   9 postgres  with a PostgreSQL server (.ci/postgres starts one): case 3 and case 4 at 1,000/s with the store there
# Also: start-up time to the first accepted webhook, and CPU per event of every end-to-end case (the gateway's
# user + system time over the window, divided by the events offered).
# The gateways run with bin/hookbridge, the README's run command (its JVM settings); JAVA_OPTS replaces them.
# Writes docs/benchmarks.md and docs/benchmarks.png (bench/Chart.java). Ports 18100-18113 on 127.0.0.1.
# Environment: DURATION, WARMUP (seconds), JAR (another hookbridge.jar than target/'s) and JAR_COMMIT (what it was
# built from, for the report), KEEP_WORK=1 to keep the working directory (logs, databases), NO_POSTGRES=1 to skip 9.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
case "${1:-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/suite.sh [--quick]" >&2; exit 2 ;;
esac
if [ "$MODE" = quick ]; then
  DURATION=${DURATION:-4} WARMUP=${WARMUP:-3} TRIAL=3 MAX_TRIALS=3 DRAIN_CAP=20 OVERLOAD_SECONDS=6
  ISO_DURATION=$DURATION
else
  # the isolation window outlasts the sink's 15 s response timeout, so the black hole's timeouts and retries fall in it
  DURATION=${DURATION:-15} WARMUP=${WARMUP:-10} TRIAL=6 MAX_TRIALS=7 DRAIN_CAP=60 OVERLOAD_SECONDS=20
  ISO_DURATION=$(( DURATION > 20 ? DURATION : 20 ))
fi
CONNECTIONS=32      # wrk's connections, as bench/run.sh
PACE_CONNECTIONS=64 # the paced generator's pool: enough that a stall queues requests rather than capping the rate
OVERLOAD_CONNECTIONS=1024 # the overload burst: providers do not wait for each other, so neither does the generator
DRAIN_OK=3          # a rate is sustained when every delivery is done within this many seconds after the load stops
FIXED_RATE=1000     # the latency case (p50 <= 10 ms, p99 <= 50 ms), and where CPU per event is compared
SECRET=bench-secret
DEST_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
P_PLAIN=18100 P_CEILING=18101 P_E2E=18102 P_FANOUT=18103 P_PG=18104 P_PEER=18106
P_CONTROL=18110 P_A=18111 P_B=18112 P_C=18113
CTRL=http://127.0.0.1:$P_CONTROL
SUITE_START=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg) # how busy the (shared) machine was: 1, 5, 15-minute load averages

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# --- prerequisites: wrk, webhook, a JDK (javac for the helpers), the jar ----------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v webhook >/dev/null || missing+=(webhook)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
  else
    die "missing ${missing[*]}: apt-get install -y ${missing[*]}"
  fi
fi
command -v javac >/dev/null || die "javac missing: a JDK 17 is needed (apt-get install -y openjdk-17-jdk-headless)"
if [ -n "${JAR:-}" ]; then # a jar of your own (e.g. built from a clean checkout of one commit)
  [ -f "$JAR" ] || die "no jar at $JAR"
  JAR_SOURCE=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
else
  [ -f target/hookbridge.jar ] || { log "building target/hookbridge.jar"; mvn -B -q package -DskipTests; }
  JAR_SOURCE=$ROOT/target/hookbridge.jar
fi
PG_SERVER=${HOOKBRIDGE_BENCH_POSTGRES:-postgresql://hookbridge:hookbridge@127.0.0.1:5432}
WITH_PG=0
if [ -z "${NO_POSTGRES:-}" ]; then
  if ! psql -q "$PG_SERVER/postgres" -c 'SELECT 1' >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    .ci/postgres >/dev/null 2>&1 || true
  fi
  psql -q "$PG_SERVER/postgres" -c 'SELECT 1' >/dev/null 2>&1 && WITH_PG=1
fi

WORK=$(mktemp -d /tmp/hookbridge-bench.XXXXXX)
PIDS=()
alive() { local s; s=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) && [ -n "$s" ] && [ "$s" != Z ]; }
stop() { # pids: TERM, up to 20 s (the gateway's graceful shutdown is 15 s), then KILL
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do
    for _ in $(seq 1 100); do alive "$p" || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
cleanup() {
  local rc=$?
  [ ${#PIDS[@]} -eq 0 ] || stop "${PIDS[@]}"
  if [ $rc -eq 0 ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; else log "logs kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a copy of the jar: a build running in target/ meanwhile cannot swap it under the suite
JAR=$WORK/hookbridge.jar
cp "$JAR_SOURCE" "$JAR"
JAR_BUILT=$(date -u -r "$JAR_SOURCE" '+%Y-%m-%d %H:%M UTC')
# which code was measured: for target/'s jar, the checkout's commit and whether its sources had uncommitted changes;
# for a JAR of your own, what JAR_COMMIT says it was built from
if [ -n "${JAR_COMMIT:-}" ]; then
  JAR_COMMIT="built from commit \`$JAR_COMMIT\`"
elif [ "$JAR_SOURCE" = "$ROOT/target/hookbridge.jar" ]; then
  JAR_COMMIT="checkout at \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`"
  [ -z "$(git status --porcelain -- 'hookbridge-*/src' '*pom.xml' 2>/dev/null)" ] \
    || JAR_COMMIT="$JAR_COMMIT, with uncommitted changes to its sources"
else
  JAR_COMMIT="source not stated (JAR_COMMIT)"
fi
# the README's run command with its JVM settings (bin/jvm.options; JAVA_OPTS replaces them, as in bin/hookbridge)
GATEWAY_JAVA=${JAVA_OPTS:-$(grep -v '^[[:space:]]*\(#\|$\)' bin/jvm.options | tr '\n' ' ' | sed 's/ $//')}
javac -d "$WORK/classes" -cp "$JAR" bench/VertxCeiling.java bench/Receiver.java bench/Pace.java bench/Chart.java
CP=$JAR:$WORK/classes
CLK_TCK=$(getconf CLK_TCK)

# the 1 KB push payload and its signature, as bench/run.sh
. bench/github-push.sh # BODY and SIGNATURE
export BODY SIGNATURE

# --- measuring ---------------------------------------------------------------------------------------------------------
declare -A R   # results: R[case.field]
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2" | head -1; }
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"; } # utime+stime(+children's)
status_mb() { awk -v k="$2:" '$1 == k { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
rss_split() { echo "$(status_mb "$1" RssAnon) MB anonymous + $(status_mb "$1" RssFile) MB file-backed"; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf f, a / b }'; }

wait_http() { # url: until anything answers
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1")" != 000 ] && return 0
    sleep 0.1
  done
  die "nothing answers on $1"
}

record() { # case result-line cpu rss hwm: one row of the main table
  local c=$1 line=$2
  R[$c.rps]=$(field rps "$line"); R[$c.p50]=$(field p50_ms "$line"); R[$c.p99]=$(field p99_ms "$line")
  R[$c.p999]=$(field p999_ms "$line")
  R[$c.errors]=$(( $(field non2xx "$line") + $(field socket_errors "$line") ))
  R[$c.cpu]=$3 R[$c.rss]=$4 R[$c.hwm]=$5
  log "$c: $line cpu=$3% rss=${4}MB hwm=${5}MB"
}

wrk_case() { # case pid url script seconds: wrk at full speed, the server's CPU over exactly wrk's run
  local c=$1 pid=$2 t0 c0 t1 c1 line
  t0=$(date +%s%N) c0=$(ticks "$pid")
  line=$(RUN_ID="$c-$(date +%s%N)" wrk -t2 -c$CONNECTIONS -d"$5"s --timeout 10s -s "bench/$4" "$3" | grep '^RESULT') \
    || die "wrk gave no result for $c"
  t1=$(date +%s%N) c1=$(ticks "$pid")
  R[$c.split]=$(rss_split "$pid")
  record "$c" "$line" "$(awk -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", c / hz / (ns / 1e9) * 100 }')" \
    "$(status_mb "$pid" VmRSS)" "$(status_mb "$pid" VmHWM)"
}
warm() { # url script seconds: load without measuring (JIT compilation, pools, caches)
  RUN_ID="warm-$(date +%s%N)" wrk -t2 -c$CONNECTIONS -d"$3"s --timeout 10s -s "bench/$2" "$1" > /dev/null
}

pace() { # pid url rate seconds warmup [more Pace options]: the paced generator, watching the server's process
  java -Xmx256m -cp "$CP" Pace --url "$2" --rate "$3" --duration "$4" --warmup "$5" --connections $PACE_CONNECTIONS \
    --run-id "pace-$(date +%s%N)" --watch-pid "$1" --clk-tck "$CLK_TCK" "${@:6}" 2>> "$WORK/pace.err" \
    | grep '^RESULT' || die "the paced generator gave no result (see $WORK/pace.err)"
}

start_gateway() { # name routes-file port [property lines...]: sets GW (pid), GW_LOG and STARTUP_MS
  local name=$1 routes=$2 port=$3 dir=$WORK/$1 t0 n=0 path=/webhooks/github
  shift 3
  mkdir -p "$dir/routes"
  cp "bench/$routes" "$dir/routes/"
  { echo "github.secret = $SECRET"; printf '%s\n' "$@"; } > "$dir/application.properties"
  t0=$(date +%s%N)
  (cd "$dir" && JAVA_OPTS="$GATEWAY_JAVA" HOOKBRIDGE_JAR="$JAR" \
    HOOKBRIDGE_OPTS="-Dcamel.server.port=$port -Dcamel.management.enabled=false" exec "$ROOT/bin/hookbridge" \
    > gateway.log 2>&1) &
  GW=$!
  GW_LOG=$dir/gateway.log
  PIDS+=("$GW")
  # start-up = launch to the first 2xx for a signed push (a fresh delivery id each try)
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port$path" \
      -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' -H "X-GitHub-Delivery: startup-$t0-$n" \
      -H "X-Hub-Signature-256: $SIGNATURE" -d "$BODY")" == 20? ]]; do
    n=$((n + 1))
    alive "$GW" || die "gateway $name exited, see $dir/gateway.log"
    [ $n -lt 3000 ] || die "gateway $name accepted nothing within a minute, see $dir/gateway.log"
    sleep 0.02
  done
  STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  R[startup.$name]=$STARTUP_MS
  log "gateway $name (pid $GW) accepted its first webhook $STARTUP_MS ms after launch"
}

# Receiver figures: key total unique window_count window_rate last_ms p50 p99 p999 max
rstat() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' <<< "$3"; }

# One paced run against an end-to-end gateway. Sets LINE (the generator's result), STATS (the receiver's, once the
# checked destinations have everything or the drain cap passed), BOUNDED (1 if every checked destination had every
# accepted event within DRAIN_OK s of the last request's due time, and no request failed) and DRAIN (s, worst).
# Arrivals are counted by distinct event id (column 3), or all of them (COUNT=2) where the sender sends no id.
e2e_run() { # pid port rate seconds warmup destination-keys...
  local pid=$1 port=$2 rate=$3 seconds=$4 warmup=$5 accepted end_ms k got last deadline
  shift 5
  curl -s -X POST "$CTRL/reset" > /dev/null
  LINE=$(pace "$pid" "http://127.0.0.1:$port/webhooks/github" "$rate" "$seconds" "$warmup" --secret "$SECRET" \
    --mark "$CTRL/mark" ${PACE_EXTRA:-})
  accepted=$(field accepted_total "$LINE") end_ms=$(field end_ms "$LINE")
  deadline=$(( $(date +%s) + ${CAP:-$DRAIN_CAP} ))
  while :; do
    STATS=$(curl -s "$CTRL/stats.txt")
    got=1
    for k in "$@"; do [ "$(rstat "$k" "${COUNT:-3}" "$STATS")" -ge "$accepted" ] 2>/dev/null || got=0; done
    [ $got = 1 ] || [ "$(date +%s)" -ge $deadline ] && break
    sleep 0.2
  done
  BOUNDED=$got DRAIN=0
  [ "$(( $(field non2xx "$LINE") + $(field socket_errors "$LINE") ))" = 0 ] || BOUNDED=0
  for k in "$@"; do
    last=$(rstat "$k" 6 "$STATS")
    if [ $got = 1 ]; then
      DRAIN=$(awk -v d="$DRAIN" -v s="$(( last - end_ms ))" 'BEGIN { s = s < 0 ? 0 : s / 1000; printf "%.1f", (s > d ? s : d) }')
    else
      DRAIN=">${CAP:-$DRAIN_CAP}"
    fi
  done
  [ $got = 1 ] && awk -v d="$DRAIN" -v ok=$DRAIN_OK 'BEGIN { exit !((d + 0) > ok) }' && BOUNDED=0
  # and no backlog building up during the window: a short window could otherwise hide a rate the deliveries only
  # catch up with after the load
  for k in "$@"; do
    awk -v got="$(rstat "$k" 5 "$STATS")" -v r="$rate" 'BEGIN { exit !(got + 0 < 0.97 * r) }' && BOUNDED=0
  done
  log "  e2e ${rate}/s: bounded=$BOUNDED drain=${DRAIN}s accepted=$accepted ack_p99=$(field p99_ms "$LINE")ms" \
      "cpu=$(field cpu_pct "$LINE")% delivered/s $(for k in "$@"; do printf '%s=%s ' "$k" "$(rstat "$k" 5 "$STATS")"; done)"
}
record_e2e() { # case rate: the table row and the delivery figures of the last e2e_run
  local c=$1
  record "$c" "$LINE" "$(field cpu_pct "$LINE")" "$(field rss_max_mb "$LINE")" "$(field hwm_mb "$LINE")"
  R[$c.rate]=$2 R[$c.bounded]=$BOUNDED R[$c.drain]=$DRAIN
  R[$c.cpu_us]=$(awk -v c="${R[$c.cpu]}" -v r="$2" 'BEGIN { printf "%.0f", c / 100 * 1e6 / r }')
  R[$c.threads]="$(field threads_min "$LINE")-$(field threads_max "$LINE")"
  for k in $P_A/a $P_B/b $P_C/c all; do # (a destination that got nothing, the black hole, has no line: 0 and -1)
    R[$c.$k.rate]=$(rstat "$k" 5 "$STATS"); R[$c.$k.unique]=$(rstat "$k" 3 "$STATS")
    R[$c.$k.dup]=$(( $(rstat "$k" 2 "$STATS") - ${R[$c.$k.unique]:-0} + 0 ))
    R[$c.$k.p50]=$(rstat "$k" 7 "$STATS"); R[$c.$k.p99]=$(rstat "$k" 8 "$STATS")
    R[$c.$k.p999]=$(rstat "$k" 9 "$STATS"); R[$c.$k.max]=$(rstat "$k" 10 "$STATS")
    : "${R[$c.$k.rate]:=0}" "${R[$c.$k.unique]:=0}" "${R[$c.$k.p50]:=-1}" "${R[$c.$k.p99]:=-1}" "${R[$c.$k.p999]:=-1}" \
      "${R[$c.$k.max]:=-1}"
  done
  R[$c.accepted]=$(field accepted_total "$LINE")
}
pending() { # port: each subscription's pending deliveries, from the admin API ("to-dest-a=0 to-dest-b=0 ...")
  curl -s --max-time 10 "http://127.0.0.1:$1/admin/subscriptions" | tr '{' '\n' |
    awk '/"id":"/ { id = $0; sub(/.*"id":"/, "", id); sub(/".*/, "", id) }
         /"pending":/ { p = $0; sub(/.*"pending":/, "", p); sub(/[,}].*/, "", p); printf "%s%s=%s", sep, id, p; sep = " " }'
}
settle() { # port: after a run that did not drain in time, wait until nothing is pending, so the next run starts clean
  local deadline=$(( $(date +%s) + 3 * DRAIN_CAP )) p
  [ "$1" = "$P_FANOUT" ] && { sleep 2; return; } # the plain fan-out keeps nothing to wait for
  while p=$(pending "$1"); grep -q '=[1-9]' <<< "$p"; do
    [ "$(date +%s)" -lt $deadline ] || die "deliveries still pending after $((3 * DRAIN_CAP))s: $p"
    sleep 1
  done
}
round50() { awk -v r="$1" 'BEGIN { r = int(r / 50 + 0.5) * 50; print r < 50 ? 50 : r }'; }
heap_used_mb() { # pid: the live heap, MB (used after a full GC)
  jcmd "$1" GC.run > /dev/null 2>&1
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/used/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { sub(/K,?/, "", $(i + 1)); u += $(i + 1) } } END { printf "%d", u / 1024 }'
}

# The highest rate whose deliveries keep up: up by half from 1,000/s until one does not, then halve the gap. A rate
# that fails is tried once more (the machine is shared: one bad moment should not decide), then the gap halves. Then
# the measured run at that rate (or 15% lower if it does not hold over the longer window). Sets RATE and records c.
sustained() { # case pid port
  local c=$1 pid=$2 port=$3 lo=0 hi=0 rate=$FIXED_RATE runs=0 retried=0
  while [ $runs -lt $MAX_TRIALS ]; do
    e2e_run "$pid" "$port" "$rate" $TRIAL 1 "${ABC[@]}"
    runs=$((runs + 1))
    if [ "$BOUNDED" != 1 ]; then
      settle "$port"
      if [ "$retried" != "$rate" ] && [ $runs -lt $MAX_TRIALS ]; then
        retried=$rate
        continue
      fi
    fi
    if [ "$BOUNDED" = 1 ]; then lo=$rate; else hi=$rate; fi
    if [ "$hi" = 0 ]; then rate=$(round50 $((rate * 3 / 2)))
    elif [ "$lo" = 0 ]; then rate=$(round50 $((rate * 6 / 10)))
    else
      [ $(( (hi - lo) * 100 / lo )) -gt 10 ] || break
      rate=$(round50 $(( (lo + hi) / 2 )))
    fi
  done
  R[$c.search]=$([ "$lo" != 0 ] && echo "$lo" || echo none)
  RATE=$([ "$lo" != 0 ] && echo "$lo" || echo "$rate")
  e2e_run "$pid" "$port" "$RATE" "$DURATION" 2 "${ABC[@]}"
  if [ "$BOUNDED" != 1 ]; then
    settle "$port"
    R[$c.first_try]="$RATE/s: not sustained over ${DURATION}s (drain ${DRAIN}s)"
    RATE=$(round50 $((RATE * 85 / 100)))
    e2e_run "$pid" "$port" "$RATE" "$DURATION" 2 "${ABC[@]}"
  fi
  record_e2e "$c" "$RATE"
  settle "$port"
}

log "mode $MODE: ${DURATION}s per case after ${WARMUP}s of warm-up; gateway JVM: $GATEWAY_JAVA; working in $WORK"

# --- 1 ceiling --------------------------------------------------------------------------------------------------------
java -cp "$CP" VertxCeiling $P_CEILING > "$WORK/ceiling.log" 2>&1 &
CEILING=$!
PIDS+=("$CEILING")
wait_http "http://127.0.0.1:$P_CEILING/"
warm "http://127.0.0.1:$P_CEILING/" plain.lua "$WARMUP"
wrk_case ceiling $CEILING "http://127.0.0.1:$P_CEILING/" plain.lua "$DURATION"
stop $CEILING

# --- 2 plain, 3 ingest, 3b ingest paced at 50%: one gateway, bench/routes.yaml ------------------------------------------
start_gateway plain-ingest routes.yaml $P_PLAIN
GW_A=$GW
warm "http://127.0.0.1:$P_PLAIN/plain" plain.lua "$WARMUP"
wrk_case plain "$GW_A" "http://127.0.0.1:$P_PLAIN/plain" plain.lua "$DURATION"
warm "http://127.0.0.1:$P_PLAIN/webhooks/github" github.lua "$WARMUP"
wrk_case ingest "$GW_A" "http://127.0.0.1:$P_PLAIN/webhooks/github" github.lua "$DURATION"
R[ingest50.rate]=$(round50 "$(awk -v r="${R[ingest.rps]}" 'BEGIN { print r * 0.5 }')")
LINE=$(pace "$GW_A" "http://127.0.0.1:$P_PLAIN/webhooks/github" "${R[ingest50.rate]}" "$DURATION" 2 --secret "$SECRET")
record ingest50 "$LINE" "$(field cpu_pct "$LINE")" "$(field rss_max_mb "$LINE")" "$(field hwm_mb "$LINE")"
stop "$GW_A"

# --- the receiver of every end-to-end case -------------------------------------------------------------------------------
java -Xmx1g -cp "$CP" Receiver $P_CONTROL $P_A $P_B $P_C > "$WORK/receiver.log" 2>&1 &
RECEIVER=$!
PIDS+=("$RECEIVER")
wait_http "$CTRL/stats"
DESTS=("dest-a.url = http://127.0.0.1:$P_A/a" "dest-b.url = http://127.0.0.1:$P_B/b" "dest-c.url = http://127.0.0.1:$P_C/c")
ABC=("$P_A/a" "$P_B/b" "$P_C/c")

# --- 4p plain Camel fan-out, not durable ---------------------------------------------------------------------------------
start_gateway fanout fanout-routes.yaml $P_FANOUT "${DESTS[@]}"
GW_F=$GW
export COUNT=2 # it sends no event id
log "warm-up: $((2 * WARMUP))s at 500/s"
e2e_run "$GW_F" $P_FANOUT 500 $((2 * WARMUP)) 0 "${ABC[@]}"
settle $P_FANOUT
sustained fanout "$GW_F" $P_FANOUT
e2e_run "$GW_F" $P_FANOUT $FIXED_RATE "$DURATION" 2 "${ABC[@]}"
record_e2e fanout1k $FIXED_RATE
stop "$GW_F"
unset COUNT

# --- 4 end to end: three durable subscriptions delivering to the receiver -------------------------------------------------
start_gateway e2e e2e-routes.yaml $P_E2E "dest.secret = $DEST_SECRET" "${DESTS[@]}" "hookbridge.egress.allow = 127.0.0.1/32"
GW_B=$GW
E2E_LOG=$GW_LOG
log "warm-up: $((2 * WARMUP))s at 500/s"
e2e_run "$GW_B" $P_E2E 500 $((2 * WARMUP)) 0 "${ABC[@]}"
settle $P_E2E
sustained e2e "$GW_B" $P_E2E
E2E_RATE=$RATE
e2e_run "$GW_B" $P_E2E $FIXED_RATE "$DURATION" 2 "${ABC[@]}"
record_e2e e2e1k $FIXED_RATE
settle $P_E2E

# --- 8 refused: destination c's port closed, at case 4's rate -----------------------------------------------------------------
curl -s -X POST "$CTRL/refuse?port=$P_C" > /dev/null
LOG_BEFORE=$(wc -c < "$E2E_LOG") LINES_BEFORE=$(wc -l < "$E2E_LOG")
e2e_run "$GW_B" $P_E2E "$E2E_RATE" "$DURATION" 2 "$P_A/a" "$P_B/b"
record_e2e refused "$E2E_RATE"
R[refused.log_bytes]=$(( $(wc -c < "$E2E_LOG") - LOG_BEFORE ))
R[refused.log_lines]=$(( $(wc -l < "$E2E_LOG") - LINES_BEFORE ))
R[refused.failed]=$(tail -c +"$((LOG_BEFORE + 1))" "$E2E_LOG" | grep -c 'to to-dest-c: attempt' || true)
R[refused.bytes_per_failure]=$(div "${R[refused.log_bytes]}" "${R[refused.failed]}" "%.0f")
R[refused.lines_per_failure]=$(div "${R[refused.log_lines]}" "${R[refused.failed]}" "%.2f")
R[refused.bytes_per_event]=$(div "${R[refused.log_bytes]}" "${R[refused.accepted]}" "%.0f")
curl -s -X POST "$CTRL/refuse?port=$P_C&on=false" > /dev/null
log "refused: ${R[refused.failed]} failed attempts logged in ${R[refused.log_lines]} lines, ${R[refused.log_bytes]} bytes"

# --- 5 isolation: destination c now a black hole --------------------------------------------------------------------------------
# The receiver's port c keeps accepting connections and requests but answers none: webhook-sink waits for its
# response timeout (15 s), then the inbox schedules a retry. a and b must not notice.
# live heap before and after (a full GC first); the first jcmd also starts the JVM's attach thread: before counting
R[iso.heap_before]=$(heap_used_mb "$GW_B")
curl -s -X POST "$CTRL/blackhole?port=$P_C" > /dev/null
e2e_run "$GW_B" $P_E2E "$E2E_RATE" "$ISO_DURATION" 2 "$P_A/a" "$P_B/b"
record_e2e iso "$E2E_RATE"
R[iso.heap_after]=$(heap_used_mb "$GW_B")
R[iso.split]=$(rss_split "$GW_B")
R[iso.threads_after]=$(awk '/^Threads:/ { print $2 }' "/proc/$GW_B/status")
R[iso.holes]=$(awk '$1 == "blackholed_requests" { print $2 }' <<< "$(curl -s "$CTRL/stats.txt")")
R[iso.pending]=$(pending $P_E2E)
curl -s -X POST "$CTRL/blackhole?port=$P_C&on=false" > /dev/null
settle $P_E2E

# --- 7 overload: three times the sustained rate for a while, then nothing (last on this gateway: it leaves a
# bigger store behind, which the cases compared with case 4 must not inherit) ----------------------------------------------------
R[overload.rate]=$((3 * E2E_RATE))
log "overload: ${R[overload.rate]}/s for ${OVERLOAD_SECONDS}s, then nothing"
CAP=$((DRAIN_CAP * 4)) PACE_EXTRA="--connections $OVERLOAD_CONNECTIONS" \
  e2e_run "$GW_B" $P_E2E "${R[overload.rate]}" "$OVERLOAD_SECONDS" 0 "${ABC[@]}"
record_e2e overload "${R[overload.rate]}"
settle $P_E2E

R[e2e.hwm_final]=$(status_mb "$GW_B" VmHWM)
stop "$GW_B"

# --- 9 the store on PostgreSQL: ingest at full speed, end to end at 1,000/s ------------------------------------------------
if [ "$WITH_PG" = 1 ]; then
  fresh_pg_database() { # a new, empty database for the case
    psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS hookbridge_bench WITH (FORCE)" -c "CREATE DATABASE hookbridge_bench"
    echo "jdbc:postgresql://127.0.0.1:5432/hookbridge_bench?user=hookbridge&password=hookbridge"
  }
  R[pg.version]=$(psql -tA "$PG_SERVER/postgres" -c 'SHOW server_version' | awk '{ print $1 }')
  start_gateway pg e2e-routes.yaml $P_PG "dest.secret = $DEST_SECRET" "${DESTS[@]}" \
    "hookbridge.egress.allow = 127.0.0.1/32" "camel.component.inbox.database-url = $(fresh_pg_database)"
  GW_P=$GW
  e2e_run "$GW_P" $P_PG 500 "$WARMUP" 0 "${ABC[@]}"
  settle $P_PG
  e2e_run "$GW_P" $P_PG $FIXED_RATE "$DURATION" 2 "${ABC[@]}"
  record_e2e pg1k $FIXED_RATE
  settle $P_PG
  stop "$GW_P"
  start_gateway pg-ingest routes.yaml $P_PG "camel.component.inbox.database-url = $(fresh_pg_database)"
  GW_P=$GW
  warm "http://127.0.0.1:$P_PG/webhooks/github" github.lua "$WARMUP"
  wrk_case pgingest "$GW_P" "http://127.0.0.1:$P_PG/webhooks/github" github.lua "$DURATION"
  stop "$GW_P"
fi
stop "$RECEIVER"

# --- 6 peer: adnanh/webhook -----------------------------------------------------------------------------------------
webhook -hooks bench/webhook-hooks.json -ip 127.0.0.1 -port $P_PEER > "$WORK/webhook.log" 2>&1 &
PEER=$!
PIDS+=("$PEER")
wait_http "http://127.0.0.1:$P_PEER/"
warm "http://127.0.0.1:$P_PEER/hooks/github" github.lua "$WARMUP"
wrk_case peer $PEER "http://127.0.0.1:$P_PEER/hooks/github" github.lua "$DURATION"
stop $PEER

# --- report ------------------------------------------------------------------------------------------------------------
SUITE_SECONDS=$(( $(date +%s) - SUITE_START ))
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# everything the report reads, so that it can be written again from a kept working directory (KEEP_WORK=1):
#   (. "$WORK/results.sh" && . bench/report.sh)
declare -p R MODE DURATION WARMUP TRIAL MAX_TRIALS DRAIN_OK FIXED_RATE OVERLOAD_SECONDS OVERLOAD_CONNECTIONS \
  ISO_DURATION CONNECTIONS PACE_CONNECTIONS P_A P_B P_C JAR JAR_SOURCE JAR_BUILT JAR_COMMIT ROOT GATEWAY_JAVA \
  WITH_PG SUITE_SECONDS LOAD_BEFORE LOAD_AFTER WORK CP > "$WORK/results.sh"
declare -f div >> "$WORK/results.sh"
bash -x -c "set -euo pipefail; . \"$WORK/results.sh\"; . bench/report.sh" 2> "$WORK/report.trace" || { tail -30 "$WORK/report.trace"; false; }
sed -n '/^## Results/,/^Latency is/p; /^## Delivery/,/^How the rate/p; /^## Targets/,/^## Start-up/p' docs/benchmarks.md | grep '^|'
log "done in ${SUITE_SECONDS}s: docs/benchmarks.md, docs/benchmarks.png"
