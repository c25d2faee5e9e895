#!/usr/bin/env bash
# Startup benchmark: how long the packaged service takes from the `java` launch to GET /q/health/ready
# answering 200, on an empty data directory and on one holding EVENTS stored events, and where that
# time goes (the service log's milestones, in ms after the launch).
#
#   1. RUNS starts, each on a fresh data directory.
#   2. Populate one data directory: wrk (bench/tagmango.lua, THREADS threads, CONNECTIONS connections, a
#      fresh RUN_TAG per chunk of at most CHUNK seconds) against the durable TagMango endpoint until
#      EVENTS events are accepted, then wait for the router to drain the events queue and stop.
#   3. RUNS restarts on that directory.
#   4. The milestones of the last empty and the last populated start, and a summary.
# Every stop is graceful (SIGTERM, then wait for the process to exit).
#
#   bench/startup.sh                                 # build, then run (populating 1,000,000 events: several minutes)
#   SKIP_BUILD=1 EVENTS=20000 RUNS=2 bench/startup.sh
#   KEEP=1 bench/startup.sh                          # keep the temporary dir: logs and the populated data dir
#   POPULATED_DIR=/tmp/x/populated/data bench/startup.sh   # reuse a populated data dir (it has db/ and broker/)
#   RUNS=3 EVENTS=1000000 CHUNK=30 CONNECTIONS=64 THREADS=2 PORT=18080 READY_CAP=180 DRAIN_CAP=1800 bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
EVENTS=${EVENTS:-1000000}
CHUNK=${CHUNK:-30}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
READY_CAP=${READY_CAP:-180}   # seconds a start may take before the script gives up
DRAIN_CAP=${DRAIN_CAP:-1800}  # seconds the router may take to drain the events queue after the load
POPULATED_DIR=${POPULATED_DIR:-}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh
token=${COURSEWIRE_SOURCES_TAGMANGO_SECRET:-tagmango-demo-secret}
base="http://127.0.0.1:$PORT"

if [ -n "$POPULATED_DIR" ]; then
  POPULATED_DIR=$(cd "$POPULATED_DIR" && pwd)
  [ -d "$POPULATED_DIR/db" ] || { echo "POPULATED_DIR=$POPULATED_DIR has no db/: pass the data dir itself" >&2; exit 2; }
else
  need_wrk
fi
build_unless_skipped
require_free_ports PORT "$PORT"

work=$(mktemp -d)
pid=
stop_service() { # graceful: SIGTERM, then wait for the JVM to exit (its shutdown hooks stop Camel, the broker, H2)
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
}
trap 'stop_service; if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
printf 'targets: []\n' > "$work/targets.yaml"

# A sleep without a fork: read from a pipe nobody writes to, with a timeout.
exec {sleep_fd}<> <(:)
nap() { read -rt "$1" -u "$sleep_fd" || true; }
now_us() { echo "${EPOCHREALTIME/./}"; }
hz=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }  # user nice system irq softirq, all cores
steal_ticks() { awk '/^cpu / {print $9}' /proc/stat; }
proc_ticks() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; echo "${s##*) }" | awk '{print $12 + $13}'; }
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
join() { local IFS=,; echo "$*" | sed 's/,/, /g'; }

# start_service <data dir> <log>: launches the service; t0_us is taken just before `java`.
start_service() {
  busy0=$(busy_ticks); steal0=$(steal_ticks)
  t0_us=$(now_us)
  launch_service "$1" "$work/targets.yaml" "$2"
}

