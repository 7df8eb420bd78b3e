# Sourced by bench/suite.sh once every case has run: writes docs/benchmarks.md and, through bench/Chart.java,
# docs/benchmarks.png from the results in R[...]. Every figure comes from this run; nothing is carried over.
# shellcheck shell=bash

mkdir -p docs
ratio() { div "$1" "$2" "%.2f×"; }
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo "**missed**"; } # awk condition
ms() { awk -v v="$1" 'BEGIN { if (v == "" || v < 0) print "–"; else if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'; }
msi() { # a delivery latency: whole milliseconds (event ids carry milliseconds); 0 means under a millisecond
  awk -v v="$1" 'BEGIN { if (v == "" || v < 0) print "–"; else if (v == 0) print "<1"; else printf "%d", v }'
}
num() { # 12345 -> 12,345
  awk -v v="$1" 'BEGIN { s = sprintf("%d", v); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    print s out }'
}
share() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b * 100; else print 0 }'; } # a as % of b

A=$P_A/a B=$P_B/b C=$P_C/c
PLAIN=${R[plain.rps]} CEIL=${R[ceiling.rps]}
STARTUPS=$(for k in "${!R[@]}"; do if [[ $k == startup.* ]]; then echo "${k#startup.}=${R[$k]}"; fi; done | sort)
STARTUP_MAX=$(sed 's/.*=//' <<< "$STARTUPS" | sort -n | tail -1)
# the gateways' peaks (the ceiling and the peer are other programs)
RSS_MAX=$(for k in "${!R[@]}"; do if [[ $k == *.hwm* && $k != ceiling.* && $k != peer.* ]]; then echo "${R[$k]}"; fi; done |
  sort -n | tail -1)
ISO_A=$(share "${R[iso.$A.rate]}" "${R[e2e.$A.rate]}") ISO_B=$(share "${R[iso.$B.rate]}" "${R[e2e.$B.rate]}")
REF_A=$(share "${R[refused.$A.rate]}" "${R[e2e.$A.rate]}") REF_B=$(share "${R[refused.$B.rate]}" "${R[e2e.$B.rate]}")
sustained_label() { [ "${R[$1.bounded]}" = 1 ] && echo "sustained" || echo "highest tried, NOT sustained"; }
DRAINED=$([[ ${R[overload.drain]} == ">"* ]] && echo 0 || echo 1)

row() { # case, number, label: one line of the main table
  local c=$1
  [ -n "${R[$c.rps]:-}" ] || return 0
  echo "| $2 | $3 | $(num "${R[$c.rps]}") | $(ratio "${R[$c.rps]}" "$CEIL") | $(ratio "${R[$c.rps]}" "$PLAIN") |" \
       "$(ms "${R[$c.p50]}") | $(ms "${R[$c.p99]}") | $(ms "${R[$c.p999]}") | ${R[$c.errors]} | ${R[$c.cpu]} |" \
       "${R[$c.rss]} / ${R[$c.hwm]} |"
}
delivery_row() { # case, label
  local c=$1
  [ -n "${R[$c.rate]:-}" ] || return 0
  echo "| $2 | $(num "${R[$c.rate]}") | $(num "${R[$c.$A.rate]}") | $(num "${R[$c.$B.rate]}") | $(num "${R[$c.$C.rate]:-0}") | ${R[$c.drain]} s |" \
       "$(msi "${R[$c.all.p50]}") / $(msi "${R[$c.all.p99]}") / $(msi "${R[$c.all.p999]}") / $(msi "${R[$c.all.max]}") |" \
       "$([[ $c == fanout* ]] && echo "–" || echo $(( ${R[$c.$A.dup]:-0} + ${R[$c.$B.dup]:-0} + ${R[$c.$C.dup]:-0} ))) | $(num "${R[$c.cpu_us]}") |"
}

