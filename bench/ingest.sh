#!/usr/bin/env bash
# Ingest benchmark: durable TagMango accepts vs. a bare platform-http JSON route, same service, same run.
# Starts the packaged service with no targets, drives 64 connections with wrk for DURATION each,
# prints req/s, p99 and non-2xx for both, their ratio, and the service's peak resident memory.
#
#   bench/ingest.sh                 # build, then run
#   SKIP_BUILD=1 bench/ingest.sh    # reuse target/coursewire-runner.jar
#   DURATION=10s CONNECTIONS=64 THREADS=2 PORT=18080 bench/ingest.sh
#   PROFILE=1 bench/ingest.sh       # also print the service's CPU by thread during the durable run
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh

need_wrk
build_unless_skipped

require_free_ports PORT "$PORT"

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
printf 'targets: []\n' > "$work/targets.yaml"

launch_service "$work/data" "$work/targets.yaml" "$work/service.log" \
  -Dcamel.main.routes-include-pattern="${ROUTES:-file:routes/*.yaml,file:bench/bare-route.yaml}"
await_ready "$work/service.log"

token=${COURSEWIRE_SOURCES_TAGMANGO_SECRET:-tagmango-demo-secret}
durable_url="http://127.0.0.1:$PORT/webhooks/tagmango?token=$token"
bare_url="http://127.0.0.1:$PORT/bench/bare"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
run_wrk() { # name url duration
  RUN_TAG="$1$RANDOM" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -s bench/tagmango.lua "$2" > "$work/$1.txt" 2>&1 || true
}
# req/s, p99 in ms, non-2xx count
summarize() {
  local f=$1
  local rps p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$f")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$f"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors:/ {s=0; for (i=3;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) {gsub(",","",$i); s+=$i}; print s}' "$f"); errors=${errors:-0}
  echo "$rps $p99 $non2xx $errors"
}

# The JIT needs a while on 2 cores: each route is warmed before it is measured. The bare route goes
# first so that it does not compete with the router draining the durable backlog.
echo "bare route: warm-up $WARMUP, then $DURATION measured ($CONNECTIONS connections, $THREADS wrk threads)..." >&2
run_wrk warm-bare "$bare_url" "$WARMUP"
c0=$(cpu_ticks); run_wrk bare "$bare_url" "$DURATION"; bare_cpu=$(( $(cpu_ticks) - c0 ))
echo "durable accept: warm-up $WARMUP, then $DURATION measured..." >&2
run_wrk warm-durable "$durable_url" "$WARMUP"
if [ -n "${PROFILE:-}" ]; then bench/thread-cpu.sh "$pid" "${DURATION%s}" > "$work/threads.txt" & profiler=$!; fi
w0=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
c0=$(cpu_ticks); run_wrk durable "$durable_url" "$DURATION"; dur_cpu=$(( $(cpu_ticks) - c0 ))
dur_written=$(( $(awk '/^write_bytes/ {print $2}' "/proc/$pid/io") - w0 ))
if [ -n "${PROFILE:-}" ]; then wait "$profiler"; fi

read -r bare_rps bare_p99 bare_non2xx bare_err < <(summarize "$work/bare.txt")
read -r dur_rps dur_p99 dur_non2xx dur_err < <(summarize "$work/durable.txt")
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

hz=$(getconf CLK_TCK)
secs=${DURATION%s}
# Service CPU per request over the measured run (user + system, all threads): steadier than req/s when
# the host takes CPU, and it counts work the durable path leaves for later (the router, the event log).
us_per_req() { awk -v t="$1" -v hz="$hz" -v r="$2" -v s="$secs" 'BEGIN {printf "%.0f", t / hz * 1e6 / (r * s)}'; }
printf '\n%-28s %12s %10s %8s %8s %12s\n' "route" "req/s" "p99 ms" "non-2xx" "sockerr" "CPU us/req"
printf '%-28s %12.0f %10.2f %8d %8d %12s\n' "bare platform-http (JSON)" "$bare_rps" "$bare_p99" "$bare_non2xx" "$bare_err" "$(us_per_req "$bare_cpu" "$bare_rps")"
printf '%-28s %12.0f %10.2f %8d %8d %12s\n' "durable TagMango accept" "$dur_rps" "$dur_p99" "$dur_non2xx" "$dur_err" "$(us_per_req "$dur_cpu" "$dur_rps")"
ratio=$(awk -v a="$dur_rps" -v b="$bare_rps" 'BEGIN {printf "%.3f", a/b}')
echo
echo "durable / bare ratio: $ratio   (bar, issue 19: >= 0.35, durable p99 <= 25 ms, zero non-2xx)"
echo "service peak RSS: $((rss_kb / 1024)) MiB"
awk -v b="$dur_written" -v r="$dur_rps" -v s="${DURATION%s}" 'BEGIN {printf "written to disk during the durable run: %.0f MiB, %.0f bytes per request (journal and database)\n", b / 1048576, b / (r * s)}'
if [ -n "${PROFILE:-}" ]; then echo; echo "service CPU by thread during the measured durable run:"; cat "$work/threads.txt"; fi
if [ -n "${VERBOSE:-}" ]; then cat "$work/bare.txt" "$work/durable.txt"; fi
