#!/usr/bin/env bash
# Scale-out benchmark (issue 15): ingest and end-to-end throughput to one HTTP target of
#
#   embedded   one instance on its embedded defaults (Artemis in the JVM, H2): the single-machine default
#   cluster1   one instance in profile cluster on an external Artemis 2.40.0 (login required) and PostgreSQL
#   cluster2   two instances in profile cluster on the same engines, the load spread over both
#
# each measured by bench/DeliveryBench.java's throughput mode (EVENTS distinct TagMango completions,
# CONCURRENCY in flight, after WARMUP_EVENTS not counted; the sink in the harness JVM), with the CPU
# each process used over the measured part: the instances, the broker, PostgreSQL (all its processes);
# the harness's own (load and sink) is on its "CPU" line. Everything shares this machine's cores, so the table says where the CPU went.
# The engines are started by bench/ClusterEngines.java with the test suite's own launchers (the
# Artemis distribution unpacked by 'mvnw verify' or by this script, PostgreSQL from zonky's binaries).
#
#   bench/cluster.sh                        # build, then run all three
#   SKIP_BUILD=1 SCENARIOS="cluster1 cluster2" EVENTS=20000 WARMUP_EVENTS=5000 CONCURRENCY=64 bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIOS=${SCENARIOS:-embedded cluster1 cluster2}
EVENTS=${EVENTS:-20000}
WARMUP_EVENTS=${WARMUP_EVENTS:-5000}
CONCURRENCY=${CONCURRENCY:-64}
CAP=${CAP:-300}
PORT=${PORT:-18090}
PORT2=${PORT2:-18091}
SINK_PORT=${SINK_PORT:-19001}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
HARNESS_OPTS=${HARNESS_OPTS:--Xmx1536m -Xmn1280m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# shellcheck source=bench/common.sh
. bench/common.sh
token=${COURSEWIRE_SOURCES_TAGMANGO_SECRET:-tagmango-demo-secret}

build_unless_skipped
if [ -z "${SKIP_BUILD:-}" ] || [ ! -d target/test-classes/io/coursewire/support ] || [ ! -d target/artemis-dist ]; then
  # the engines' launchers (test classes) and the Artemis distribution, unpacked as 'mvnw verify' does
  ./mvnw -q -B test-compile dependency:unpack@unpack-artemis-dist
fi
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
require_free_ports "PORT / PORT2 / SINK_PORT" "$PORT" "$PORT2" "$SINK_PORT"

work=$(mktemp -d)
pids=()
engines_pid=
stop_instances() {
  local p
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  for p in ${pids[@]+"${pids[@]}"}; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_instances
  [ -n "$engines_pid" ] && { exec 3>&- 2>/dev/null || true; kill "$engines_pid" 2>/dev/null || true; wait "$engines_pid" 2>/dev/null || true; }
  [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

ticks() { # utime+stime of one process, 0 when it is gone
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  echo "${stat##*) }" | awk '{print $12 + $13}'
}
sum_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(ticks "$p"))); done; echo "$t"; }
postgres_pids() { # the postmaster (its command line names the data directory) and its children (the backends, rewritten names)
  local pm
  pm=$(pgrep -f -- "-D $work/engines/postgres" | head -1 || true)
  [ -n "$pm" ] && echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"
  return 0
}

engines_up() {
  [ -n "$engines_pid" ] && return 0
  mkfifo "$work/engines.in"
  java -cp "target/test-classes:$(cat target/test-classpath.txt)" bench/ClusterEngines.java "$work/engines" \
    < "$work/engines.in" > "$work/engines.out" 2> "$work/engines.err" &
  engines_pid=$!
  exec 3> "$work/engines.in"
  for _ in $(seq 1 120); do grep -q '^READY' "$work/engines.out" 2>/dev/null && break; sleep 0.5; done
  grep -q '^READY' "$work/engines.out" || { cat "$work/engines.err"; echo "the engines did not start" >&2; exit 1; }
  # shellcheck disable=SC1090
  . <(grep -E '^[A-Z_]+=' "$work/engines.out")
}

# start_instance <name> <port> [java options...]: one packaged instance, as the README starts it
start_instance() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$work/$name"
  PORT=$port launch_service "$work/$name/data" "$work/targets.yaml" "$work/$name/service.log" "$@"
  pids+=("$pid")
}
cluster_options() {
  echo -Dquarkus.profile=cluster -Dcoursewire.broker.url="$BROKER_URL" -Dcoursewire.broker.username="$BROKER_USER" \
    -Dcoursewire.broker.password="$BROKER_PASSWORD" -Dquarkus.datasource.jdbc.url="$DB_URL" \
    -Dquarkus.datasource.username="$DB_USER" -Dquarkus.datasource.password="$DB_PASSWORD"
}

