#!/usr/bin/env bash
# Delivery benchmark: what the service does with an accepted event after the 202, measured at local
# HTTP sinks (bench/DeliveryBench.java: the sink and the load generator in one JVM, so that every time
# comes from one clock). Each configuration gets a freshly started service with a fresh data directory
# and its own targets file (sink-1..sink-N -> http://127.0.0.1:$SINK_PORT/sink/<n>):
#
#   tp1      end-to-end throughput, 1 target:  EVENTS distinct TagMango completions, CONCURRENCY in flight
#   tp4      the same with 4 targets
#   latency  202 -> delivery latency at a fixed offered RATE for LAT_SECONDS (open loop), 1 target, after
#            LAT_LEADIN seconds at the same rate that are not counted
#   wrk4     wrk against the durable endpoint with 4 targets live, then the drain time to the sinks
#   mixed    five targets of mixed kinds: two HTTP sinks, a csv and an ndjson file target, and an email target
#            ({learner.email}, the shipped completion template) to a local SMTP sink in the harness; EVENTS
#            events closed loop, until every one is at all five; dead letters counted; accept -> delivery
#            p50/p99 per target from the service's own histogram
#   mixed-reload  the same while the targets file is rewritten every second (a header value changes)
#            MIXED_RATE=<events/s>: both send open loop at that rate instead (latency at a given load)
#   subs50   REST Hook subscribers: 50 subscriptions (each its own sink path, registered through the admin API)
#            to course_completed, no static target; EVENTS events closed loop until each is at all 50:
#            deliveries/s and accept -> delivery p50/p99 (the service's histogram); threads before/after.
#            SUBS_RATE=<events/s>: open loop at that rate instead (p99 at a given load, not a backlog's)
#   subs5000 5,000 subscriptions: time to register, threads and RSS before/after, then FANOUTS single
#            events one at a time, each timed from its POST to its arrival at the last subscriber
#
# and the service's peak RSS (VmHWM) for each.
#
#   bench/delivery.sh                    # build, then run all four
#   SKIP_BUILD=1 bench/delivery.sh       # reuse target/coursewire-runner.jar
#   SCENARIOS="tp1 latency" bench/delivery.sh
#   EVENTS=20000 WARMUP_EVENTS=5000 CONCURRENCY=64 RATE=500 LAT_SECONDS=60 LAT_LEADIN=5 LAT_DUMP=<file> \
#   DURATION=10s WRK_WARMUP=20s CONNECTIONS=64 THREADS=2 PORT=18090 SINK_PORT=19001 bench/delivery.sh
#   LAT_TRACE=<dir>                             # latency: also log both JVMs' safepoints and the broker journal's
#                                               # files, then line the slow events up with them (bench/latency_tail.py)
#   JAVA_OPTS='@config/jvm.options'             # the service's JVM options (the README's)
#   HARNESS_OPTS="-Xmx1536m -Xmn1280m -XX:+UseSerialGC -XX:MaxTenuringThreshold=0 -XX:TieredStopAtLevel=1"  # the harness
#     JVM: C1 only, it leaves more CPU to the service; a young generation large enough to collect two to four times a
#     minute. Each of its pauses stalls the sink and the load alike and shows in the service's latency, so what it keeps
#     (timings, ids) is promoted at its first collection instead of being copied again at each, and the latency
#     scenario collects the harness's heap fully before its window: with the warm-up's timings still young, the first
#     collection in the window paused it for 117-529 ms (bench/README.md, "eleventh step"). The scenario prints the
#     harness's collections in the window ("harness GC while the load ran"). ZGC avoids the pauses, but its concurrent
#     cycles took CPU from the service: tp1 and the latency p99 were worse (bench/README.md, "ninth step")
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIOS=${SCENARIOS:-tp1 tp4 latency wrk4 mixed mixed-reload}
EVENTS=${EVENTS:-20000}
WARMUP_EVENTS=${WARMUP_EVENTS:-5000}
CONCURRENCY=${CONCURRENCY:-64}
RATE=${RATE:-500}
LAT_SECONDS=${LAT_SECONDS:-60}
LAT_LEADIN=${LAT_LEADIN:-5}
DURATION=${DURATION:-10s}
WRK_WARMUP=${WRK_WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
CAP=${CAP:-120}
PORT=${PORT:-18090}
SINK_PORT=${SINK_PORT:-19001}
SMTP_PORT=${SMTP_PORT:-19025}
FANOUTS=${FANOUTS:-10}
ADMIN_TOKEN=bench-admin-token
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh
HARNESS_OPTS=${HARNESS_OPTS:--Xmx1536m -Xmn1280m -XX:+UseSerialGC -XX:MaxTenuringThreshold=0 -XX:TieredStopAtLevel=1}
token=${COURSEWIRE_SOURCES_TAGMANGO_SECRET:-tagmango-demo-secret}

if [[ " $SCENARIOS " == *" wrk4 "* ]]; then
  need_wrk
fi
build_unless_skipped
require_free_ports "PORT / SINK_PORT / SMTP_PORT" "$PORT" "$SINK_PORT" "$SMTP_PORT"

work=$(mktemp -d)
pid=
results="$work/results.txt"
: > "$results"
stop_service() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
}
trap 'stop_service; [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT

# The machine's cores are shared. Other services, Maven builds and wrk runs are "others"; an idle one
# is harmless, a busy one (over 0.1 core) spoils the numbers: wait for quiet (up to QUIET_WAIT seconds)
# before each scenario, and flag a scenario during which others used CPU.
others() {
  pgrep -f 'coursewire-runner\.jar|plexus-classworlds|surefire|(^|/)wrk ' | grep -vxE "$$|${pid:-0}" | tr '\n' ' ' || true
}
ticks() { # utime+stime of one process, 0 when it is gone
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  echo "${stat##*) }" | awk '{print $12 + $13}'
}
declare -A others_ticks=()
others_since=0
snapshot_others() {
  others_ticks=(); others_since=$(date +%s%N)
  local p
  for p in $(others); do others_ticks[$p]=$(ticks "$p"); done
}
# prints "pid:cores ..." for others that used more than 0.1 core on average since the snapshot (ones that ended are missed)
busy_since_snapshot() {
  local p now elapsed used out=""
  now=$(date +%s%N); elapsed=$(( (now - others_since) / 1000000 )) # ms
  [ "$elapsed" -gt 0 ] || elapsed=1
  for p in $(others); do
    used=$(( $(ticks "$p") - ${others_ticks[$p]:-0} ))  # a pid new since the snapshot used all its CPU within it
    awk -v u="$used" -v e="$elapsed" -v hz="$(getconf CLK_TCK)" 'BEGIN {exit !(u / hz * 1000 / e > 0.1)}' \
      && out+="$p:$(awk -v u="$used" -v e="$elapsed" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", u / hz * 1000 / e}') "
  done
  echo "$out"
}
wait_quiet() {
  local busy waited=0
  snapshot_others; sleep 2; busy=$(busy_since_snapshot)
  while [ -n "$busy" ] && [ "$waited" -lt "${QUIET_WAIT:-600}" ]; do
    [ "$waited" -eq 0 ] && echo "  waiting for busy processes to finish (pid:cores $busy)..." >&2
    snapshot_others; sleep 5; waited=$((waited + 5)); busy=$(busy_since_snapshot)
  done
  if [ -n "$busy" ]; then
    echo "  WARNING: other processes busy at start (pid:cores $busy): numbers are not comparable" | tee -a "$results"
  fi
}

# start_service <name> <number of http targets> [more java options]: fresh data dir and targets file, waits until ready
start_service() {
  wait_quiet
  local dir="$work/$1" n=$2
  shift 2
  mkdir -p "$dir"
  {
    echo "targets:"
    [ "$n" -gt 0 ] || echo "  []"
    for i in $(seq 1 "$n"); do
      printf '  - name: sink-%d\n    type: http\n    url: http://127.0.0.1:%d/sink/%d\n' "$i" "$SINK_PORT" "$i"
    done
  } > "$dir/targets.yaml"
  launch_service "$dir/data" "$dir/targets.yaml" "$dir/service.log" "$@"
  await_ready "$dir/service.log"
  snapshot_others
  steal_from=$(steal_ticks); steal_since=$(date +%s%N)
}