{
cat <<EOF
# Benchmarks

Written by \`bench/suite.sh$([ "$MODE" = quick ] && echo " --quick")\` on $(date -u '+%Y-%m-%d %H:%M UTC'); every figure below comes from
that one run (${SUITE_SECONDS} s in all). Run it again with the same command; \`--quick\` (short windows) is for checking
the suite, not for figures.

| | |
|---|---|
| machine | $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -g | awk '/^Mem:/ { print $2 }') GB, $(uname -sr); load average before the run $LOAD_BEFORE, after $LOAD_AFTER (1, 5, 15 min; the machine is shared) |
| Java | $(java -version 2>&1 | head -2 | tr '\n' ' ' | sed 's/ *$//') |
| gateway | \`${JAR_SOURCE#"$ROOT"/}\` built $JAR_BUILT ($JAR_COMMIT), run by \`bin/hookbridge\` (the README's command) with \`$GATEWAY_JAVA\`; HSQLDB file store (case 9: PostgreSQL), a fresh database for each gateway started |
| load | $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }'): 2 threads, $CONNECTIONS connections, ${DURATION} s after ${WARMUP} s of warm-up; paced cases: \`bench/Pace.java\` (open loop like wrk2, at most $PACE_CONNECTIONS requests outstanding, $OVERLOAD_CONNECTIONS for the overload; about 30 µs of CPU per request where wrk needs 7) |
| body | a 1 KB GitHub \`push\` (JSON), \`X-Hub-Signature-256\` valid, a unique \`X-GitHub-Delivery\` per request |
| peer | $(webhook -version 2>&1 | head -1) (Debian package), \`bench/webhook-hooks.json\` |

Everything — gateway, load generator, receiver — shares the same $(nproc) cores over loopback, so each figure is what is
left once the load generator and the receiver have taken their share; compare ratios rather than absolute numbers.

## Results

| # | case | requests/s | × ceiling | × plain | p50 ms | p99 ms | p99.9 ms | errors | CPU % of a core | RSS MB (end / peak) |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$(row ceiling 1 "ceiling: bare Vert.x server, 202")
$(row plain 2 "plain Camel: \`platform-http\` route, 202")
$(row ingest 3 "ingest: \`github-webhook-source → inbox\`, durable, max")
$(row ingest50 3b "ingest paced at 50% of case 3")
$(row fanout 4p "plain Camel fan-out, not durable, $(sustained_label fanout) rate")
$(row fanout1k 4p′ "plain Camel fan-out at $FIXED_RATE events/s")
$(row e2e 4 "end to end, 3 durable subscriptions, $(sustained_label e2e) rate")
$(row e2e1k 4b "end to end at $FIXED_RATE events/s")
$(row overload 7 "overload: 3 × case 4's rate for ${OVERLOAD_SECONDS} s, then nothing")
$(row refused 8 "as 4, destination c refusing connections")
$(row iso 5 "as 4, destination c a black hole")
$(row pgingest 9 "ingest, store on PostgreSQL ${R[pg.version]:-}")
$(row pg1k 9b "end to end at $FIXED_RATE events/s, store on PostgreSQL")
$(row peer 6 "peer: adnanh/webhook, signature check + \`/bin/true\`")

Latency is per request, from sending it (for paced cases: from when it was due) to its answer: the provider's wait for
its 202. Errors: answers ≥ 400 and socket errors (connect, read, write, timeouts). CPU: the server process's user +
system time over the measured window (for the peer including its \`/bin/true\` children), in % of one core; the
machine has $(nproc)00%. RSS: VmRSS at the end of the window / VmHWM, the peak since the process started. Cases 4p to
9b are paced: requests/s is the offered rate of events, each delivered three times (below).

## Delivery (paced cases)

Delivery latency: arrival at the receiver minus the receive time carried by the event id (\`webhook-id\`, a ULID whose
first 48 bits are the ingest time in ms), all destinations together (cases 5 and 8: a and b); whole milliseconds
("<1": under a millisecond). The plain fan-out sends no event id, so it has no delivery latency. Delivered/s: arrivals
per destination during the measured window. Drain: how long after the last request of the load the last delivery
arrived. CPU per event: the gateway's CPU time over the window divided by the events offered in it.

| case | events/s offered | delivered/s a | b | c | drain | delivery latency ms p50 / p99 / p99.9 / max | duplicates | gateway CPU µs per event |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(delivery_row fanout "4p plain Camel fan-out, $(sustained_label fanout)")
$(delivery_row fanout1k "4p′ plain Camel fan-out, fixed rate")
$(delivery_row e2e "4 end to end, $(sustained_label e2e)")
$(delivery_row e2e1k "4b end to end, fixed rate")
$(delivery_row overload "7 overload, 3 × 4's rate")
$(delivery_row refused "8 c refusing connections")
$(delivery_row iso "5 c a black hole")
$(delivery_row pg1k "9b end to end on PostgreSQL")

How the rates of cases 4p and 4 were found: paced runs of ${TRIAL} s, starting at $FIXED_RATE/s, up by half while the
deliveries kept up, then halving the gap (a rate that fails is tried a second time; at most $MAX_TRIALS runs); "kept
up" means no failed request, each destination receiving at least 97% of the offered rate during the window, and every
delivery done within ${DRAIN_OK} s after the load stopped. The measured run then holds that rate for ${DURATION} s under
the same rule. Highest rate that kept up in the search: plain fan-out ${R[fanout.search]}/s$([ -n "${R[fanout.first_try]:-}" ] && echo " (the measured run at ${R[fanout.first_try]}, so it was measured 15% lower)"), durable ${R[e2e.search]}/s$([ -n "${R[e2e.first_try]:-}" ] && echo " (the measured run at ${R[e2e.first_try]}, so it was measured 15% lower)").
Each trial: see the suite's log lines \`e2e N/s: bounded=...\`.

Case 8's log: ${R[refused.failed]} failed attempts to c were logged in ${R[refused.log_lines]} lines, $(num "${R[refused.log_bytes]}") bytes in all
(${R[refused.bytes_per_failure]} bytes and ${R[refused.lines_per_failure]} lines per failed attempt, ${R[refused.bytes_per_event]} bytes per event offered).

## Targets (issue #12)

| target | measured | |
|---|---|---|
| durable end to end sustained ≥ 0.5 × plain Camel fan-out | $(ratio "${R[e2e.rate]}" "${R[fanout.rate]}") ($(num "${R[e2e.rate]}") vs $(num "${R[fanout.rate]}") events/s) | $(verdict "${R[e2e.bounded]} == 1 && ${R[e2e.rate]} >= 0.5 * ${R[fanout.rate]}") |
| gateway CPU per event ≤ 2 × the plain fan-out's (at $FIXED_RATE/s) | $(ratio "${R[e2e1k.cpu_us]}" "${R[fanout1k.cpu_us]}") ($(num "${R[e2e1k.cpu_us]}") vs $(num "${R[fanout1k.cpu_us]}") µs) | $(verdict "${R[e2e1k.cpu_us]} <= 2 * ${R[fanout1k.cpu_us]}") |
| overload (3 × for ${OVERLOAD_SECONDS} s): ingest p99 ≤ 100 ms, no error, all delivered afterwards | p99 $(ms "${R[overload.p99]}") ms, ${R[overload.errors]} errors, drained ${R[overload.drain]} s after | $(verdict "${R[overload.p99]} <= 100 && ${R[overload.errors]} == 0 && $DRAINED == 1") |
| refused: a and b keep ≥ 90% of their case-4 rate | a $REF_A%, b $REF_B% | $(verdict "$REF_A >= 90 && $REF_B >= 90") |
| refused: ingest p99 ≤ 1.5 × case 4's | $(ms "${R[refused.p99]}") vs $(ms "${R[e2e.p99]}") ms ($(ratio "${R[refused.p99]}" "${R[e2e.p99]}")) | $(verdict "${R[refused.p99]} <= 1.5 * ${R[e2e.p99]}") |
| refused: ≤ 1 log line per failed attempt, ≤ 1 KB of log per event | ${R[refused.lines_per_failure]} lines, ${R[refused.bytes_per_event]} bytes | $(verdict "${R[refused.lines_per_failure]} <= 1 && ${R[refused.bytes_per_event]} <= 1024") |
| refused: gateway CPU ≤ 1.3 × case 4's | $(ratio "${R[refused.cpu]}" "${R[e2e.cpu]}") (${R[refused.cpu]}% vs ${R[e2e.cpu]}%) | $(verdict "${R[refused.cpu]} <= 1.3 * ${R[e2e.cpu]}") |
| black hole: a and b keep ≥ 90% of their case-4 rate | a $ISO_A%, b $ISO_B% | $(verdict "$ISO_A >= 90 && $ISO_B >= 90") |
| ingest max ≥ 0.5 × plain Camel | $(ratio "${R[ingest.rps]}" "$PLAIN") ($(num "${R[ingest.rps]}") vs $(num "$PLAIN") requests/s) | $(verdict "${R[ingest.rps]} >= 0.5 * $PLAIN") |
| ingest p99 ≤ 25 ms at 50% of its max (open loop) | $(ms "${R[ingest50.p99]}") ms at $(num "${R[ingest50.rate]}")/s | $(verdict "${R[ingest50.p99]} <= 25 && ${R[ingest50.errors]} == 0") |
| RSS ≤ 400 MB through the whole suite | peak $RSS_MAX MB of any gateway | $(verdict "$RSS_MAX <= 400") |
| start-up ≤ 2 s to the first accepted webhook | $(for s in $STARTUPS; do printf '%s %s, ' "${s%%=*}" "$(div "${s#*=}" 1000 "%.1f s")"; done | sed 's/, $//') | $(verdict "$STARTUP_MAX <= 2000") |

## Start-up, memory, threads

- Start-up: from launching \`bin/hookbridge\` to the first 2xx for a signed push on \`/webhooks/github\` (curl every 20 ms),
  for each gateway started: $(for s in $STARTUPS; do printf '%s %s s, ' "${s%%=*}" "$(div "${s#*=}" 1000 "%.2f")"; done | sed 's/, $//').
  The first one started (plain-ingest) writes the class-data archive when it stops; the others map it.
- Memory: the peak RSS (VmHWM) was ${R[ingest.hwm]} MB after ingest at full speed (RSS then: ${R[ingest.split]}) and
  ${R[e2e.hwm_final]} MB for the end-to-end gateway at the end of its cases 4 to 5 (RSS then: ${R[iso.split]}).
- Black-hole case: threads ${R[iso.threads]} during the window (sampled every second, /proc/PID/status), ${R[iso.threads_after]}
  after it; live heap ${R[iso.heap_before]} MB before the load, ${R[iso.heap_after]} MB after it (heap used after a full GC:
  \`jcmd GC.run\`, then \`GC.heap_info\`); the black hole left ${R[iso.holes]} requests unanswered; pending deliveries at
  the end: ${R[iso.pending]}.

## Notes per case

1. **Ceiling** — \`bench/VertxCeiling.java\`: Vert.x $(unzip -p "$JAR" META-INF/maven/io.vertx/vertx-core/pom.properties 2>/dev/null | sed -n 's/^version=//p') from the gateway's jar, one server
   instance per core, reads the body, answers \`202 {"ok":true}\`. Nothing on this stack answers faster.
2. **Plain Camel** — \`bench/routes.yaml\` route \`plain\`: what a Camel user writes by hand, same gateway process as 3.
3. **Ingest** — \`github-webhook-source → inbox:github\` with one subscription that is not started, so each event also
   gets its pending delivery row: signature verified, event and delivery committed and synced to disk before the 202.
   3b paces the same requests at 50% of 3's rate (open loop, latency from each request's due time).
4. **End to end** — \`bench/e2e-routes.yaml\`: the ingest route plus three subscriptions \`inbox:github → kamelet:webhook-sink\`
   (signed, default concurrency 8 each) to three ports of \`bench/Receiver.java\` (Vert.x, answers 204, counts and times
   every arrival). **4p** is the same job in plain Camel, not durable (\`bench/fanout-routes.yaml\`: \`platform-http → seda
   → multicast → 3 × http\`, 8 consumers), to the same receiver, loaded the same way. The gateway's CPU includes
   delivering; the receiver and the generator run beside it.
7. **Overload** — the gateway of case 4, offered three times case 4's rate for ${OVERLOAD_SECONDS} s (up to
   $OVERLOAD_CONNECTIONS requests outstanding), then nothing: the answers during the burst, and how long after it the
   last delivery arrived.
8. **Refused** — the same gateway at case 4's rate, destination c's port closed: each attempt to c fails at once
   (connection refused) and is retried on the inbox's schedule. a and b's rates are compared with theirs in case 4,
   its answers and CPU with case 4's; the log it wrote in the window is divided by c's failed attempts.
5. **Isolation** — the same gateway at case 4's rate for ${ISO_DURATION} s, destination c a black hole: the receiver's port
   keeps accepting connections and requests and answers none (webhook-sink's response timeout is 15 s, then the
   inbox's retry schedule).
9. **PostgreSQL** — $([ "$WITH_PG" = 1 ] && echo "PostgreSQL ${R[pg.version]} on the same machine (Debian's package, default settings, \`synchronous_commit = on\`), a fresh database for each gateway: case 3 and case 4b with the store there." || echo "not run: no PostgreSQL server was reachable (\`.ci/postgres\` starts one).")
6. **Peer** — adnanh/webhook checks \`X-Hub-Signature-256\` (\`payload-hmac-sha256\` rule) and starts \`/bin/true\` per
   request, answering 202 without waiting for it. It stores nothing: a crash loses what it acknowledged. A bad
   signature gets a 500 ("Error occurred while evaluating hook rules"), not a 401.
EOF
} | awk 'NR > 1 && prev ~ /^\|/ && $0 == "" { held = 1; next }
         { if (held && $0 !~ /^\|/) print ""; held = 0; print; prev = $0 }' > docs/benchmarks.md # (rows of cases not run)

# the chart: throughput and latency of each case (paced rows: the provider's wait for its answer)
{
  echo "Hookbridge benchmark, $(date -u +%F), $(nproc) cores, $MODE run (bench/suite.sh)"
  line() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
  chart_row() { [ -n "${R[$2.rps]:-}" ] || return 0; line "$1" "${R[$2.rps]}" "${3:-$(ratio "${R[$2.rps]}" "$PLAIN") plain}" "${R[$2.p50]}" "${R[$2.p99]}" "${R[$2.p999]}"; }
  chart_row "1 ceiling: bare Vert.x" ceiling
  chart_row "2 plain Camel platform-http" plain
  chart_row "3 ingest to inbox, max" ingest
  chart_row "3b ingest paced at 50%" ingest50
  chart_row "4p plain Camel fan-out (answers)" fanout "${R[fanout.cpu_us]} µs CPU/event"
  chart_row "4 end to end, durable (answers)" e2e "$(ratio "${R[e2e.rate]}" "${R[fanout.rate]}") fan-out"
  chart_row "4b end to end at $FIXED_RATE/s (answers)" e2e1k "${R[e2e1k.cpu_us]} µs CPU/event"
  chart_row "7 overload 3x (answers)" overload "drained in ${R[overload.drain]} s"
  chart_row "8 c refusing (answers)" refused "a $REF_A%, b $REF_B% of case 4"
  chart_row "5 c black hole (answers)" iso "a $ISO_A%, b $ISO_B% of case 4"
  chart_row "6 peer: adnanh/webhook" peer
} > "$WORK/chart.tsv"
java -Djava.awt.headless=true -cp "$CP" Chart "$WORK/chart.tsv" docs/benchmarks.png