printf 'targets:\n  - name: sink-1\n    type: http\n    url: http://127.0.0.1:%d/sink/1\n' "$SINK_PORT" > "$work/targets.yaml"
results="$work/results.txt"
: > "$results"
hz=$(getconf CLK_TCK)

for s in $SCENARIOS; do
  services=()
  case "$s" in
    embedded)
      start_instance "$s" "$PORT"
      services=("http://127.0.0.1:$PORT") ;;
    cluster1|cluster2)
      engines_up
      # shellcheck disable=SC2046
      start_instance "$s-a" "$PORT" $(cluster_options)
      services=("http://127.0.0.1:$PORT")
      if [ "$s" = cluster2 ]; then
        # shellcheck disable=SC2046
        start_instance "$s-b" "$PORT2" $(cluster_options)
        services+=("http://127.0.0.1:$PORT2")
      fi ;;
    *) echo "unknown scenario $s (embedded cluster1 cluster2)" >&2; exit 2 ;;
  esac
  i=0
  for url in "${services[@]}"; do
    PORT=${url##*:} pid=${pids[$i]} await_ready "$work/$s$([ "$s" = embedded ] || echo "-$([ $i = 0 ] && echo a || echo b)")/service.log"
    i=$((i + 1))
  done
  echo "== $s: ${#services[@]} instance(s)$([ "$s" = embedded ] || echo ", broker $BROKER_URL, PostgreSQL")" | tee -a "$results"
  broker_pid=${BROKER_PID:-0}
  pg=$(postgres_pids)
  # The harness prints a line when the measured part starts and ends; CPU is read around it.
  java $HARNESS_OPTS bench/DeliveryBench.java throughput targets=1 events="$EVENTS" warmup="$WARMUP_EVENTS" \
    concurrency="$CONCURRENCY" service="$(IFS=,; echo "${services[*]}")" sinkport="$SINK_PORT" token="$token" cap="$CAP" \
    servicepid="${pids[0]}" clktck="$hz" > "$work/$s.harness" 2>&1 &
  harness=$!
  # wait for the warm-up to end (its summary line), then take the CPU snapshot
  for _ in $(seq 1 600); do grep -q 'warm-up:' "$work/$s.harness" 2>/dev/null && break; kill -0 "$harness" 2>/dev/null || break; sleep 0.5; done
  t0=$(date +%s%N)
  declare -A before=()
  for p in "${pids[@]}"; do before[$p]=$(ticks "$p"); done
  broker_before=$([ "$broker_pid" != 0 ] && ticks "$broker_pid" || echo 0)
  # shellcheck disable=SC2086
  pg_before=$(sum_ticks $pg)
  wait "$harness" || true
  t1=$(date +%s%N)
  grep -v '^RESULT' "$work/$s.harness" | sed 's/^/  /' | tee -a "$results"
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}')
  cores() { awk -v t="$1" -v hz="$hz" -v s="$secs" 'BEGIN {printf "%.2f", t / hz / s}'; }
  line="  CPU over the measured part (${secs%.*} s, cores of $(nproc)):"
  i=0
  for p in "${pids[@]}"; do
    line+=" instance-$i $(cores $(( $(ticks "$p") - ${before[$p]} )))"
    rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$p/status")
    line+=" (peak RSS ${rss} MiB),"
    i=$((i + 1))
  done
  if [ "$s" != embedded ]; then
    # shellcheck disable=SC2086
    line+=" broker $(cores $(( $(ticks "$broker_pid") - broker_before ))), postgres $(cores $(( $(sum_ticks $pg) - pg_before ))),"
  fi
  line="${line%,}"
  echo "$line" | tee -a "$results"
  warns=$(cat "$work"/"$s"*/service.log | grep -E ' (WARN|ERROR) ' | grep -cvE 'demo (secret|token)|been already registered' || true)
  [ "$warns" -gt 0 ] && echo "  ($warns WARN/ERROR lines in the instances' logs; KEEP=1 keeps them under $work)" | tee -a "$results"
  stop_instances
  echo
done

echo "summary ($(nproc) cores, instances' JAVA_OPTS: $JAVA_OPTS)"
grep -E '^==|ingest only|end to end|CPU over|redeliveries' "$results"