# start_mixed <name>: fresh data dir, five targets of mixed kinds (see mixed above), waits until ready
start_mixed() {
  wait_quiet
  local dir="$work/$1"
  mkdir -p "$dir"
  cp -r config/templates "$dir/templates"   # the email target's templates, beside its targets file
  cat > "$dir/targets.yaml" <<YAML
targets:
  - name: sink-1
    type: http
    url: http://127.0.0.1:$SINK_PORT/sink/1
    headers: {X-Reload: "0"}
  - name: sink-2
    type: http
    url: http://127.0.0.1:$SINK_PORT/sink/2
  - {name: csv, type: file, directory: $dir/files/csv, format: csv}
  - {name: ndjson, type: file, directory: $dir/files/ndjson, format: ndjson}
  - name: registrar
    type: email
    to: ["{learner.email}"]
    subject: "{learner.name} completed {course.title}"
    template: completion
YAML
  launch_service "$dir/data" "$dir/targets.yaml" "$dir/service.log" \
    -Dcoursewire.mail.host=127.0.0.1 -Dcoursewire.mail.port="$SMTP_PORT"
  await_ready "$dir/service.log"
  snapshot_others
  steal_from=$(steal_ticks); steal_since=$(date +%s%N)
}

# CPU time the hypervisor gave to other guests (the "steal" column of /proc/stat), all cores
steal_ticks() { awk '/^cpu / {print $9}' /proc/stat; }

# finish <name>: records the service's peak RSS, checks its log for delivery trouble, stops it
finish() {
  local rss_kb
  rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  echo "  service peak RSS: $((rss_kb / 1024)) MiB"
  echo "RSS $1 $((rss_kb / 1024))" >> "$results"
  # On a shared host the hypervisor may take CPU from this machine; such runs are slower for no fault of the service.
  local stolen
  stolen=$(awk -v t="$(( $(steal_ticks) - steal_from ))" -v e="$(( ($(date +%s%N) - steal_since) / 1000000 ))" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz * 1000 / (e > 0 ? e : 1)}')
  echo "  CPU stolen by the hypervisor: $stolen cores on average over the scenario"
  echo "STEAL $1 $stolen" >> "$results"
  if awk -v s="$stolen" 'BEGIN {exit !(s > 0.05)}'; then
    echo "  WARNING: the host took $stolen cores from this machine: numbers are not comparable" | tee -a "$results"
  fi
  local busy
  busy=$(busy_since_snapshot)
  if [ -n "$busy" ]; then
    echo "  WARNING: other processes used CPU alongside (pid:cores $busy): numbers are not comparable" | tee -a "$results"
  fi
  local warns
  warns=$(grep -E ' (WARN|ERROR) ' "$work/$1/service.log" | grep -cvE 'demo (secret|token)' || true)
  if [ "$warns" -gt 0 ]; then
    echo "  ($warns WARN/ERROR lines, besides demo-secret ones, in the service log; KEEP=1 keeps $work/$1/service.log)"
  fi
  stop_service
  echo
}