# wait_ready <log>: polls every 20 ms until /q/health/ready answers 200; sets ready_ms (launch to 200),
# port_ms (launch to the HTTP port accepting connections), cpu_s (the service's CPU seconds by then),
# others (cores used by everything else meanwhile) and stolen (cores the hypervisor took).
# Until the port accepts connections the probe is bash's /dev/tcp (no fork, well under 1 ms of CPU): a
# curl took about 30 ms of CPU here, so one every 20 ms would take half a core from the starting service
# on 2 cores. Once the port is open each probe is a curl.
wait_ready() {
  local deadline=$(( t0_us + READY_CAP * 1000000 ))
  port_ms=
  while :; do
    if { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; then
      exec 3>&-
      [ -n "$port_ms" ] || port_ms=$(( ($(now_us) - t0_us) / 1000 ))
      if curl -sf -o /dev/null "$base/q/health/ready"; then break; fi
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -40 "$1"; echo "the service exited before it was ready (log above: $1)" >&2; pid=; exit 1
    fi
    if [ "$(now_us)" -gt "$deadline" ]; then
      tail -40 "$1"; echo "the service was not ready within ${READY_CAP}s (log above: $1)" >&2; exit 1
    fi
    nap 0.02
  done
  local t1_us; t1_us=$(now_us)
  ready_ms=$(( (t1_us - t0_us) / 1000 ))
  local svc; svc=$(proc_ticks "$pid")
  local elapsed_s; elapsed_s=$(awk -v d="$(( t1_us - t0_us ))" 'BEGIN {print d / 1e6}')
  cpu_s=$(awk -v t="$svc" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
  others=$(awk -v b="$(( $(busy_ticks) - busy0 ))" -v s="$svc" -v hz="$hz" -v e="$elapsed_s" \
    'BEGIN {o = (b - s) / hz / e; printf "%.2f", o < 0 ? 0 : o}')
  stolen=$(awk -v t="$(( $(steal_ticks) - steal0 ))" -v hz="$hz" -v e="$elapsed_s" 'BEGIN {printf "%.2f", t / hz / e}')
}

# stop_timed <log>: graceful stop; sets stop_s, and warns unless the log has Quarkus' "stopped in".
stop_timed() {
  local s; s=$(now_us)
  stop_service
  stop_s=$(awk -v d="$(( $(now_us) - s ))" 'BEGIN {printf "%.1f", d / 1e6}')
  grep -q '\[io.quarkus\] .* stopped in' "$1" || echo "  WARNING: no \"stopped in\" in $1: the stop may not have been graceful" >&2
}

# run_line <n>: one measured start, as printed
run_line() {
  local flag=""
  awk -v o="$others" -v s="$stolen" 'BEGIN {exit !(o > 0.2 || s > 0.05)}' && flag="   WARNING: busy host, not comparable"
  printf '  run %d: %6d ms   (service CPU %s s; others %s cores, stolen %s; stopped in %s s)%s\n' \
    "$1" "$ready_ms" "$cpu_s" "$others" "$stolen" "$stop_s" "$flag"
}

# timed_starts <data dir pattern> <log pattern>: RUNS starts, each timed to ready and stopped
# (%d in the patterns is the run number); leaves ready_times=(ms...), median_ms, and last=(log t0 port ready).
timed_starts() {
  local i data log
  ready_times=()
  for i in $(seq 1 "$RUNS"); do
    # shellcheck disable=SC2059
    data=$(printf "$1" "$i"); log=$(printf "$2" "$i")
    mkdir -p "$(dirname "$log")"
    start_service "$data" "$log"
    wait_ready "$log"
    stop_timed "$log"
    run_line "$i"
    ready_times+=("$ready_ms")
    last=("$log" "$t0_us" "$port_ms" "$ready_ms")
  done
  median_ms=$(median "${ready_times[@]}")
  echo "  median: $median_ms ms"
}

# milestones <log> <t0_us> <port_ms> <ready_ms>: the log lines that mark the start's phases, and the
# probe's own two, in ms after the launch and since the line before
milestones() {
  local log=$1 t0_ms=$(( $2 / 1000 )) label re line ts msg
  {
    while IFS='|' read -r label re; do
      line=$(grep -m1 -E "$re" "$log" || true)
      [ -n "$line" ] || { printf '%s|%s|%s\n' "-" "$label" "(not in the log)"; continue; }
      ts=$(echo "$line" | cut -c1-23 | tr , .)
      msg=$(echo "$line" | sed -E 's/^[0-9-]+ [0-9:,]+ +[A-Z]+ +\[[^]]*\] \([^)]*\) //' | cut -c1-110)
      printf '%s|%s|%s\n' "$(( $(date -d "$ts" +%s%3N) - t0_ms ))" "$label" "$msg"
    done <<'EOF'
first log line|^[0-9]{4}-[0-9]{2}-[0-9]{2} 
Flyway validated|Successfully validated
Flyway applied / up to date|Successfully applied|is up to date
Camel Quarkus starting|Apache Camel Quarkus .* is starting
Embedded broker started|Embedded broker started
Idempotent receiver window|Idempotent receiver window
Apache Camel started|Apache Camel .* started in
Quarkus started|\[io\.quarkus\] .* started in
EOF
    printf '%s|%s|%s\n' "$3" "port open" "(the probe) the HTTP port accepts connections"
    printf '%s|%s|%s\n' "$4" "ready" "(the probe) GET /q/health/ready answered 200"
  } | sort -t'|' -k1,1n -s | awk -F'|' '
    BEGIN {printf "  %8s %8s  %s\n", "ms", "+ms", "milestone"}
    $1 == "-" {printf "  %8s %8s  %-27s %s\n", "-", "-", $2, $3; next}
    {printf "  %8d %+8d  %-27s %s\n", $1, $1 - prev, $2, $3; prev = $1}'
}

# rows in the event log of a stopped service's data dir (H2's own Shell, read-only), or "?"
count_events() {
  local h2=target/coursewire-runner.jar  # H2 is inside it
  [ -f "$h2" ] || { echo "?"; return; }
  java -Xmx256m -XX:TieredStopAtLevel=1 -cp "$h2" org.h2.tools.Shell \
    -url "jdbc:h2:file:$1/db/coursewire;ACCESS_MODE_DATA=r" -user coursewire -password "" \
    -sql "SELECT COUNT(*) FROM event_log" 2>/dev/null | awk '/^[0-9]+$/ {print; found=1; exit} END {if (!found) print "?"}'
}
metric() { # metric <exact series name with labels>: its value, 0 when absent
  { curl -sf "$base/q/metrics" || true; } | awk -v k="$1" '$1 == k {printf "%.0f\n", $2; found=1} END {if (!found) print 0}'
}

# 1. Empty data dir
echo "1. start to ready on an empty data dir, $RUNS runs:"
timed_starts "$work/empty-%d/data" "$work/empty-%d/service.log"
empty=("${ready_times[@]}"); last_empty=("${last[@]}"); empty_median=$median_ms
echo

# 2. Populate
if [ -n "$POPULATED_DIR" ]; then
  data=$POPULATED_DIR
  echo "2. reusing POPULATED_DIR=$data"
  stored=$(count_events "$data")
  echo "  events stored (rows in event_log): $(commas "$stored")"
else
  data="$work/populated/data"; mkdir -p "$work/populated"
  echo "2. populating $data with $(commas "$EVENTS") events (wrk -t$THREADS -c$CONNECTIONS, chunks of at most ${CHUNK}s)..."
  start_service "$data" "$work/populated/service.log"
  wait_ready "$work/populated/service.log"
  url="$base/webhooks/tagmango?token=$token"
  # bench/tagmango.lua, with each wrk thread stopping after LIMIT responses: a chunk stops near EVENTS
  # even when the service speeds up as it warms (wrk's -d stays the upper bound of a chunk).
  cat > "$work/populate.lua" <<'LUA'
dofile("bench/tagmango.lua")
local limit = tonumber(os.getenv("LIMIT") or "0")
local seen = 0
function response(status, headers, body)
  seen = seen + 1
  if limit > 0 and seen >= limit then wrk.thread:stop() end
end
LUA
  accepted_series="coursewire_events_accepted_total{vendor=\"tagmango\"}"
  p0=$(now_us); ok=0; accepted=0; chunk=0; dur=$(( CHUNK < 10 ? CHUNK : 10 ))  # a short first chunk gives the rate
  while [ "$accepted" -lt "$EVENTS" ]; do
    chunk=$((chunk + 1))
    out="$work/populated/wrk-$chunk.txt"
    limit=$(( (EVENTS - accepted + THREADS - 1) / THREADS ))
    RUN_TAG="s${p0}c$chunk" LIMIT=$limit wrk -t"$THREADS" -c"$CONNECTIONS" -d"${dur}s" -s "$work/populate.lua" "$url" > "$out" 2>&1 || true
    reqs=$(awk '/ requests in / {print $1}' "$out"); reqs=${reqs:-0}
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out"); non2xx=${non2xx:-0}
    ok=$(( ok + reqs - non2xx ))
    before=$accepted
    accepted=$(metric "$accepted_series")
    [ "$accepted" -gt 0 ] || accepted=$ok   # no counter: wrk's 2xx count
    rate=$(( (accepted - before) / dur )); [ "$rate" -ge 1 ] || rate=1
    printf '  chunk %d: %ds, +%s accepted (%s/s, %s non-2xx), %s of %s\n' "$chunk" "$dur" "$(commas $((accepted - before)))" \
      "$(commas "$rate")" "$non2xx" "$(commas "$accepted")" "$(commas "$EVENTS")" >&2
    if [ "$reqs" -eq 0 ] || [ "$accepted" -le "$before" ]; then cat "$out" >&2; echo "wrk stored nothing in chunk $chunk" >&2; exit 1; fi
    left=$(( EVENTS - accepted ))
    dur=$(( (left * 3 / 2 + rate - 1) / rate + 1 )); [ "$dur" -le "$CHUNK" ] || dur=$CHUNK
  done
  load_s=$(awk -v d="$(( $(now_us) - p0 ))" 'BEGIN {printf "%.1f", d / 1e6}')
  # The router takes events off the broker queue into the event log; wait until it has caught up.
  drain0=$(now_us)
  depth_series='coursewire_queue_depth{queue="coursewire.events"}'
  while depth=$(metric "$depth_series"); [ "$depth" -gt 0 ]; do
    if [ $(( ($(now_us) - drain0) / 1000000 )) -gt "$DRAIN_CAP" ]; then
      echo "the events queue still holds $depth messages after ${DRAIN_CAP}s" >&2; exit 1
    fi
    sleep 1
  done
  drain_s=$(awk -v d="$(( $(now_us) - drain0 ))" 'BEGIN {printf "%.1f", d / 1e6}')
  pop_s=$(awk -v d="$(( $(now_us) - p0 ))" 'BEGIN {printf "%.1f", d / 1e6}')
  stop_timed "$work/populated/service.log"
  stored=$(count_events "$data")
  echo "  events stored: $(commas "$stored") rows in event_log (accepted counter $(commas "$accepted"), wrk 2xx $(commas "$ok"))"
  echo "  populating took ${pop_s} s: ${load_s} s of load in $chunk chunks, then ${drain_s} s for the router to drain; stopped in ${stop_s} s"
fi
[ "$stored" != "?" ] || stored=${accepted:-$EVENTS}
echo "  data dir size: $(du -sh "$data/db" | cut -f1) db/, $(du -sh "$data/broker" | cut -f1) broker/ ($(du -sh "$data" | cut -f1) in all)"
echo

# 3. Restarts on the populated data dir
echo "3. start to ready with $(commas "$stored") events stored, $RUNS runs:"
timed_starts "$data" "$work/restart-%d.log"
full=("${ready_times[@]}"); last_full=("${last[@]}"); full_median=$median_ms
echo

# 4. Where the time goes
echo "4. where the time goes, last start with $(commas "$stored") events stored (ms after the java launch, + since the line before):"
milestones "${last_full[@]}"
echo
echo "   last start on an empty data dir:"
milestones "${last_empty[@]}"
echo

label_full="start to ready, with $(commas "$stored") events stored:"
w=$(( ${#label_full} + 2 ))
printf '%-*smedian %d ms (runs: %s)\n' "$w" "start to ready, empty data dir:" "$empty_median" "$(join "${empty[@]}")"
printf '%-*smedian %d ms (runs: %s)     bar: <= 3000 ms empty, <= 5000 ms with 1,000,000\n' \
  "$w" "$label_full" "$full_median" "$(join "${full[@]}")"
if [ -n "${KEEP:-}" ] && [ -z "$POPULATED_DIR" ]; then
  echo "(reuse the populated data dir with POPULATED_DIR=$data)"
fi