# watch_journal <journal dir> <file>: while the service runs, every 250 ms: epoch ms, data files, compaction files
# (globs and the shell's clock: the watcher must take as little CPU as it can from what it watches)
watch_journal() {
  local data cmp
  shopt -s nullglob
  while kill -0 "$pid" 2>/dev/null; do
    data=("$1"/*.amq); cmp=("$1"/*.cmp)
    echo "$(( ${EPOCHREALTIME/./} / 1000 )) ${#data[@]} ${#cmp[@]}"
    sleep 0.25
  done > "$2"
}

harness() {
  # shellcheck disable=SC2086
  java $HARNESS_OPTS ${HARNESS_EXTRA:-} bench/DeliveryBench.java "$@" service="http://127.0.0.1:$PORT" sinkport="$SINK_PORT" token="$token" cap="$CAP" \
    servicepid="$pid" clktck="$(getconf CLK_TCK)" \
    | tee -a "$results" | grep -v '^RESULT'
}

for s in $SCENARIOS; do
  case "$s" in
    tp1|tp4)
      n=${s#tp}
      start_service "$s" "$n"
      harness throughput targets="$n" events="$EVENTS" warmup="$WARMUP_EVENTS" concurrency="$CONCURRENCY"
      finish "$s" ;;
    latency)
      if [ -n "${LAT_TRACE:-}" ]; then
        # Safepoint logs of both JVMs (written asynchronously: a log write inside a pause would lengthen it)
        # and the journal's files over time, for bench/latency_tail.py
        mkdir -p "$LAT_TRACE"
        LAT_TRACE=$(cd "$LAT_TRACE" && pwd)
        saved_opts=$JAVA_OPTS
        JAVA_OPTS="$JAVA_OPTS -Xlog:async -Xlog:safepoint:file=$LAT_TRACE/service-safepoints.log:time"
        start_service "$s" 1
        JAVA_OPTS=$saved_opts
        watch_journal "$work/$s/data/broker/journal" "$LAT_TRACE/journal.txt" &
        HARNESS_EXTRA="-Xlog:async -Xlog:safepoint:file=$LAT_TRACE/harness-safepoints.log:time"
        LAT_DUMP=$LAT_TRACE/latency.txt
      else
        start_service "$s" 1
      fi
      harness latency rate="$RATE" seconds="$LAT_SECONDS" leadin="$LAT_LEADIN" ${LAT_DUMP:+dump="$LAT_DUMP"} warmup="$WARMUP_EVENTS" concurrency="$CONCURRENCY"
      HARNESS_EXTRA=
      finish "$s"
      if [ -n "${LAT_TRACE:-}" ]; then
        wait
        python3 bench/latency_tail.py "$LAT_TRACE"
        echo
      fi ;;
    wrk4)
      start_service "$s" 4
      harness wrk targets=4 duration="$DURATION" wrkwarmup="$WRK_WARMUP" connections="$CONNECTIONS" threads="$THREADS" \
        lua=bench/tagmango.lua ${VERBOSE:+verbose=1}
      finish "$s" ;;
    mixed|mixed-reload)
      start_mixed "$s"
      extra=()
      [ "$s" = mixed-reload ] && extra=(reload="$work/$s/targets.yaml")
      [ -n "${MIXED_RATE:-}" ] && extra+=(rate="$MIXED_RATE")
      harness mixed events="$EVENTS" warmup="$WARMUP_EVENTS" concurrency="$CONCURRENCY" smtpport="$SMTP_PORT" \
        files="$work/$s/files" ${extra[@]+"${extra[@]}"}
      finish "$s" ;;
    subs50|subs5000)
      n=${s#subs}
      start_service "$s" 0 -Dcoursewire.subscriptions.allow-private-networks=true -Dcoursewire.admin.token="$ADMIN_TOKEN"
      if [ "$n" -le 100 ]; then
        harness subscribers subs="$n" events="$EVENTS" warmup="$WARMUP_EVENTS" concurrency="$CONCURRENCY" fanout="$FANOUTS" \
          admintoken="$ADMIN_TOKEN" ${SUBS_RATE:+rate="$SUBS_RATE"}
      else
        harness subscribers subs="$n" events=0 warmup=0 fanout="$FANOUTS" admintoken="$ADMIN_TOKEN" sinkthreads=8
      fi
      finish "$s" ;;
    *) echo "unknown scenario $s (tp1 tp4 latency wrk4 mixed mixed-reload subs50 subs5000)" >&2; exit 2 ;;
  esac
done

echo "summary ($(nproc) cores, service JAVA_OPTS: $JAVA_OPTS; harness: $HARNESS_OPTS)"
grep -E '^(RESULT|RSS|STEAL|  WARNING)' "$results" | sed 's/^ */  /'
